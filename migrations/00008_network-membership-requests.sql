-- A tenant is listed as a member of a network only when the network's admins accept: the member
-- tenant's admins ask (a request row), the network's admins accept (the network_members row, which
-- now needs that request) or decline (the request goes). Until now the member side alone could list
-- itself in any network.

create table network_membership_requests (
  network_id uuid not null references tenants(id) on delete cascade,
  member_id uuid not null references tenants(id) on delete cascade,
  requested_by text references users(id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (network_id, member_id),
  check (network_id <> member_id)
);
create index network_membership_requests_member_id on network_membership_requests(member_id);

create function app_is_network(t uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from tenants where id = t and kind = 'network')
$$;

-- Seen and withdrawn by the admins of either side; asked only by the member's admins, as themselves.
alter table network_membership_requests enable row level security;
create policy network_requests_read on network_membership_requests for select
  using (app_is_system() or app_is_tenant_admin(network_id) or app_is_tenant_admin(member_id));
create policy network_requests_add on network_membership_requests for insert
  with check (app_is_tenant_admin(member_id) and requested_by = app_user_id() and app_is_network(network_id));
create policy network_requests_remove on network_membership_requests for delete
  using (app_is_tenant_admin(network_id) or app_is_tenant_admin(member_id));

-- Listing a member: the network's admins, and only a tenant that asked.
drop policy network_members_add on network_members;
create policy network_members_add on network_members for insert with check (
  app_is_tenant_admin(network_id)
  and exists (select 1 from network_membership_requests r where r.network_id = network_members.network_id and r.member_id = network_members.member_id));

-- Partner search tells two tenants with one name apart by, among other things, how many members each
-- has. Memberships of other tenants stay invisible: this answers the count only, and only to a
-- signed-in user.
create function app_tenant_member_count(t uuid) returns integer language sql stable security definer set search_path = public as $$
  select case when app_user_id() is null then null else (select count(*)::int from memberships where tenant_id = t) end
$$;
