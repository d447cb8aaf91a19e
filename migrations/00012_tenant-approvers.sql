-- The people a tenant names to approve documents for it. A municipality's admins are rarely the ones
-- who decide: the council's secretariat or a director approves an agreement on its behalf. So, as a
-- standing setting of the tenant (not per document), its admins name members as approvers; a named
-- approver approves or requests changes for the tenant in every approval round that asks it, like its
-- admins. A tenant viewer is never an approver (named or not), and leaving the tenant ends it.
--
-- The policies match the permission policy (`approvesFor` in packages/domain/src/policy.ts): named
-- and unnamed by the tenant's admins, visible to whoever may see the tenant's people (as memberships).

create table tenant_approvers (
  tenant_id uuid not null,
  user_id text not null,
  named_by text references users(id) on delete set null,
  named_at timestamptz not null default now(),
  primary key (tenant_id, user_id),
  foreign key (tenant_id, user_id) references memberships(tenant_id, user_id) on delete cascade
);
create index tenant_approvers_user on tenant_approvers (user_id);

alter table tenant_approvers enable row level security;
create policy tenant_approvers_read on tenant_approvers for select using (app_is_system() or tenant_id in (select app_visible_tenants()));
create policy tenant_approvers_add on tenant_approvers for insert with check (app_is_tenant_admin(tenant_id) and named_by = app_user_id());
create policy tenant_approvers_remove on tenant_approvers for delete using (app_is_tenant_admin(tenant_id));

-- The acting user decides for the tenant: its admin, or a member (not a viewer) it named.
create function app_may_approve_for(t uuid) returns boolean language sql stable security definer set search_path = public as $$
  select app_is_tenant_admin(t) or exists (
    select 1 from tenant_approvers a join memberships m on m.tenant_id = a.tenant_id and m.user_id = a.user_id
    where a.tenant_id = t and a.user_id = app_user_id() and m.role = 'member')
$$;

drop policy approval_parties_decide on approval_parties;
create policy approval_parties_decide on approval_parties for update
  using (app_may_approve_for(tenant_id) and space_id in (select app_visible_spaces()))
  with check (app_may_approve_for(tenant_id) and space_id in (select app_visible_spaces()) and decided_by = app_user_id());
