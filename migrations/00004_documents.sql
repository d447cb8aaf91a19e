-- Real-time documents in spaces: metadata and derived data here; their Yjs state in an update log and
-- a snapshot (written by @twinning/collab).

create table documents (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces(id) on delete cascade,
  type text not null check (type in ('agreement', 'mou', 'action_plan', 'exchange_programme', 'minutes', 'report', 'note', 'strategy')),
  title text not null,
  language text not null check (language in ('da', 'en', 'zh-CN')),
  status text not null default 'draft' check (status in ('draft', 'in_review', 'approved', 'signed')),
  template text,
  archived_at timestamptz,
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now(),
  last_edited_by text references users(id) on delete set null,
  last_edited_at timestamptz,
  -- derived from the Yjs state with the shared editor schema (debounced), for lists and search
  derived_title text,
  plain_text text not null default '',
  outline jsonb not null default '[]'
);
create index documents_space on documents(space_id);

-- Every accepted Yjs update, appended (and committed) before it is broadcast to other clients.
create table document_updates (
  document_id uuid not null references documents(id) on delete cascade,
  seq bigint generated always as identity primary key,
  update bytea not null,
  user_id text,
  created_at timestamptz not null default now()
);
create index document_updates_document_seq on document_updates (document_id, seq);

-- The compacted state: all log rows merged so far. A document = its snapshot + its remaining log rows.
create table document_snapshots (
  document_id uuid primary key references documents(id) on delete cascade,
  state bytea not null,
  last_seq bigint not null,
  updated_at timestamptz not null default now()
);

-- Server-side work that acts for no single user (the collaboration server's derived data) marks its
-- transaction with app.system; nothing a browser sends can set it.
create function app_is_system() returns boolean language sql stable as $$
  select coalesce(current_setting('app.system', true), '') = 'on'
$$;

alter table documents enable row level security;
create policy documents_read on documents for select using (app_is_system() or space_id in (select app_visible_spaces()));
create policy documents_add on documents for insert with check (space_id in (select app_visible_spaces()));
create policy documents_change on documents for update using (app_is_system() or space_id in (select app_visible_spaces()));

-- The Yjs log and snapshot are reached only through the collaboration server, which authorises every
-- socket with the permission policy before it reads or writes a byte; they carry no tenant column.
