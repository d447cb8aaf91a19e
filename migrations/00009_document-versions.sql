-- Versions of a document: named by an editor ("Udkast sendt til Wuxi") or kept automatically by the
-- collaboration server when a document has been quiet for a while after changes. A version is never
-- changed or removed by the app: restoring one writes a new change to the live document.
--
--   state        the Yjs state (Y.encodeStateAsUpdate) at that moment: exact restore
--   content      the ProseMirror JSON of that state (the shared editor schema): view, compare, export
--   content_hash sha-256 (hex) of the canonical JSON of `content` (object keys sorted): "did anything
--                change since the last version", and what approvals bind to

-- A version names its space as well as its document; this pair makes the two agree.
alter table documents add constraint documents_id_space unique (id, space_id);

create table document_versions (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null,
  space_id uuid not null,
  name text check (name is null or length(name) between 1 and 200),
  kind text not null check (kind in ('named', 'auto')),
  state bytea not null,
  content jsonb not null,
  content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (document_id, space_id) references documents(id, space_id) on delete cascade,
  check (kind = 'auto' or name is not null)
);
create index document_versions_document on document_versions (document_id, created_at desc);
create index document_versions_space on document_versions (space_id);

-- Visible as their document; a named version is added by someone who may edit the space, as
-- themselves; automatic versions by the collaboration server's system path. No updates or deletes.
alter table document_versions enable row level security;
create policy document_versions_read on document_versions for select
  using (app_is_system() or space_id in (select app_visible_spaces()));
create policy document_versions_add on document_versions for insert
  with check (app_is_system() or (kind = 'named' and created_by = app_user_id() and space_id in (select app_writable_spaces())));
revoke update, delete on document_versions from twinning_app;
