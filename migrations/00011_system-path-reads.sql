-- The system path (`Database.system`, `app.system` on) reads every table, as the owner would: the
-- access watcher re-checks open sockets and streams of many users at once from memberships and space
-- facts, so it acts for no single user and authorises each of them itself with the policy. Tables
-- whose read policies did not admit it yet get a select-only policy for it.
create policy memberships_system_read on memberships for select using (app_is_system());
create policy invitations_system_read on invitations for select using (app_is_system());
create policy audit_system_read on audit_events for select using (app_is_system());
create policy card_comments_system_read on card_comments for select using (app_is_system());
create policy card_events_system_read on card_events for select using (app_is_system());
