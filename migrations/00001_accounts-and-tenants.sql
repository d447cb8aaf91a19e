-- Accounts (Lucia sessions), tenants, memberships and invitations.

create table users (
  id text primary key,
  email text not null unique check (email = lower(email)),
  name text not null,
  password_hash text not null,
  locale text not null default 'da' check (locale in ('da', 'en', 'zh-CN')),
  -- the tenant the user last switched to; null falls back to their first membership
  current_tenant_id uuid,
  created_at timestamptz not null default now(),
  password_changed_at timestamptz not null default now()
);

-- Lucia's session table; created_at gives the absolute lifetime Lucia 3 lacks.
create table sessions (
  id text primary key,
  user_id text not null references users(id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index sessions_user_id on sessions(user_id);

create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null,
  kind text not null check (kind in ('municipality', 'region', 'network', 'partner_region', 'organisation', 'school')),
  country text not null check (country ~ '^[A-Z]{2}$'),
  parent_id uuid references tenants(id) on delete set null,
  description text,
  created_at timestamptz not null default now()
);

alter table users add foreign key (current_tenant_id) references tenants(id) on delete set null;

-- Organisations that make up a network tenant (e.g. Bycirklen = Ballerup, Egedal, Frederikssund).
create table network_members (
  network_id uuid not null references tenants(id) on delete cascade,
  member_id uuid not null references tenants(id) on delete cascade,
  primary key (network_id, member_id)
);

create table memberships (
  tenant_id uuid not null references tenants(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id)
);
create index memberships_user_id on memberships(user_id);

create table invitations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id) on delete cascade,
  email text not null check (email = lower(email)),
  role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
  -- only the SHA-256 of the token is stored; the token itself is in the link
  token_hash text not null unique,
  invited_by text references users(id) on delete set null,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by text references users(id) on delete set null,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index invitations_tenant_id on invitations(tenant_id);

-- rate-limiter-flexible's RateLimiterPostgres table (log-in throttling).
create table rate_limits (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);
