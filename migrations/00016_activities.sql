-- Activities: the dated items of a space's yearly activity overview (months down, areas across),
-- as the partners publish it in their evaluation reports.
--
-- activities               one meeting, visit, delegation, conference, exchange, milestone …: a start
--                          (a day, or only a month: `start_precision`), an optional end (same), an
--                          area of the space, a title and a note. A month-only start is stored as the
--                          month's first day, a month-only end as its last, so `ends_on >= starts_on`
--                          holds for every pair a person means. `source_ref` names a demo-world row
--                          (the loader skips what it already loaded).
-- activity_organisations   the tenants (organisations) an activity involves, in the order given. Any
--                          tenant may be named: the tenant directory is public (migration 00006).
-- spaces.activity_areas    the space's areas, the overview's columns, in order (area keys such as
--                          overall, education, school: shown in the reader's language).
--
-- The policies match the permission policy (`activity.view`, `activity.create`, `activity.edit`,
-- `activity.delete`): visible as their space; added, changed and removed by those who may edit it
-- (editor partners and host members, unarchived).

alter table spaces add column activity_areas text[] not null default array['overall', 'education', 'school']
  check (cardinality(activity_areas) between 1 and 12);

create table activities (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces(id) on delete cascade,
  kind text not null check (kind in ('meeting', 'visit_in', 'visit_out', 'delegation', 'conference', 'exchange', 'milestone', 'other')),
  title text not null check (length(title) between 1 and 1000),
  starts_on date not null,
  start_precision text not null default 'day' check (start_precision in ('day', 'month')),
  ends_on date,
  end_precision text check (end_precision in ('day', 'month')),
  area text not null check (length(area) between 1 and 40),
  note text check (length(note) <= 2000),
  source_ref text,
  created_by text references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_by text references users(id) on delete set null,
  updated_at timestamptz not null default now(),
  unique (id, space_id),
  unique (space_id, source_ref),
  check (ends_on is null or ends_on >= starts_on),
  check ((ends_on is null) = (end_precision is null))
);
create index activities_space_start on activities (space_id, starts_on);

create table activity_organisations (
  activity_id uuid not null,
  space_id uuid not null,
  tenant_id uuid not null references tenants(id) on delete cascade,
  position int not null default 0,
  primary key (activity_id, tenant_id),
  foreign key (activity_id, space_id) references activities(id, space_id) on delete cascade
);
create index activity_organisations_tenant on activity_organisations (tenant_id);
create index activity_organisations_space on activity_organisations (space_id);

alter table activities enable row level security;
create policy activities_read on activities for select
  using (space_id in (select app_visible_spaces()));
create policy activities_add on activities for insert
  with check (created_by = app_user_id() and space_id in (select app_writable_spaces()));
create policy activities_change on activities for update
  using (space_id in (select app_writable_spaces()))
  with check (space_id in (select app_writable_spaces()) and updated_by = app_user_id());
create policy activities_remove on activities for delete
  using (space_id in (select app_writable_spaces()));

alter table activity_organisations enable row level security;
create policy activity_organisations_read on activity_organisations for select
  using (space_id in (select app_visible_spaces()));
create policy activity_organisations_add on activity_organisations for insert
  with check (space_id in (select app_writable_spaces()));
create policy activity_organisations_remove on activity_organisations for delete
  using (space_id in (select app_writable_spaces()));
revoke update on activity_organisations from twinning_app;
