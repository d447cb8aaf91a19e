-- Issue 16 (Citus): every table of a space carries `space_id`, the distribution column, so the nine
-- tables that reached their space only through a parent get it too. Each takes it with a foreign key
-- that includes it — (parent_id, space_id) → parent(id, space_id), as documents' other children do —
-- so a row can never claim another space than its parent's, and on Citus the key is co-located.

alter table boards add constraint boards_id_space unique (id, space_id);

alter table board_columns add column space_id uuid;
update board_columns c set space_id = b.space_id from boards b where b.id = c.board_id;
alter table board_columns alter column space_id set not null,
  drop constraint board_columns_board_id_fkey,
  add constraint board_columns_board foreign key (board_id, space_id) references boards(id, space_id) on delete cascade,
  add constraint board_columns_id_space unique (id, space_id);

alter table cards add column space_id uuid;
update cards c set space_id = b.space_id from boards b where b.id = c.board_id;
alter table cards alter column space_id set not null,
  drop constraint cards_board_id_fkey,
  drop constraint cards_column_id_fkey,
  add constraint cards_board foreign key (board_id, space_id) references boards(id, space_id) on delete cascade,
  add constraint cards_column foreign key (column_id, space_id) references board_columns(id, space_id),
  add constraint cards_id_space unique (id, space_id);

alter table card_assignees add column space_id uuid;
alter table card_checklist add column space_id uuid;
alter table card_comments add column space_id uuid;
alter table card_events add column space_id uuid;
update card_assignees x set space_id = c.space_id from cards c where c.id = x.card_id;
update card_checklist x set space_id = c.space_id from cards c where c.id = x.card_id;
update card_comments x set space_id = c.space_id from cards c where c.id = x.card_id;
update card_events x set space_id = c.space_id from cards c where c.id = x.card_id;
alter table card_assignees alter column space_id set not null, drop constraint card_assignees_card_id_fkey,
  add constraint card_assignees_card foreign key (card_id, space_id) references cards(id, space_id) on delete cascade;
alter table card_checklist alter column space_id set not null, drop constraint card_checklist_card_id_fkey,
  add constraint card_checklist_card foreign key (card_id, space_id) references cards(id, space_id) on delete cascade;
alter table card_comments alter column space_id set not null, drop constraint card_comments_card_id_fkey,
  add constraint card_comments_card foreign key (card_id, space_id) references cards(id, space_id) on delete cascade;
alter table card_events alter column space_id set not null, drop constraint card_events_card_id_fkey,
  add constraint card_events_card foreign key (card_id, space_id) references cards(id, space_id) on delete cascade;

-- A document's links are to cards of its own space (replaceDocumentLinks filtered so; now the keys say it).
alter table document_card_links add column space_id uuid;
update document_card_links l set space_id = d.space_id from documents d where d.id = l.document_id;
delete from document_card_links l where not exists (select 1 from cards c where c.id = l.card_id and c.space_id = l.space_id);
alter table document_card_links alter column space_id set not null,
  drop constraint document_card_links_document_id_fkey,
  drop constraint document_card_links_card_id_fkey,
  add constraint document_card_links_document foreign key (document_id, space_id) references documents(id, space_id) on delete cascade,
  add constraint document_card_links_card foreign key (card_id, space_id) references cards(id, space_id) on delete cascade;

alter table document_updates add column space_id uuid;
alter table document_snapshots add column space_id uuid;
update document_updates u set space_id = d.space_id from documents d where d.id = u.document_id;
update document_snapshots s set space_id = d.space_id from documents d where d.id = s.document_id;
alter table document_updates alter column space_id set not null, drop constraint document_updates_document_id_fkey,
  add constraint document_updates_document foreign key (document_id, space_id) references documents(id, space_id) on delete cascade;
alter table document_snapshots alter column space_id set not null, drop constraint document_snapshots_document_id_fkey,
  add constraint document_snapshots_document foreign key (document_id, space_id) references documents(id, space_id) on delete cascade;

-- The space's other tables already carried `space_id`, but some of their keys to a parent did not.
alter table document_versions add constraint document_versions_id_space unique (id, space_id);
alter table card_comments add constraint card_comments_id_space unique (id, space_id);
alter table document_translations add constraint document_translations_id_space unique (document_id, space_id);

alter table approval_rounds drop constraint approval_rounds_version_id_fkey,
  add constraint approval_rounds_version foreign key (version_id, space_id) references document_versions(id, space_id) on delete cascade;
alter table approval_translations drop constraint approval_translations_round_id_fkey, drop constraint approval_translations_version_id_fkey,
  add constraint approval_translations_round foreign key (round_id, space_id) references approval_rounds(id, space_id) on delete cascade,
  add constraint approval_translations_version foreign key (version_id, space_id) references document_versions(id, space_id) on delete cascade;
alter table notifications drop constraint notifications_document_id_fkey,
  add constraint notifications_document foreign key (document_id, space_id) references documents(id, space_id) on delete cascade;
alter table document_blocks drop constraint document_blocks_document_id_fkey,
  add constraint document_blocks_document foreign key (document_id, space_id) references documents(id, space_id) on delete cascade;
alter table translation_reviews drop constraint translation_reviews_document_id_fkey,
  add constraint translation_reviews_translation foreign key (document_id, space_id) references document_translations(document_id, space_id) on delete cascade;
alter table search_entries
  drop constraint search_entries_document_id_fkey, drop constraint search_entries_card_id_fkey,
  drop constraint search_entries_thread_id_fkey, drop constraint search_entries_card_comment_id_fkey,
  add constraint search_entries_document foreign key (document_id, space_id) references documents(id, space_id) on delete cascade,
  add constraint search_entries_card foreign key (card_id, space_id) references cards(id, space_id) on delete cascade,
  add constraint search_entries_thread foreign key (thread_id, space_id) references comment_threads(id, space_id) on delete cascade,
  add constraint search_entries_card_comment foreign key (card_comment_id, space_id) references card_comments(id, space_id) on delete cascade;
