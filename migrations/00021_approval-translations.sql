-- Issue 15: approval and signing cover every language. Sending a source's version for approval also
-- sends a version of each of its translations, saved at that moment and caught up with the source's
-- version block by block; the round's approvals bind to all their content hashes (its rows never
-- change), and signing freezes every one of those texts.

create table approval_translations (
  round_id uuid not null references approval_rounds(id) on delete cascade,
  space_id uuid not null references spaces(id) on delete cascade,
  document_id uuid not null,
  version_id uuid not null references document_versions(id) on delete cascade,
  content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
  primary key (round_id, document_id),
  foreign key (document_id, space_id) references documents(id, space_id) on delete cascade
);
create index approval_translations_space on approval_translations (space_id);
create index approval_translations_document on approval_translations (document_id);

-- Sent with the round, by the host's admins who send it; never changed afterwards.
alter table approval_translations enable row level security;
create policy approval_translations_read on approval_translations for select
  using (app_is_system() or space_id in (select app_visible_spaces()));
create policy approval_translations_add on approval_translations for insert
  with check (app_is_space_host_admin(space_id) and space_id in (select app_writable_spaces()));
revoke update, delete on approval_translations from twinning_app;
