-- Search: one index table of what can be found inside spaces (document titles and the text of their
-- blocks, cards, document and card comments, spaces), each row belonging to one space and readable
-- exactly as that space is (app_visible_spaces(): invited, declined, left and removed partners find
-- nothing). Tenants are found in the public directory itself (tenants, with their Chinese names).
--
-- Text is indexed three ways in one tsvector:
--   Danish and English stems of its Latin-script words (weight A for titles, D for text) — not
--     unaccented: å→a, ø→o would merge different Danish words;
--   every Han character and every pair of neighbouring Han characters (`simple`), since PostgreSQL's
--     parser turns a run of Chinese into one token; a query is split the same way (packages/db/src/search.ts);
--   Chinese words found by Intl.Segmenter in Node (`words`, documents only), which rank whole-word hits higher.
-- pg_trgm indexes the text too, for substring fallback (CJK only in a UTF-8 LC_CTYPE; see embedded.ts).

create extension if not exists pg_trgm;

alter table tenants add column name_zh text check (name_zh is null or length(name_zh) between 1 and 200);

-- Han characters: CJK Unified Ideographs, extension A, compatibility ideographs.
-- (A database whose encoding is not UTF-8 cannot tell characters apart: no grams, the trigram fallback still finds substrings.)
create function app_search_grams(t text) returns text language plpgsql immutable parallel safe as $$
declare
  run text;
  out text[] := '{}';
  i int;
begin
  if t is null or getdatabaseencoding() <> 'UTF8' then return ''; end if;
  for run in select m[1] from regexp_matches(t, '([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)', 'g') as m loop
    for i in 1 .. length(run) loop
      out := out || substr(run, i, 1);
      if i < length(run) then out := out || substr(run, i, 2); end if;
    end loop;
  end loop;
  return array_to_string(out, ' ');
end $$;

create function app_search_latin(t text) returns text language plpgsql immutable parallel safe as $$
begin
  if t is null then return ''; end if;
  if getdatabaseencoding() <> 'UTF8' then return t; end if;
  return regexp_replace(t, '[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+', ' ', 'g');
end $$;

create function app_search_vector(title text, body text, words text) returns tsvector language sql immutable parallel safe as $$
  select setweight(to_tsvector('danish', app_search_latin(title)), 'A')
      || setweight(to_tsvector('english', app_search_latin(title)), 'A')
      || setweight(to_tsvector('simple', app_search_grams(title)), 'A')
      || setweight(to_tsvector('danish', app_search_latin(body)), 'D')
      || setweight(to_tsvector('english', app_search_latin(body)), 'D')
      || setweight(to_tsvector('simple', app_search_grams(body)), 'D')
      || setweight(to_tsvector('simple', coalesce(words, '')), 'B')
$$;

create table search_entries (
  -- what the row is: 'space:<id>', 'doc:<id>' (title), 'block:<doc>:<n>', 'card:<id>', 'card-comment:<id>', 'doc-comment:<id>'
  key text primary key,
  kind text not null check (kind in ('space', 'document', 'card', 'comment')),
  space_id uuid not null references spaces(id) on delete cascade,
  document_id uuid references documents(id) on delete cascade,
  -- a document's text: which text block (in document order, from 0) — the page scrolls there; null: the title
  block integer check (block is null or block >= 0),
  card_id uuid references cards(id) on delete cascade,
  thread_id uuid references comment_threads(id) on delete cascade,
  card_comment_id uuid references card_comments(id) on delete cascade,
  title text not null default '',
  body text not null default '',
  words text not null default '',
  at timestamptz not null default now(),
  tsv tsvector not null default ''
);
create index search_entries_tsv on search_entries using gin (tsv);
create index search_entries_trgm on search_entries using gin ((title || ' ' || body) gin_trgm_ops);
create index search_entries_space on search_entries (space_id);
create index search_entries_document on search_entries (document_id) where document_id is not null;
create index tenants_search_trgm on tenants using gin ((name || ' ' || coalesce(name_zh, '') || ' ' || slug) gin_trgm_ops);

create function app_search_entry_vector() returns trigger language plpgsql as $$
begin
  new.tsv := app_search_vector(new.title, new.body, new.words);
  return new;
end $$;
create trigger search_entries_vector before insert or update of title, body, words on search_entries
  for each row execute function app_search_entry_vector();

alter table search_entries enable row level security;
create policy search_entries_read on search_entries for select using (app_is_system() or space_id in (select app_visible_spaces()));
-- Written by the triggers below (as the owner) and by the collaboration server's derive step (system path).
create policy search_entries_write on search_entries for all using (app_is_system()) with check (app_is_system());

-- The index follows every change of what it holds, whoever makes it.
create function app_search_upsert(k text, kd text, sp uuid, doc uuid, blk int, card uuid, thread uuid, cc uuid, ttl text, bdy text, t timestamptz)
returns void language sql security definer set search_path = public as $$
  insert into search_entries (key, kind, space_id, document_id, block, card_id, thread_id, card_comment_id, title, body, at)
  values (k, kd, sp, doc, blk, card, thread, cc, coalesce(ttl, ''), coalesce(bdy, ''), coalesce(t, now()))
  on conflict (key) do update set title = excluded.title, body = excluded.body, at = excluded.at
$$;

create function app_search_index_space() returns trigger language plpgsql security definer set search_path = public as $$
begin
  perform app_search_upsert('space:' || new.id, 'space', new.id, null, null, null, null, null, new.title, new.purpose, new.created_at);
  return null;
end $$;
create trigger spaces_search after insert or update of title, purpose on spaces for each row execute function app_search_index_space();

create function app_search_index_document() returns trigger language plpgsql security definer set search_path = public as $$
begin
  perform app_search_upsert('doc:' || new.id, 'document', new.space_id, new.id, null, null, null, null, new.title, '', new.created_at);
  return null;
end $$;
create trigger documents_search after insert or update of title on documents for each row execute function app_search_index_document();

-- A deleted card (a tombstone) leaves the index with its comments.
create function app_search_index_card() returns trigger language plpgsql security definer set search_path = public as $$
begin
  if new.deleted_at is not null then
    delete from search_entries where card_id = new.id;
  else
    perform app_search_upsert('card:' || new.id, 'card', (select space_id from boards where id = new.board_id), null, null, new.id, null, null, new.title, new.description, new.updated_at);
  end if;
  return null;
end $$;
create trigger cards_search after insert or update of title, description, deleted_at on cards for each row execute function app_search_index_card();

create function app_search_index_card_comment() returns trigger language plpgsql security definer set search_path = public as $$
begin
  perform app_search_upsert('card-comment:' || new.id, 'comment',
    (select b.space_id from cards c join boards b on b.id = c.board_id where c.id = new.card_id), null, null, new.card_id, null, new.id, '', new.body, new.created_at);
  return null;
end $$;
create trigger card_comments_search after insert or update of body on card_comments for each row execute function app_search_index_card_comment();

create function app_search_index_document_comment() returns trigger language plpgsql security definer set search_path = public as $$
begin
  perform app_search_upsert('doc-comment:' || new.id, 'comment', new.space_id,
    (select document_id from comment_threads where id = new.thread_id), null, null, new.thread_id, null, '', new.body, new.created_at);
  return null;
end $$;
create trigger document_comments_search after insert or update of body on document_comments for each row execute function app_search_index_document_comment();

-- What exists already. Document text comes from the derive step (and from the demo loader).
insert into search_entries (key, kind, space_id, title, body, at)
  select 'space:' || id, 'space', id, title, coalesce(purpose, ''), created_at from spaces;
insert into search_entries (key, kind, space_id, document_id, title, at)
  select 'doc:' || id, 'document', space_id, id, title, created_at from documents;
insert into search_entries (key, kind, space_id, document_id, block, title, body, at)
  select 'block:' || d.id || ':' || (b.n - 1), 'document', d.space_id, d.id, b.n - 1, '', b.text, coalesce(d.last_edited_at, d.created_at)
  from documents d, unnest(string_to_array(d.plain_text, E'\n')) with ordinality as b(text, n) where d.plain_text <> '' and b.text <> '';
insert into search_entries (key, kind, space_id, card_id, title, body, at)
  select 'card:' || c.id, 'card', b.space_id, c.id, c.title, c.description, c.updated_at from cards c join boards b on b.id = c.board_id where c.deleted_at is null;
insert into search_entries (key, kind, space_id, card_id, card_comment_id, body, at)
  select 'card-comment:' || k.id, 'comment', b.space_id, c.id, k.id, k.body, k.created_at from card_comments k join cards c on c.id = k.card_id join boards b on b.id = c.board_id where c.deleted_at is null;
insert into search_entries (key, kind, space_id, document_id, thread_id, body, at)
  select 'doc-comment:' || k.id, 'comment', k.space_id, t.document_id, t.id, k.body, k.created_at from document_comments k join comment_threads t on t.id = k.thread_id;
