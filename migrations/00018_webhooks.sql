-- Webhooks (issue 14): a space's host admins name URLs that are told when something happens in it.
--
-- webhooks             one per URL of a space: the events it wants (card.created, card.moved,
--                      card.updated, document.signed, activity.added), the secret its deliveries are
--                      signed with (Standard Webhooks: HMAC-SHA256 over id, timestamp and body; it
--                      must be kept to sign, so it is stored as given, and shown to its admins once),
--                      whether it is paused.
-- webhook_deliveries   the queue and the log at once: one row per event and webhook, holding the exact
--                      body sent, its state (pending → delivered, or failed after the last retry), how
--                      many attempts were made, when the next is due, and the last answer (status,
--                      the first 2 KB of the body, or the error). A worker claims due rows with
--                      `for update skip locked` and holds them for a while (`locked_until`), so several
--                      instances share the queue and a crash mid-attempt only delays the row.
--
-- Deliveries are queued in the transaction of the change they tell of (`app_enqueue_webhook`), so an
-- event is queued exactly when the change commits and a restart loses none. The function runs as its
-- owner (the webhooks are the host admins' to read), but only for a space the caller may write to.
-- Host admins see, add, change and remove their space's webhooks and see and redeliver their
-- deliveries; the worker (the system path) reads webhooks and updates deliveries.

create table webhooks (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces(id) on delete cascade,
  url text not null check (length(url) <= 2000 and url ~ '^https?://'),
  description text not null default '' check (length(description) <= 200),
  events text[] not null check (
    cardinality(events) between 1 and 5
    and events <@ array['card.created', 'card.moved', 'card.updated', 'document.signed', 'activity.added']),
  secret text not null check (secret ~ '^whsec_[A-Za-z0-9+/=]{20,100}$'),
  active boolean not null default true,
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now(),
  unique (id, space_id)
);
create index webhooks_space on webhooks (space_id, created_at);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null,
  space_id uuid not null,
  event text not null check (event in ('ping', 'card.created', 'card.moved', 'card.updated', 'document.signed', 'activity.added')),
  payload text not null,
  state text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  last_attempt_at timestamptz,
  response_status int,
  response_body text check (length(response_body) <= 2048),
  last_error text check (length(last_error) <= 500),
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  foreign key (webhook_id, space_id) references webhooks(id, space_id) on delete cascade
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'pending';
create index webhook_deliveries_log on webhook_deliveries (webhook_id, created_at desc);

alter table webhooks enable row level security;
create policy webhooks_read on webhooks for select
  using (app_is_system() or app_is_space_host_admin(space_id));
create policy webhooks_add on webhooks for insert
  with check (created_by = app_user_id() and app_is_space_host_admin(space_id));
create policy webhooks_change on webhooks for update
  using (app_is_space_host_admin(space_id)) with check (app_is_space_host_admin(space_id));
create policy webhooks_remove on webhooks for delete
  using (app_is_space_host_admin(space_id));

alter table webhook_deliveries enable row level security;
create policy webhook_deliveries_read on webhook_deliveries for select
  using (app_is_system() or app_is_space_host_admin(space_id));
-- The worker records attempts; an admin asks for a delivery again (back to pending).
create policy webhook_deliveries_attempt on webhook_deliveries for update
  using (app_is_system() or app_is_space_host_admin(space_id))
  with check (app_is_system() or app_is_space_host_admin(space_id));
-- Rows are added only by app_enqueue_webhook (and a ping by the admins, through it too).
revoke insert, delete on webhook_deliveries from twinning_app;

-- Queues `body` (the JSON, as text) for every active webhook of space `s` that wants `kind` (a ping:
-- only for webhook `target`), and wakes the workers on commit. Returns how many were queued.
create function app_enqueue_webhook(s uuid, kind text, body text, target uuid default null) returns integer
language plpgsql security definer set search_path = public as $$
declare
  queued integer;
begin
  if not (app_is_system() or s in (select app_writable_spaces()) or app_is_space_host_admin(s)) then
    raise exception 'webhook event for a space the caller cannot write to' using errcode = '42501';
  end if;
  insert into webhook_deliveries (webhook_id, space_id, event, payload)
  select w.id, w.space_id, kind, body from webhooks w
  where w.space_id = s and w.active
    and (case when target is null then kind = any (w.events) else w.id = target end);
  get diagnostics queued = row_count;
  if queued > 0 then
    perform pg_notify('twinning_webhooks', '');
  end if;
  return queued;
end
$$;
revoke all on function app_enqueue_webhook(uuid, text, text, uuid) from public;
grant execute on function app_enqueue_webhook(uuid, text, text, uuid) to twinning_app;
