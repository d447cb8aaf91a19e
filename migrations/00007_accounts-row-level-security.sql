-- Accounts behind the wall too. Sessions and the log-in throttle are reached only through
-- packages/auth, which runs on the system pool (`Database.system`: a session is looked up from its
-- cookie before any user is known). Users are visible to themselves and to those who share a tenant
-- or a space with them (the memberships the acting user may see); each changes only their own row,
-- except that a tenant's admins clear the "current tenant" of a member they remove.

alter table sessions enable row level security;
create policy sessions_system on sessions using (app_is_system()) with check (app_is_system());

alter table rate_limits enable row level security;
create policy rate_limits_system on rate_limits using (app_is_system()) with check (app_is_system());

alter table users enable row level security;
create policy users_read on users for select using (app_is_system() or id = app_user_id() or id in (select user_id from memberships));
create policy users_add on users for insert with check (app_is_system());
create policy users_change on users for update
  using (app_is_system() or id = app_user_id() or app_is_tenant_admin(current_tenant_id))
  with check (app_is_system() or id = app_user_id() or app_is_tenant_admin(current_tenant_id) or current_tenant_id is null);
create policy users_remove on users for delete using (app_is_system());
