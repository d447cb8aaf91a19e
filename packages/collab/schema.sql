-- Tables of @twinning/collab (real-time Yjs documents). To be moved into a numbered migration, which
-- adds the foreign keys marked below.

-- Every accepted Yjs update, appended (and committed) before it is broadcast to other clients.
create table document_updates (
  document_id uuid not null, -- references documents(id) on delete cascade (added by the migration)
  seq bigint generated always as identity primary key,
  update bytea not null,
  user_id text,
  created_at timestamptz not null default now()
);
create index document_updates_document_seq on document_updates (document_id, seq);

-- The compacted state: all log rows merged so far. A document = its snapshot + its remaining log rows.
create table document_snapshots (
  document_id uuid primary key, -- references documents(id) on delete cascade (added by the migration)
  state bytea not null,
  last_seq bigint not null,
  updated_at timestamptz not null default now()
);
