import { readFileSync } from "node:fs";
import { parseActivityDate, type ActivityKind } from "@twinning/domain";
import type { Sql, TransactionSql } from "@twinning/db";

/** One dated activity of the seed report's yearly activity tables (2013–2015). */
export interface SourceActivity {
  id: string;
  /** YYYY-MM-DD, or YYYY-MM where the report gives only the month. */
  date: string;
  end_date: string | null;
  area: "overall" | "education" | "school";
  kind: ActivityKind;
  title_da: string;
  /** Short names of the tenants involved. */
  organisations: string[];
  note: string | null;
}

export const sourceActivities: SourceActivity[] = JSON.parse(readFileSync(new URL("../data/activities.json", import.meta.url), "utf8"));

/** The space whose activity overview the report's tables are, and its areas (the tables' columns: every space's default areas). */
export const ACTIVITY_SPACE = "Bycirklen–Wuxi samarbejdsaftale 2016–2019";
export const ACTIVITY_SPACE_AREAS = ["overall", "education", "school"];

/**
 * Loads the 195 activities into the Bycirklen–Wuxi space, each once (by its source id, so loading
 * again adds nothing and never touches an activity someone has changed since).
 */
export async function loadDemoActivities(tx: Sql | TransactionSql): Promise<void> {
  const [space] = await tx<{ id: string }[]>`select id from spaces where title = ${ACTIVITY_SPACE}`;
  if (!space) return;
  const [host] = await tx<
    { id: string }[]
  >`select u.id from users u join memberships m on m.user_id = u.id join spaces s on s.host_tenant_id = m.tenant_id where s.id = ${space.id} order by u.created_at limit 1`;
  for (const a of sourceActivities) {
    const start = parseActivityDate(a.date, "start");
    const end = a.end_date ? parseActivityDate(a.end_date, "end") : null;
    if (!start) throw new Error(`demo activity ${a.id}: bad date ${a.date}`);
    const [row] = await tx<{ id: string }[]>`
      insert into activities (space_id, kind, title, starts_on, start_precision, ends_on, end_precision, area, note, source_ref, created_by, updated_by)
      values (${space.id}, ${a.kind}, ${a.title_da}, ${start.date}, ${start.precision}, ${end?.date ?? null}, ${end?.precision ?? null}, ${a.area}, ${
      a.note
    }, ${a.id}, ${host?.id ?? null}, ${host?.id ?? null})
      on conflict (space_id, source_ref) do nothing
      returning id`;
    if (!row) continue;
    await tx`
      insert into activity_organisations (activity_id, space_id, tenant_id, position)
      select ${row.id}, ${space.id}, t.id, array_position(${a.organisations}::text[], t.slug) from tenants t where t.slug = any(${a.organisations})`;
  }
}
