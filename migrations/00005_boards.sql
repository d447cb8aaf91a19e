-- Task boards in spaces: columns and cards in relational tables (queried, reported, linked), ordered
-- by fractional index keys; card history and comments; links from documents to cards (derived from
-- the documents' Yjs state).

create table boards (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces(id) on delete cascade,
  title text not null,
  -- area labels offered on this board's cards (editable per board)
  areas text[] not null default array['overall', 'business', 'soil', 'education', 'school', 'culture', 'resources'],
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now()
);
create index boards_space on boards(space_id);

create table board_columns (
  id uuid primary key default gen_random_uuid(),
  board_id uuid not null references boards(id) on delete cascade,
  title text not null,
  -- what the column means for a card's status: cards in a 'done' column count as done
  kind text not null default 'open' check (kind in ('open', 'active', 'done')),
  position text not null collate "C",
  created_at timestamptz not null default now()
);
create index board_columns_board on board_columns(board_id, position);

create table cards (
  id uuid primary key default gen_random_uuid(),
  board_id uuid not null references boards(id) on delete cascade,
  column_id uuid not null references board_columns(id),
  position text not null collate "C",
  title text not null,
  description text not null default '',
  lead_tenant_id uuid references tenants(id) on delete set null,
  start_date date,
  due_date date,
  area text,
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- a deleted card stays as a tombstone, so documents linking to it can say "card removed"
  deleted_at timestamptz,
  check (start_date is null or due_date is null or start_date <= due_date)
);
create index cards_board_column on cards(board_id, column_id, position) where deleted_at is null;

create table card_assignees (
  card_id uuid not null references cards(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  primary key (card_id, user_id)
);

create table card_checklist (
  id uuid primary key default gen_random_uuid(),
  card_id uuid not null references cards(id) on delete cascade,
  text text not null,
  done boolean not null default false,
  position integer not null
);
create index card_checklist_card on card_checklist(card_id, position);

create table card_comments (
  id uuid primary key default gen_random_uuid(),
  card_id uuid not null references cards(id) on delete cascade,
  author_id text references users(id) on delete set null,
  body text not null,
  created_at timestamptz not null default now()
);
create index card_comments_card on card_comments(card_id, created_at);

-- Who changed what on a card, when (shown on the card). Append-only for the app role.
create table card_events (
  id bigint generated always as identity primary key,
  card_id uuid not null references cards(id) on delete cascade,
  actor_id text references users(id) on delete set null,
  at timestamptz not null default now(),
  action text not null,
  details jsonb not null default '{}'
);
create index card_events_card on card_events(card_id, at desc);

-- Which documents reference which cards, recomputed from each document's Yjs state when it changes.
create table document_card_links (
  document_id uuid not null references documents(id) on delete cascade,
  card_id uuid not null references cards(id) on delete cascade,
  -- the link's order in the document and the heading it sits under, to jump to the spot
  ordinal integer not null,
  context text not null default '',
  primary key (document_id, card_id, ordinal)
);
create index document_card_links_card on document_card_links(card_id);

revoke update, delete on card_events from twinning_app;

create function app_board_visible(b uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from boards where id = b and space_id in (select app_visible_spaces()))
$$;

create function app_card_visible(c uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from cards where id = c and app_board_visible(board_id))
$$;

alter table boards enable row level security;
create policy boards_all on boards using (app_is_system() or space_id in (select app_visible_spaces())) with check (space_id in (select app_visible_spaces()));
alter table board_columns enable row level security;
create policy board_columns_all on board_columns using (app_is_system() or app_board_visible(board_id)) with check (app_board_visible(board_id));
alter table cards enable row level security;
create policy cards_all on cards using (app_is_system() or app_board_visible(board_id)) with check (app_board_visible(board_id));
alter table card_assignees enable row level security;
create policy card_assignees_all on card_assignees using (app_is_system() or app_card_visible(card_id)) with check (app_card_visible(card_id));
alter table card_checklist enable row level security;
create policy card_checklist_all on card_checklist using (app_is_system() or app_card_visible(card_id)) with check (app_card_visible(card_id));
alter table card_comments enable row level security;
create policy card_comments_all on card_comments using (app_card_visible(card_id)) with check (app_card_visible(card_id) and author_id = app_user_id());
alter table card_events enable row level security;
create policy card_events_read on card_events for select using (app_card_visible(card_id));
create policy card_events_add on card_events for insert with check (app_card_visible(card_id) and actor_id = app_user_id());
-- Links are written by the collaboration server (system) and read by anyone who sees the document.
alter table document_card_links enable row level security;
create policy document_card_links_all on document_card_links
  using (app_is_system() or document_id in (select id from documents where space_id in (select app_visible_spaces())))
  with check (app_is_system());
