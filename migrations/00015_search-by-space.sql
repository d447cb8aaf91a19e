-- Search looks only at the user's spaces: one GIN index over (space_id, tsv) (btree_gin, shipped
-- with PostgreSQL) lets a query for a partner of 5 spaces out of 100 read only their matches,
-- instead of every space's matches and then dropping the others'. It serves text-only queries too.
create extension if not exists btree_gin;
create index search_entries_space_tsv on search_entries using gin (space_id, tsv);
drop index search_entries_tsv;
