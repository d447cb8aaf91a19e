-- Approval and signing of a document, and the in-app inbox.
--
-- approval_rounds   the host's admins send a saved version (document_versions) for approval: one round
--                   per sending, at most one open per document. It binds to the version's content hash;
--                   signing records who signed and when on the round (the version itself is never
--                   changed: it is the frozen signed text). A new sending or an amendment ends a round.
-- approval_parties  the tenants asked in a round, each with its decision (approved / changes requested,
--                   with a comment), who decided and the hash the decision bound to.
-- notifications     one row per recipient: approvals requested, approved, changes requested, signed,
--                   mentions and replies; read or unread. Written by the actor, as themselves.
--
-- The policies match the permission policy (packages/domain/src/policy.ts): rounds are sent, ended and
-- signed by the host's admins in an unarchived space; a party's decision by that tenant's admins who see
-- the space; everything is visible as its space.

create table approval_rounds (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null,
  space_id uuid not null,
  version_id uuid not null references document_versions(id) on delete cascade,
  content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
  requested_by text references users(id) on delete set null,
  requested_at timestamptz not null default now(),
  ended_at timestamptz,
  signed_by text references users(id) on delete set null,
  signed_at timestamptz,
  unique (id, space_id),
  foreign key (document_id, space_id) references documents(id, space_id) on delete cascade
);
create unique index approval_rounds_one_open on approval_rounds (document_id) where ended_at is null;
create index approval_rounds_document on approval_rounds (document_id, requested_at desc);
create index approval_rounds_space on approval_rounds (space_id);

create table approval_parties (
  round_id uuid not null,
  space_id uuid not null,
  tenant_id uuid not null references tenants(id) on delete cascade,
  decision text check (decision in ('approved', 'changes_requested')),
  comment text check (comment is null or length(comment) <= 4000),
  content_hash text check (content_hash is null or content_hash ~ '^[0-9a-f]{64}$'),
  decided_by text references users(id) on delete set null,
  decided_at timestamptz,
  primary key (round_id, tenant_id),
  foreign key (round_id, space_id) references approval_rounds(id, space_id) on delete cascade,
  check ((decision is null) = (decided_at is null))
);
create index approval_parties_tenant on approval_parties (tenant_id);

create table notifications (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references users(id) on delete cascade,
  kind text not null check (kind in ('approvalRequested', 'approved', 'changesRequested', 'signed', 'mention', 'reply')),
  space_id uuid not null references spaces(id) on delete cascade,
  document_id uuid references documents(id) on delete cascade,
  tenant_id uuid references tenants(id) on delete cascade,
  actor_id text references users(id) on delete set null,
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_user on notifications (user_id, created_at desc);
create index notifications_unread on notifications (user_id) where read_at is null;

-- A document's stored status follows its open round: approved when every party approved the round's
-- hash, else in review. Kept by the database, because the last approval may come from a partner whose
-- role in the space does not let it write documents (a viewer partner asked to approve). Runs as the
-- tables' owner and touches only the status of the round's own document, and only while it is in
-- review or approved.
create function app_follow_round_status() returns trigger language plpgsql security definer set search_path = public as $$
declare
  r approval_rounds%rowtype;
begin
  select * into r from approval_rounds where id = new.round_id;
  if r.ended_at is not null or r.signed_at is not null then return new; end if;
  update documents set status = case
      when not exists (select 1 from approval_parties p where p.round_id = r.id and (p.decision is distinct from 'approved' or p.content_hash is distinct from r.content_hash))
      then 'approved' else 'in_review' end
  where id = r.document_id and space_id = r.space_id and status in ('in_review', 'approved');
  return new;
end
$$;
create trigger approval_parties_status after update of decision, content_hash on approval_parties
  for each row execute function app_follow_round_status();

alter table approval_rounds enable row level security;
create policy approval_rounds_read on approval_rounds for select using (app_is_system() or space_id in (select app_visible_spaces()));
create policy approval_rounds_add on approval_rounds for insert with check (
  requested_by = app_user_id() and app_is_space_host_admin(space_id) and space_id in (select app_writable_spaces()));
create policy approval_rounds_change on approval_rounds for update
  using (app_is_space_host_admin(space_id) and space_id in (select app_writable_spaces()))
  with check (app_is_space_host_admin(space_id) and space_id in (select app_writable_spaces()) and (signed_by is null or signed_by = app_user_id()));

alter table approval_parties enable row level security;
create policy approval_parties_read on approval_parties for select using (app_is_system() or space_id in (select app_visible_spaces()));
create policy approval_parties_add on approval_parties for insert with check (
  app_is_space_host_admin(space_id) and space_id in (select app_writable_spaces()) and decision is null);
create policy approval_parties_decide on approval_parties for update
  using (app_is_tenant_admin(tenant_id) and space_id in (select app_visible_spaces()))
  with check (app_is_tenant_admin(tenant_id) and space_id in (select app_visible_spaces()) and decided_by = app_user_id());

-- Each user reads and marks their own, and only while they see the space it is about; a notification
-- is added by its actor, as themselves, in a space they take part in.
alter table notifications enable row level security;
create policy notifications_read on notifications for select using (user_id = app_user_id() and space_id in (select app_visible_spaces()));
create policy notifications_add on notifications for insert with check (actor_id = app_user_id() and space_id in (select app_visible_spaces()));
create policy notifications_mark on notifications for update
  using (user_id = app_user_id()) with check (user_id = app_user_id());
