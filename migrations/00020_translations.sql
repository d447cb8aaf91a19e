-- Issue 15: linked translations. A document may be a translation of another in the same space (one
-- per language); its top-level blocks carry the source's block ids (packages/editor/src/block-ids.ts).
-- document_blocks holds each document's blocks as last derived (written by the collaboration server's
-- system path, like the search index); translation_reviews the source block each translated block was
-- last caught up with: a source block whose fingerprint hash differs is "changed — review".

create table document_translations (
  document_id uuid primary key,
  source_id uuid not null,
  space_id uuid not null references spaces(id) on delete cascade,
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now(),
  check (document_id <> source_id),
  foreign key (document_id, space_id) references documents(id, space_id) on delete cascade,
  foreign key (source_id, space_id) references documents(id, space_id) on delete cascade
);
create index document_translations_source on document_translations (source_id);

create table document_blocks (
  document_id uuid not null references documents(id) on delete cascade,
  space_id uuid not null references spaces(id) on delete cascade,
  block_id text not null check (length(block_id) between 1 and 64),
  position int not null,
  text text not null,
  hash text not null,
  primary key (document_id, block_id)
);
create index document_blocks_space on document_blocks (space_id);

create table translation_reviews (
  document_id uuid not null references document_translations(document_id) on delete cascade,
  space_id uuid not null references spaces(id) on delete cascade,
  block_id text not null check (length(block_id) between 1 and 64),
  -- the source block as it was when this block was last caught up with it
  source_hash text not null,
  source_text text not null,
  reviewed_by text references users(id) on delete set null,
  reviewed_at timestamptz not null default now(),
  primary key (document_id, block_id)
);
create index translation_reviews_space on translation_reviews (space_id);

alter table document_translations enable row level security;
create policy document_translations_read on document_translations for select
  using (app_is_system() or space_id in (select app_visible_spaces()));
create policy document_translations_add on document_translations for insert
  with check (space_id in (select app_writable_spaces()) and created_by = app_user_id());
revoke update, delete on document_translations from twinning_app;

alter table document_blocks enable row level security;
create policy document_blocks_read on document_blocks for select
  using (app_is_system() or space_id in (select app_visible_spaces()));
create policy document_blocks_write on document_blocks for insert
  with check (app_is_system() or space_id in (select app_writable_spaces()));
create policy document_blocks_remove on document_blocks for delete using (app_is_system() or space_id in (select app_writable_spaces()));

alter table translation_reviews enable row level security;
create policy translation_reviews_read on translation_reviews for select
  using (app_is_system() or space_id in (select app_visible_spaces()));
create policy translation_reviews_add on translation_reviews for insert
  with check (space_id in (select app_writable_spaces()) and reviewed_by = app_user_id());
create policy translation_reviews_change on translation_reviews for update
  using (space_id in (select app_writable_spaces()))
  with check (space_id in (select app_writable_spaces()) and reviewed_by = app_user_id());
revoke delete on translation_reviews from twinning_app;
