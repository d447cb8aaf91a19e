-- Comments anchored to text in documents.
--
-- comment_threads    one per anchored comment: the text it was started on (quote, with some text
--                    before and after to find it again), open or resolved, and `detached` once its text
--                    is no longer in the document (kept by the collaboration server's derive step; the
--                    thread stays listed as "text removed", never lost). The document itself holds only
--                    a `comment` mark with the thread's id.
-- document_comments  the thread's first comment and its replies: plain text, by their author.
--
-- The policies match the permission policy (`document.comment`): visible as their space; started,
-- answered, resolved and reopened by those who may comment in it (unarchived), as themselves. The
-- collaboration server's system path marks threads detached or anchored again.

create table comment_threads (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null,
  space_id uuid not null,
  quote text not null check (length(quote) between 1 and 2000),
  prefix text not null default '' check (length(prefix) <= 200),
  suffix text not null default '' check (length(suffix) <= 200),
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now(),
  resolved_by text references users(id) on delete set null,
  resolved_at timestamptz,
  detached boolean not null default false,
  unique (id, space_id),
  foreign key (document_id, space_id) references documents(id, space_id) on delete cascade
);
create index comment_threads_document on comment_threads (document_id, created_at);
create index comment_threads_space on comment_threads (space_id);

create table document_comments (
  id uuid primary key default gen_random_uuid(),
  thread_id uuid not null,
  space_id uuid not null,
  author_id text references users(id) on delete set null,
  body text not null check (length(body) between 1 and 4000),
  created_at timestamptz not null default now(),
  foreign key (thread_id, space_id) references comment_threads(id, space_id) on delete cascade
);
create index document_comments_thread on document_comments (thread_id, created_at);
create index document_comments_space on document_comments (space_id);

alter table comment_threads enable row level security;
create policy comment_threads_read on comment_threads for select
  using (app_is_system() or space_id in (select app_visible_spaces()));
create policy comment_threads_add on comment_threads for insert
  with check (created_by = app_user_id() and space_id in (select app_commentable_spaces()));
create policy comment_threads_change on comment_threads for update
  using (app_is_system() or space_id in (select app_commentable_spaces()))
  with check (app_is_system() or (space_id in (select app_commentable_spaces()) and (resolved_by is null or resolved_by = app_user_id())));
revoke delete on comment_threads from twinning_app;

alter table document_comments enable row level security;
create policy document_comments_read on document_comments for select
  using (app_is_system() or space_id in (select app_visible_spaces()));
create policy document_comments_add on document_comments for insert
  with check (author_id = app_user_id() and space_id in (select app_commentable_spaces()));
revoke update, delete on document_comments from twinning_app;
