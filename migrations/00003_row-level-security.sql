-- The second wall: the app connects as twinning_app, which owns no table and has no BYPASSRLS.
-- Tenant- and space-scoped rows are visible only to the acting user, named per transaction with
-- set_config('app.user_id', …, true). Without it a query sees nothing. The fine-grained rules
-- (roles, chosen members, archived spaces) are the permission policy's in packages/domain; these
-- policies hold the tenant boundary underneath it.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'twinning_app') then
    create role twinning_app nologin;
  end if;
end
$$;

grant usage on schema public to twinning_app;
grant select, insert, update, delete on all tables in schema public to twinning_app;
grant usage, select on all sequences in schema public to twinning_app;
revoke all on migrations from twinning_app;
revoke update, delete on audit_events from twinning_app;
alter default privileges in schema public grant select, insert, update, delete on tables to twinning_app;
alter default privileges in schema public grant usage, select on sequences to twinning_app;

-- Helpers. SECURITY DEFINER lets them read memberships and spaces without recursing into the very
-- policies that call them; they only ever answer about the acting user.
create function app_user_id() returns text language sql stable as $$
  select nullif(current_setting('app.user_id', true), '')
$$;

create function app_user_email() returns text language sql stable security definer set search_path = public as $$
  select email from users where id = app_user_id()
$$;

create function app_my_tenants() returns setof uuid language sql stable security definer set search_path = public as $$
  select tenant_id from memberships where user_id = app_user_id()
$$;

create function app_tenant_role(t uuid) returns text language sql stable security definer set search_path = public as $$
  select role from memberships where tenant_id = t and user_id = app_user_id()
$$;

create function app_is_tenant_admin(t uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from memberships where tenant_id = t and user_id = app_user_id() and role in ('owner', 'admin'))
$$;

create function app_tenant_is_empty(t uuid) returns boolean language sql stable security definer set search_path = public as $$
  select not exists (select 1 from memberships where tenant_id = t)
$$;

create function app_invited_to(t uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from invitations where tenant_id = t and email = app_user_email() and accepted_by = app_user_id())
$$;

-- Spaces where one of the user's tenants is host, or a partner that is invited or active.
create function app_visible_spaces() returns setof uuid language sql stable security definer set search_path = public as $$
  select s.id from spaces s where s.host_tenant_id in (select app_my_tenants())
  union
  select p.space_id from space_partners p where p.tenant_id in (select app_my_tenants()) and p.status in ('invited', 'active')
$$;

create function app_is_space_host_admin(s uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from spaces where id = s and app_is_tenant_admin(host_tenant_id))
$$;

-- Tenants whose people a user may see: their own, and those taking part in a space they see.
create function app_visible_tenants() returns setof uuid language sql stable security definer set search_path = public as $$
  select app_my_tenants()
  union
  select s.host_tenant_id from spaces s where s.id in (select app_visible_spaces())
  union
  select p.tenant_id from space_partners p where p.space_id in (select app_visible_spaces()) and p.status = 'active'
$$;

alter table memberships enable row level security;
create policy memberships_read on memberships for select using (tenant_id in (select app_visible_tenants()));
create policy memberships_add on memberships for insert with check (
  app_is_tenant_admin(tenant_id)
  or (user_id = app_user_id() and role = 'owner' and app_tenant_is_empty(tenant_id))
  or (user_id = app_user_id() and app_invited_to(tenant_id))
);
create policy memberships_change on memberships for update using (app_is_tenant_admin(tenant_id));
create policy memberships_remove on memberships for delete using (app_is_tenant_admin(tenant_id) or user_id = app_user_id());

alter table invitations enable row level security;
create policy invitations_read on invitations for select using (tenant_id in (select app_my_tenants()) or email = app_user_email());
create policy invitations_add on invitations for insert with check (app_is_tenant_admin(tenant_id));
create policy invitations_change on invitations for update using (app_is_tenant_admin(tenant_id) or email = app_user_email());

alter table spaces enable row level security;
create policy spaces_read on spaces for select using (host_tenant_id in (select app_my_tenants()) or id in (select app_visible_spaces()));
create policy spaces_add on spaces for insert with check (app_is_tenant_admin(host_tenant_id));
create policy spaces_change on spaces for update using (app_is_tenant_admin(host_tenant_id));

alter table space_partners enable row level security;
create policy space_partners_read on space_partners for select using (space_id in (select app_visible_spaces()));
create policy space_partners_add on space_partners for insert with check (app_is_space_host_admin(space_id));
create policy space_partners_change on space_partners for update using (app_is_space_host_admin(space_id) or app_is_tenant_admin(tenant_id));

alter table space_members enable row level security;
create policy space_members_read on space_members for select using (space_id in (select app_visible_spaces()));
create policy space_members_add on space_members for insert with check (app_is_tenant_admin(tenant_id));
create policy space_members_remove on space_members for delete using (app_is_tenant_admin(tenant_id) or user_id = app_user_id());

alter table audit_events enable row level security;
create policy audit_read on audit_events for select using (tenant_id in (select app_my_tenants()) or space_id in (select app_visible_spaces()));
create policy audit_add on audit_events for insert with check (actor_id = app_user_id());

-- An invitation link is opened before the visitor has an account: this shows what it is for, by the
-- hash of its token only.
create function invitation_preview(hash text)
returns table (email text, role text, tenant_name text, expires_at timestamptz, accepted_at timestamptz, revoked_at timestamptz)
language sql stable security definer set search_path = public as $$
  select i.email, i.role, t.name, i.expires_at, i.accepted_at, i.revoked_at
  from invitations i join tenants t on t.id = i.tenant_id where i.token_hash = hash
$$;
