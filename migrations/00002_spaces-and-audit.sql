-- Spaces shared between tenants, their partners and chosen members, and the audit log.

create table spaces (
  id uuid primary key default gen_random_uuid(),
  host_tenant_id uuid not null references tenants(id) on delete cascade,
  title text not null,
  purpose text,
  color text not null default 'blue' check (color in ('blue', 'green', 'teal', 'purple', 'orange', 'red', 'grey')),
  icon text not null default 'handshake' check (icon in ('handshake', 'school', 'leaf', 'building', 'globe', 'book')),
  -- a private space belongs to its host alone: no partners can be invited
  private boolean not null default false,
  archived_at timestamptz,
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now()
);
create index spaces_host on spaces(host_tenant_id);

-- A tenant taking part in another tenant's space. The host itself has no row here.
create table space_partners (
  space_id uuid not null references spaces(id) on delete cascade,
  tenant_id uuid not null references tenants(id) on delete cascade,
  role text not null check (role in ('editor', 'commenter', 'viewer')),
  status text not null check (status in ('invited', 'active', 'declined', 'left', 'removed')),
  -- 'all' members of the tenant take part, or only those chosen in space_members
  member_selection text not null default 'all' check (member_selection in ('all', 'chosen')),
  invited_by text references users(id) on delete set null,
  invited_at timestamptz not null default now(),
  expires_at timestamptz not null,
  responded_by text references users(id) on delete set null,
  responded_at timestamptz,
  primary key (space_id, tenant_id)
);
create index space_partners_tenant on space_partners(tenant_id);

-- The members a partner tenant's admins chose to take part (when member_selection = 'chosen').
create table space_members (
  space_id uuid not null references spaces(id) on delete cascade,
  tenant_id uuid not null references tenants(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  primary key (space_id, tenant_id, user_id)
);

-- Append-only: the app role may insert and read, never update or delete (see 00003).
create table audit_events (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_id text references users(id) on delete set null,
  tenant_id uuid references tenants(id) on delete cascade,
  space_id uuid references spaces(id) on delete cascade,
  action text not null,
  details jsonb not null default '{}'
);
create index audit_events_tenant on audit_events(tenant_id, at desc);
create index audit_events_space on audit_events(space_id, at desc);
