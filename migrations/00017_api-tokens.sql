-- Personal API tokens (issue 14): a user's keys for /api/v1, created and revoked in account settings.
--
-- api_tokens   one per token: its name, scope (read, or read and write), optional expiry, the spaces it
--              may reach (null: every space its user may open), when it was last used. Only the SHA-256
--              of the secret is stored (the secret is random, 32 bytes, so a fast hash is enough); the
--              secret itself is shown once. `prefix` is its first characters, to tell tokens apart.
--
-- A request with a bearer token is looked up by its hash before any user is known: the system path
-- reads it (and notes the time it was used). Otherwise users see, create and revoke only their own.

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references users(id) on delete cascade,
  name text not null check (length(name) between 1 and 80),
  token_hash text not null unique check (length(token_hash) = 64),
  prefix text not null check (length(prefix) <= 16),
  scope text not null check (scope in ('read', 'write')),
  space_ids uuid[] check (cardinality(space_ids) between 1 and 100),
  expires_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz not null default now()
);
create index api_tokens_user on api_tokens (user_id, created_at);

alter table api_tokens enable row level security;
create policy api_tokens_own on api_tokens for select
  using (app_is_system() or user_id = app_user_id());
create policy api_tokens_add on api_tokens for insert
  with check (user_id = app_user_id());
create policy api_tokens_used on api_tokens for update
  using (app_is_system()) with check (app_is_system());
create policy api_tokens_revoke on api_tokens for delete
  using (user_id = app_user_id());
