import { organisationSlugs, parseActivityDate, type ActivityInput, type DatePrecision, type OverviewItem, type OverviewKind } from "@twinning/domain";
import { recordAudit } from "./audit";
import type { Queryable } from "./client";
import { apiActivity } from "./public-shapes";
import { queueWebhookEvent } from "./webhooks";

/**
 * Activities of a space and the dated items of its yearly overview. Every command takes the space
 * the route has authorised and scopes each id from the request to it in its own SQL (`where id = $1
 * and space_id = $space`): an activity of another space is simply not found.
 */

/** The space's areas (the overview's columns), in order. */
export async function activityAreasOf(sql: Queryable, spaceId: string): Promise<string[]> {
  const [row] = await sql<{ activityAreas: string[] }[]>`select activity_areas from spaces where id = ${spaceId}`;
  return row?.activityAreas ?? [];
}

/** One activity of the space, as the form edits it; undefined when it is not this space's. */
export async function findActivity(sql: Queryable, spaceId: string, activityId: string): Promise<(OverviewItem & { spaceId: string }) | undefined> {
  const [row] = await activityRows(sql, spaceId, { id: activityId });
  return row ? { ...row, spaceId } : undefined;
}

type ActivityRow = OverviewItem;

/** Activities of a space: all of one year, or one by id. */
function activityRows(sql: Queryable, spaceId: string, which: { year?: number; id?: string }) {
  return sql<ActivityRow[]>`
    select a.id, a.kind, a.title, to_char(a.starts_on, 'YYYY-MM-DD') as start, a.start_precision,
           to_char(a.ends_on, 'YYYY-MM-DD') as "end", a.end_precision, a.area, a.note,
           coalesce((select json_agg(json_build_object('id', t.id, 'slug', t.slug, 'name', t.name, 'nameZh', t.name_zh) order by o.position, t.name)
                     from activity_organisations o join tenants t on t.id = o.tenant_id
                     where o.activity_id = a.id and o.space_id = a.space_id), '[]'::json) as organisations
    from activities a
    where a.space_id = ${spaceId}
      ${which.id ? sql`and a.id = ${which.id}` : sql``}
      ${which.year ? sql`and a.starts_on >= make_date(${which.year}::int, 1, 1) and a.starts_on < make_date(${which.year}::int + 1, 1, 1)` : sql``}
    order by a.starts_on, a.title`;
}

/**
 * The dated items of a space in one year: its activities (by their start) and the cards of its
 * boards with a date (by their due date, else their start), a card's lead tenant as its organisation.
 */
export async function overviewItems(sql: Queryable, spaceId: string, year: number): Promise<OverviewItem[]> {
  const [activities, cards] = await Promise.all([
    activityRows(sql, spaceId, { year }),
    sql<ActivityRow[]>`
      select c.id, 'card' as kind, c.title, to_char(coalesce(c.due_date, c.start_date), 'YYYY-MM-DD') as start, 'day' as start_precision,
             null as "end", null as end_precision, coalesce(c.area, '') as area, null as note, c.board_id,
             case when t.id is null then '[]'::json else json_build_array(json_build_object('id', t.id, 'slug', t.slug, 'name', t.name, 'nameZh', t.name_zh)) end as organisations
      from cards c join boards b on b.id = c.board_id
      left join tenants t on t.id = c.lead_tenant_id
      where b.space_id = ${spaceId} and c.deleted_at is null
        and coalesce(c.due_date, c.start_date) >= make_date(${year}::int, 1, 1) and coalesce(c.due_date, c.start_date) < make_date(${year}::int + 1, 1, 1)
      order by 4, c.title`,
  ]);
  return [...activities, ...cards].map((row) => ({ ...row, kind: row.kind as OverviewKind, note: row.note ?? null }));
}

/** The years in which the space has dated items, newest first. */
export async function overviewYears(sql: Queryable, spaceId: string): Promise<number[]> {
  const rows = await sql<{ year: number }[]>`
    select distinct extract(year from starts_on)::int as year from activities where space_id = ${spaceId}
    union
    select distinct extract(year from coalesce(c.due_date, c.start_date))::int from cards c join boards b on b.id = c.board_id
    where b.space_id = ${spaceId} and c.deleted_at is null and coalesce(c.due_date, c.start_date) is not null
    order by 1 desc`;
  return rows.map((r) => r.year);
}

/** The latest year in which the space has an activity (not counting cards), or null. */
export async function latestActivityYear(sql: Queryable, spaceId: string): Promise<number | null> {
  const [row] = await sql<{ year: number | null }[]>`select extract(year from max(starts_on))::int as year from activities where space_id = ${spaceId}`;
  return row?.year ?? null;
}

/** Why an activity was refused: the form field and the message key (with values). */
export interface ActivityProblem {
  field: "area" | "organisations";
  error: "areaUnknown" | "organisationUnknown";
  values?: Record<string, string>;
}

interface Checked {
  start: { date: string; precision: DatePrecision };
  end: { date: string; precision: DatePrecision } | null;
  tenantIds: string[];
}

/** Checks what the form's schema cannot: the area is one of the space's, each organisation a tenant. */
async function check(sql: Queryable, spaceId: string, input: ActivityInput): Promise<{ ok: true; value: Checked } | { ok: false; problem: ActivityProblem }> {
  const areas = await activityAreasOf(sql, spaceId);
  if (!areas.includes(input.area)) return { ok: false, problem: { field: "area", error: "areaUnknown", values: { area: input.area } } };
  const slugs = organisationSlugs(input.organisations);
  const found = slugs.length ? await sql<{ id: string; slug: string }[]>`select id, slug from tenants where slug = any(${slugs})` : [];
  const bySlug = new Map(found.map((t) => [t.slug, t.id]));
  const unknown = slugs.filter((s) => !bySlug.has(s));
  if (unknown.length) return { ok: false, problem: { field: "organisations", error: "organisationUnknown", values: { names: unknown.join(", ") } } };
  return {
    ok: true,
    value: {
      start: parseActivityDate(input.start, "start")!,
      end: input.end ? parseActivityDate(input.end, "end")! : null,
      tenantIds: slugs.map((s) => bySlug.get(s)!),
    },
  };
}

async function saveOrganisations(tx: Queryable, spaceId: string, activityId: string, tenantIds: string[]) {
  await tx`delete from activity_organisations where activity_id = ${activityId} and space_id = ${spaceId}`;
  for (const [position, tenantId] of tenantIds.entries()) {
    await tx`insert into activity_organisations (activity_id, space_id, tenant_id, position) values (${activityId}, ${spaceId}, ${tenantId}, ${position})`;
  }
}

export type ActivityResult = { ok: true; id: string; start: string } | { ok: false; problem: ActivityProblem };

/** Adds an activity to the authorised space. */
export async function createActivity(tx: Queryable, input: { space: { id: string }; fields: ActivityInput; actorId: string }): Promise<ActivityResult> {
  const checked = await check(tx, input.space.id, input.fields);
  if (!checked.ok) return checked;
  const { start, end, tenantIds } = checked.value;
  const f = input.fields;
  const [row] = await tx<{ id: string }[]>`
    insert into activities (space_id, kind, title, starts_on, start_precision, ends_on, end_precision, area, note, created_by, updated_by)
    values (${input.space.id}, ${f.kind}, ${f.title}, ${start.date}, ${start.precision}, ${end?.date ?? null}, ${end?.precision ?? null}, ${f.area}, ${
    f.note || null
  }, ${input.actorId}, ${input.actorId})
    returning id`;
  await saveOrganisations(tx, input.space.id, row.id, tenantIds);
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.space.id, action: "activity.added", details: { title: shortTitle(f.title) } });
  const [added] = await activityRows(tx, input.space.id, { id: row.id });
  await queueWebhookEvent(tx, input.space.id, "activity.added", { activity: apiActivity(added) });
  return { ok: true, id: row.id, start: start.date };
}

/** A title as the audit log names it (the source's longest run to hundreds of characters). */
const shortTitle = (title: string) => (title.length > 120 ? `${title.slice(0, 119)}…` : title);

/** Changes an activity of the authorised space; `notFound` when it is not (or no longer) there. */
export async function updateActivity(
  tx: Queryable,
  input: { space: { id: string }; activityId: string; fields: ActivityInput; actorId: string }
): Promise<ActivityResult | { ok: false; notFound: true }> {
  const checked = await check(tx, input.space.id, input.fields);
  if (!checked.ok) return checked;
  const { start, end, tenantIds } = checked.value;
  const f = input.fields;
  const [row] = await tx<{ id: string }[]>`
    update activities set kind = ${f.kind}, title = ${f.title}, starts_on = ${start.date}, start_precision = ${start.precision},
      ends_on = ${end?.date ?? null}, end_precision = ${end?.precision ?? null}, area = ${f.area}, note = ${f.note || null},
      updated_by = ${input.actorId}, updated_at = now()
    where id = ${input.activityId} and space_id = ${input.space.id}
    returning id`;
  if (!row) return { ok: false, notFound: true };
  await saveOrganisations(tx, input.space.id, row.id, tenantIds);
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.space.id, action: "activity.updated", details: { title: shortTitle(f.title) } });
  return { ok: true, id: row.id, start: start.date };
}

/** Removes an activity of the authorised space (its organisations go with it); false when it is not there. */
export async function deleteActivity(tx: Queryable, input: { space: { id: string }; activityId: string; actorId: string }): Promise<boolean> {
  const [row] = await tx<{ title: string }[]>`delete from activities where id = ${input.activityId} and space_id = ${input.space.id} returning title`;
  if (!row) return false;
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.space.id, action: "activity.removed", details: { title: shortTitle(row.title) } });
  return true;
}

/** Notes in the space's audit log that its activity overview of a year was exported. */
export async function recordOverviewExport(tx: Queryable, input: { space: { id: string }; actorId: string; year: number; format: string }): Promise<void> {
  await recordAudit(tx, {
    actorId: input.actorId,
    spaceId: input.space.id,
    action: "activity.overviewExported",
    details: { year: String(input.year), format: input.format.toUpperCase() },
  });
}

/**
 * Sets the space's areas (the overview's columns, in order), unless activities still use one left
 * out: then the areas in use are named and nothing changes. Only the host's admins may (row-level
 * security lets only them change a space).
 */
export async function setActivityAreas(
  tx: Queryable,
  input: { space: { id: string; title: string }; areas: string[]; actorId: string }
): Promise<{ ok: true } | { ok: false; inUse: string[] }> {
  const used = await tx<{ area: string }[]>`
    select distinct area from activities where space_id = ${input.space.id} and not (area = any(${input.areas}::text[])) order by area`;
  if (used.length) return { ok: false, inUse: used.map((u) => u.area) };
  await tx`update spaces set activity_areas = ${input.areas}::text[] where id = ${input.space.id}`;
  await recordAudit(tx, {
    actorId: input.actorId,
    spaceId: input.space.id,
    action: "space.updated",
    details: { title: input.space.title, areas: input.areas.join(", ") },
  });
  return { ok: true };
}
