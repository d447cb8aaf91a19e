-- Row-level security that matches the permission policy (packages/domain/src/policy.ts) instead of a
-- wider set, and covers every table that holds tenant data.
--
-- Three sets of spaces, each the acting user's (app.user_id):
--   app_visible_spaces()     — what the policy lets them view: hosted by one of their tenants, or an
--                              active partner's that has them taking part (all members, or the chosen
--                              ones). Invited, declined, left and removed partners see no content.
--   app_commentable_spaces() — of those, unarchived, where they may comment (editor/commenter partner,
--                              or host member that is not a tenant viewer).
--   app_writable_spaces()    — of those, where they may edit (editor partner or host member).
-- Participation rows (spaces, space_partners, space_members) stay readable to every member of a partner
-- tenant that is invited or active, so its admins can answer invitations and choose members.

create or replace function app_visible_spaces() returns setof uuid language sql stable security definer set search_path = public as $$
  select s.id from spaces s where s.host_tenant_id in (select app_my_tenants())
  union
  select p.space_id from space_partners p join spaces s on s.id = p.space_id
  where p.status = 'active' and not s.private and p.tenant_id in (select app_my_tenants())
    and (p.member_selection = 'all' or exists (
      select 1 from space_members m where m.space_id = p.space_id and m.tenant_id = p.tenant_id and m.user_id = app_user_id()))
$$;

-- Spaces where the user may write at `min_role` or above: 'commenter' or 'editor'.
create function app_spaces_at(min_role text) returns setof uuid language sql stable security definer set search_path = public as $$
  select s.id from spaces s join memberships m on m.tenant_id = s.host_tenant_id and m.user_id = app_user_id()
  where s.archived_at is null and m.role <> 'viewer'
  union
  select p.space_id from space_partners p
  join spaces s on s.id = p.space_id
  join memberships m on m.tenant_id = p.tenant_id and m.user_id = app_user_id()
  where p.status = 'active' and not s.private and s.archived_at is null and m.role <> 'viewer'
    and (p.role = 'editor' or (min_role = 'commenter' and p.role = 'commenter'))
    and (p.member_selection = 'all' or exists (
      select 1 from space_members sm where sm.space_id = p.space_id and sm.tenant_id = p.tenant_id and sm.user_id = app_user_id()))
$$;

create function app_writable_spaces() returns setof uuid language sql stable as $$ select app_spaces_at('editor') $$;
create function app_commentable_spaces() returns setof uuid language sql stable as $$ select app_spaces_at('commenter') $$;

-- Spaces the user's tenants are partners of (invited or active): participation rows only.
create function app_partnered_spaces() returns setof uuid language sql stable security definer set search_path = public as $$
  select p.space_id from space_partners p where p.tenant_id in (select app_my_tenants()) and p.status in ('invited', 'active')
$$;

drop policy spaces_read on spaces;
-- (The host check on the row itself lets `insert … returning` see a space it has just created.)
create policy spaces_read on spaces for select using (
  app_is_system() or host_tenant_id in (select app_my_tenants()) or id in (select app_visible_spaces()) or id in (select app_partnered_spaces()));
drop policy space_partners_read on space_partners;
create policy space_partners_read on space_partners for select using (
  app_is_system() or space_id in (select app_visible_spaces()) or space_id in (select app_partnered_spaces()));
drop policy space_members_read on space_members;
create policy space_members_read on space_members for select using (
  app_is_system() or space_id in (select app_visible_spaces()) or space_id in (select app_partnered_spaces()));

-- The tenant directory: every signed-in user may find a tenant by name (partner search, parents,
-- networks) — names, kinds and countries are public facts of public bodies. Only a tenant's admins
-- change it; anyone signed in may create one (and becomes its owner).
alter table tenants enable row level security;
create policy tenants_read on tenants for select using (app_is_system() or app_user_id() is not null);
create policy tenants_add on tenants for insert with check (app_user_id() is not null);
create policy tenants_change on tenants for update using (app_is_tenant_admin(id));

alter table network_members enable row level security;
create policy network_members_read on network_members for select using (app_is_system() or app_user_id() is not null);
create policy network_members_add on network_members for insert with check (app_is_tenant_admin(network_id) or app_is_tenant_admin(member_id));
create policy network_members_remove on network_members for delete using (app_is_tenant_admin(network_id) or app_is_tenant_admin(member_id));

-- Documents: visible as their space; created and changed by those who may edit it.
drop policy documents_read on documents;
drop policy documents_add on documents;
drop policy documents_change on documents;
create policy documents_read on documents for select using (app_is_system() or space_id in (select app_visible_spaces()));
create policy documents_add on documents for insert with check (space_id in (select app_writable_spaces()));
create policy documents_change on documents for update
  using (app_is_system() or space_id in (select app_writable_spaces()))
  with check (app_is_system() or space_id in (select app_writable_spaces()));

-- The Yjs log and snapshot: readable with their document (the page renders the last committed
-- content); written only by the collaboration server's system path, which authorises every socket
-- with the permission policy before it reads or writes a byte (and by a new document's first snapshot).
create function app_document_visible(d uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from documents where id = d and space_id in (select app_visible_spaces()))
$$;
create function app_document_writable(d uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from documents where id = d and space_id in (select app_writable_spaces()))
$$;
alter table document_updates enable row level security;
create policy document_updates_read on document_updates for select using (app_is_system() or app_document_visible(document_id));
create policy document_updates_write on document_updates for insert with check (app_is_system());
create policy document_updates_remove on document_updates for delete using (app_is_system());
alter table document_snapshots enable row level security;
create policy document_snapshots_read on document_snapshots for select using (app_is_system() or app_document_visible(document_id));
create policy document_snapshots_add on document_snapshots for insert with check (app_is_system() or app_document_writable(document_id));
create policy document_snapshots_change on document_snapshots for update using (app_is_system()) with check (app_is_system());

-- Boards and everything on them: visible as their space, written by those who may edit it; comments
-- (and the history line a comment adds) by those who may comment.
create or replace function app_board_visible(b uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from boards where id = b and space_id in (select app_visible_spaces()))
$$;
create function app_board_writable(b uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from boards where id = b and space_id in (select app_writable_spaces()))
$$;
create function app_card_writable(c uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from cards where id = c and app_board_writable(board_id))
$$;
create function app_card_commentable(c uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from cards k join boards b on b.id = k.board_id where k.id = c and b.space_id in (select app_commentable_spaces()))
$$;

drop policy boards_all on boards;
create policy boards_read on boards for select using (app_is_system() or space_id in (select app_visible_spaces()));
create policy boards_write on boards for all using (space_id in (select app_writable_spaces())) with check (space_id in (select app_writable_spaces()));
drop policy board_columns_all on board_columns;
create policy board_columns_read on board_columns for select using (app_is_system() or app_board_visible(board_id));
create policy board_columns_write on board_columns for all using (app_board_writable(board_id)) with check (app_board_writable(board_id));
drop policy cards_all on cards;
create policy cards_read on cards for select using (app_is_system() or app_board_visible(board_id));
create policy cards_write on cards for all using (app_board_writable(board_id)) with check (app_board_writable(board_id));
drop policy card_assignees_all on card_assignees;
create policy card_assignees_read on card_assignees for select using (app_is_system() or app_card_visible(card_id));
create policy card_assignees_write on card_assignees for all using (app_card_writable(card_id)) with check (app_card_writable(card_id));
drop policy card_checklist_all on card_checklist;
create policy card_checklist_read on card_checklist for select using (app_is_system() or app_card_visible(card_id));
create policy card_checklist_write on card_checklist for all using (app_card_writable(card_id)) with check (app_card_writable(card_id));
drop policy card_comments_all on card_comments;
create policy card_comments_read on card_comments for select using (app_card_visible(card_id));
create policy card_comments_add on card_comments for insert with check (app_card_commentable(card_id) and author_id = app_user_id());
drop policy card_events_add on card_events;
create policy card_events_add on card_events for insert with check (app_card_commentable(card_id) and actor_id = app_user_id());
