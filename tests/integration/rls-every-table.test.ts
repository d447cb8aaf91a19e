import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { asUser, type Sql } from "@twinning/db";
import { freshDatabase } from "../helpers/db";

/**
 * Every table of the schema, as PostgreSQL lists it: each has row-level security and a policy, unless
 * it is on the short list below — so a new table cannot be forgotten. Then, for each table, another
 * tenant's rows are invisible to a user of a tenant outside (the owner of a complete world of their
 * own), and cannot be updated, deleted or inserted by them.
 */

/** Tables without row-level security, each with why. */
const SYSTEM_TABLES: Record<string, string> = {
  // The migration log: the app role has no privilege on it at all (revoked in migration 00003).
  migrations: "applied migrations",
};

/** Tables whose rows every signed-in user may read by design (the public directory of organisations). */
const DIRECTORY_TABLES = new Set(["tenants", "network_members"]);

/**
 * How the schema would distribute on Citus (README, "Distributing on Citus"): tenants, people and the
 * directory are reference tables (copied to every node); everything in a space is distributed and
 * co-located by `space_id`, which such a table must carry, not null (a parent's children too, migration
 * 00022). The one exception, `audit_events`, is split before distributing (README).
 */
const REFERENCE_TABLES = new Set([
  "api_tokens",
  "invitations",
  "memberships",
  "migrations",
  "network_members",
  "network_membership_requests",
  "rate_limits",
  "sessions",
  "spaces",
  "tenant_approvers",
  "tenants",
  "users",
]);

interface World {
  userId: string;
  ids: string[];
}

/** A complete world of one tenant — a row in every table that holds tenant data — created as the owner. */
async function seedWorld(sql: Sql, name: string): Promise<World> {
  const userId = `${name}-owner`;
  const member = `${name}-member`;
  const ids: string[] = [];
  const one = async (query: Promise<{ id: string }[]>) => {
    const [row] = await query;
    ids.push(row.id);
    return row.id;
  };
  for (const id of [userId, member]) {
    await sql`insert into users (id, email, name, password_hash, locale) values (${id}, ${`${id}@example.org`}, ${id}, 'x', 'da')`;
    ids.push(id);
  }
  await sql`insert into sessions (id, user_id, expires_at, created_at) values (${`${name}-session`}, ${userId}, now() + interval '1 day', now())`;
  ids.push(`${name}-session`);
  const tenant = await one(sql`insert into tenants (name, slug, kind, country) values (${name}, ${name}, 'network', 'DK') returning id`);
  const memberTenant = await one(sql`insert into tenants (name, slug, kind, country) values (${`${name} member`}, ${`${name}-m`}, 'municipality', 'DK') returning id`);
  await sql`insert into network_members (network_id, member_id) values (${tenant}, ${memberTenant})`;
  await sql`insert into network_membership_requests (network_id, member_id, requested_by) values (${tenant}, ${memberTenant}, ${member})`;
  await sql`insert into memberships (tenant_id, user_id, role) values (${tenant}, ${userId}, 'owner'), (${memberTenant}, ${member}, 'owner')`;
  await sql`insert into tenant_approvers (tenant_id, user_id, named_by) values (${memberTenant}, ${member}, ${member})`;
  await one(sql`insert into invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
    values (${tenant}, ${`new-${name}@example.org`}, 'member', ${`${name}-hash`}, ${userId}, now() + interval '1 day') returning id`);
  const space = await one(sql`insert into spaces (host_tenant_id, title, color, icon) values (${tenant}, ${`${name} space`}, 'blue', 'globe') returning id`);
  await sql`insert into space_partners (space_id, tenant_id, role, status, invited_by, expires_at, member_selection)
    values (${space}, ${memberTenant}, 'editor', 'active', ${userId}, now() + interval '1 day', 'chosen')`;
  await sql`insert into space_members (space_id, tenant_id, user_id) values (${space}, ${memberTenant}, ${member})`;
  await sql`insert into audit_events (actor_id, tenant_id, space_id, action) values (${userId}, ${tenant}, ${space}, 'space.created')`;
  const doc = await one(sql`insert into documents (space_id, type, title, language) values (${space}, 'note', ${`${name} doc`}, 'da') returning id`);
  await sql`insert into document_snapshots (space_id, document_id, state, last_seq) values (${space}, ${doc}, '\\x00'::bytea, 0)`;
  await sql`insert into document_updates (space_id, document_id, update, user_id) values (${space}, ${doc}, '\\x00'::bytea, ${userId})`;
  const version = await one(sql`insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by)
    values (${doc}, ${space}, 'v1', 'named', '\\x00'::bytea, '{"type":"doc"}', ${"0".repeat(64)}, ${member}) returning id`);
  const round = await one(sql`insert into approval_rounds (document_id, space_id, version_id, content_hash, requested_by)
    values (${doc}, ${space}, ${version}, ${"0".repeat(64)}, ${userId}) returning id`);
  await sql`insert into approval_parties (round_id, space_id, tenant_id) values (${round}, ${space}, ${memberTenant})`;
  await one(sql`insert into notifications (user_id, kind, space_id, document_id, actor_id) values (${userId}, 'approvalRequested', ${space}, ${doc}, ${member}) returning id`);
  const thread = await one(sql`insert into comment_threads (document_id, space_id, quote, created_by) values (${doc}, ${space}, 'quote', ${member}) returning id`);
  await sql`insert into document_comments (thread_id, space_id, author_id, body) values (${thread}, ${space}, ${member}, 'comment')`;
  const board = await one(sql`insert into boards (space_id, title) values (${space}, ${`${name} board`}) returning id`);
  const column = await one(sql`insert into board_columns (space_id, board_id, title, position) values (${space}, ${board}, 'A', 'a0') returning id`);
  const card = await one(sql`insert into cards (space_id, board_id, column_id, position, title) values (${space}, ${board}, ${column}, 'a0', ${`${name} card`}) returning id`);
  await sql`insert into card_assignees (space_id, card_id, user_id) values (${space}, ${card}, ${member})`;
  await one(sql`insert into card_checklist (space_id, card_id, text, position) values (${space}, ${card}, 'item', 1) returning id`);
  await one(sql`insert into card_comments (space_id, card_id, author_id, body) values (${space}, ${card}, ${member}, 'comment') returning id`);
  await sql`insert into card_events (space_id, card_id, actor_id, action) values (${space}, ${card}, ${member}, 'created')`;
  await sql`insert into document_card_links (space_id, document_id, card_id, ordinal) values (${space}, ${doc}, ${card}, 0)`;
  const activity = await one(sql`insert into activities (space_id, kind, title, starts_on, area, created_by) values (${space}, 'meeting', ${`${name} activity`}, '2014-03-16', 'overall', ${member}) returning id`);
  await sql`insert into activity_organisations (activity_id, space_id, tenant_id) values (${activity}, ${space}, ${memberTenant})`;
  await one(sql`insert into api_tokens (user_id, name, token_hash, prefix, scope) values (${userId}, 'token', ${createHash("sha256").update(name).digest("hex")}, 'twn_', 'read') returning id`);
  const webhook = await one(sql`insert into webhooks (space_id, url, events, secret, created_by)
    values (${space}, ${`https://${name}.example.org/hook`}, array['card.created'], ${`whsec_${"A".repeat(32)}`}, ${userId}) returning id`);
  await one(sql`insert into webhook_deliveries (webhook_id, space_id, event, payload) values (${webhook}, ${space}, 'card.created', '{}') returning id`);
  const translation = await one(sql`insert into documents (space_id, type, title, language) values (${space}, 'note', ${`${name} translation`}, 'zh-CN') returning id`);
  await sql`insert into document_translations (document_id, source_id, space_id, created_by) values (${translation}, ${doc}, ${space}, ${userId})`;
  await sql`insert into document_blocks (document_id, space_id, block_id, position, text, hash) values (${doc}, ${space}, 'b1', 0, 'tekst', 'h')`;
  await sql`insert into translation_reviews (document_id, space_id, block_id, source_hash, source_text, reviewed_by) values (${translation}, ${space}, 'b1', 'h', 'tekst', ${member})`;
  const translationVersion = await one(sql`insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by)
    values (${translation}, ${space}, 'v1', 'named', '\\x00'::bytea, '{"type":"doc"}', ${"0".repeat(64)}, ${member}) returning id`);
  await sql`insert into approval_translations (round_id, space_id, document_id, version_id, content_hash) values (${round}, ${space}, ${translation}, ${translationVersion}, ${"0".repeat(64)})`;
  await sql`insert into rate_limits (key, points, expire) values (${`${name}-throttle`}, 1, ${Date.now() + 3_600_000})`;
  ids.push(`${name}-throttle`);
  return { userId, ids };
}

describe("row-level security on every table", () => {
  let sql: Sql;
  let app: Sql;
  let tables: string[];
  let host: World;
  let outsider: World;

  beforeAll(async () => {
    ({ sql, app } = await freshDatabase());
    host = await seedWorld(sql, "host");
    outsider = await seedWorld(sql, "outsider");
    tables = (await sql<{ name: string }[]>`select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by relname`).map(
      (r) => r.name,
    );
  });

  it("every table has row-level security and a policy, or is a listed system table the app role cannot read", async () => {
    const missing: string[] = [];
    for (const table of tables) {
      const [facts] = await sql<{ rls: boolean; policies: number }[]>`
        select c.relrowsecurity as rls, (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as policies
        from pg_class c where c.relname = ${table} and c.relnamespace = 'public'::regnamespace`;
      if (table in SYSTEM_TABLES) {
        const [{ readable }] = await sql<{ readable: boolean }[]>`select has_table_privilege('twinning_app', ${`public.${table}`}, 'select') as readable`;
        if (readable) missing.push(`${table} (system table, but the app role can read it)`);
      } else if (!facts.rls || facts.policies === 0) {
        missing.push(table);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every table is a listed reference table or carries a space_id not null (the Citus distribution column)", async () => {
    const shapes = await sql<{ name: string; spaceId: "YES" | "NO" | null }[]>`
      select c.relname as name, (select k.is_nullable from information_schema.columns k
        where k.table_schema = 'public' and k.table_name = c.relname and k.column_name = 'space_id') as space_id
      from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' order by c.relname`;
    const wrong = shapes
      .filter((t) => !REFERENCE_TABLES.has(t.name) && t.spaceId !== "NO" && t.name !== "audit_events")
      .map((t) => `${t.name} (space_id ${t.spaceId === null ? "missing" : "nullable"})`);
    expect(wrong).toEqual([]);
    // The list names tables that exist.
    const names = new Set(shapes.map((t) => t.name));
    for (const table of REFERENCE_TABLES) expect(names.has(table), table).toBe(true);
  });

  it("a row of a space's table refers to its parent in the same space: every foreign key between two such tables includes space_id", async () => {
    const keys = await sql<{ name: string; child: string; parent: string; pairs: string[] }[]>`
      select c.conname as name, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
        array(select a.attname || '=' || b.attname from unnest(c.conkey, c.confkey) as k(ck, pk)
              join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.ck
              join pg_attribute b on b.attrelid = c.confrelid and b.attnum = k.pk) as pairs
      from pg_constraint c where c.contype = 'f' and c.connamespace = 'public'::regnamespace`;
    const spaced = (table: string) => !REFERENCE_TABLES.has(table) && table !== "audit_events";
    const between = keys.filter((k) => spaced(k.child) && spaced(k.parent));
    expect(between.length).toBeGreaterThan(20);
    expect(between.filter((k) => !k.pairs.includes("space_id=space_id")).map((k) => `${k.name} (${k.child} → ${k.parent})`)).toEqual([]);
    // And PostgreSQL holds it: a card's event cannot claim another space than its card's.
    const [card] = await sql<{ id: string; spaceId: string }[]>`select id, space_id from cards limit 1`;
    const [other] = await sql<{ id: string }[]>`select id from spaces where id <> ${card.spaceId} limit 1`;
    await expect(sql`insert into card_events (space_id, card_id, action) values (${other.id}, ${card.id}, 'created')`).rejects.toThrow(/foreign key/);
  });

  it("each table holds rows of the host's world (so the checks below are not empty)", async () => {
    const empty: string[] = [];
    for (const table of tables.filter((t) => !(t in SYSTEM_TABLES))) {
      if (!(await rowsOf(sql, table, host.ids)).length) empty.push(table);
    }
    expect(empty, "seed these tables in seedWorld").toEqual([]);
  });

  it("another tenant's rows are invisible to a user outside it", async () => {
    const seen: string[] = [];
    for (const table of tables.filter((t) => !(t in SYSTEM_TABLES) && !DIRECTORY_TABLES.has(t))) {
      const visible = await asUser(app, outsider.userId, (tx) => rowsOf(tx, table, host.ids)).catch((e: Error) => (/permission denied/.test(e.message) ? [] : Promise.reject(e)));
      if (visible.length) seen.push(`${table}: ${visible.length}`);
      // The outsider does see their own world's rows (the policies are not simply closed).
      const own = await asUser(app, outsider.userId, (tx) => rowsOf(tx, table, outsider.ids)).catch(() => []);
      if (!own.length && !["sessions", "rate_limits"].includes(table)) seen.push(`${table}: not even the outsider's own rows`);
    }
    expect(seen).toEqual([]);
  });

  it("another tenant's rows cannot be updated, deleted or copied in by a user outside it", async () => {
    const written: string[] = [];
    for (const table of tables.filter((t) => !(t in SYSTEM_TABLES))) {
      const [column] = await sql<{ name: string }[]>`
        select attname as name from pg_attribute where attrelid = ${`public.${table}`}::regclass and attnum > 0 and not attisdropped
        and attidentity = '' and attgenerated = '' order by attnum limit 1`;
      const match = matching(host.ids);
      for (const [what, statement] of [
        ["update", `update ${table} t set ${column.name} = ${column.name} where ${match}`],
        ["delete", `delete from ${table} t where ${match}`],
      ] as const) {
        const result = await asUser(app, outsider.userId, (tx) => tx.unsafe(statement)).catch((e: Error) => (/permission denied/.test(e.message) ? { count: 0 } : Promise.reject(e)));
        if (result.count) written.push(`${table}: ${what} ${result.count}`);
      }
      // A copy of a host row, inserted by the outsider, is refused by a policy (or the privilege) before any constraint.
      // Anyone signed in may create a tenant (and so insert a row there): that is the directory's rule, not a leak.
      if (table === "tenants") continue;
      const [row] = await sql.unsafe(`select to_jsonb(t)::text as row from ${table} t where ${match} limit 1`);
      const insert = asUser(app, outsider.userId, (tx) =>
        tx.unsafe(`insert into ${table} overriding system value select * from jsonb_populate_record(null::${table}, $1::text::jsonb)`, [row.row]),
      );
      const outcome = await insert.then(
        () => "inserted",
        (e: Error) => (/row-level security|permission denied/.test(e.message) ? "refused" : e.message),
      );
      if (outcome !== "refused") written.push(`${table}: insert ${outcome}`);
    }
    expect(written).toEqual([]);
    // Nothing of the host's world changed.
    for (const table of tables.filter((t) => !(t in SYSTEM_TABLES))) expect((await rowsOf(sql, table, host.ids)).length, table).toBeGreaterThan(0);
  });
});

describe("webhook events", () => {
  it("only a user who may write to a space can queue one for it (42501 otherwise)", async () => {
    const { sql, app } = await freshDatabase();
    const host = await seedWorld(sql, "host");
    await seedWorld(sql, "outsider");
    const [{ space }] = await sql<{ space: string }[]>`select id as space from spaces where title = 'host space'`;
    const enqueue = (userId: string) => asUser(app, userId, (tx) => tx`select app_enqueue_webhook(${space}, 'card.created', '{}') as queued`);
    await expect(enqueue("outsider-owner")).rejects.toMatchObject({ code: "42501" });
    await expect(enqueue("outsider-member")).rejects.toMatchObject({ code: "42501" });
    const [{ queued }] = await enqueue("host-member");
    expect(queued).toBe(1);
    void host;
  });
});

/** A condition on a row's JSON: it mentions one of `ids` as a whole value. */
function matching(ids: string[]): string {
  return `exists (select 1 from jsonb_each_text(to_jsonb(t)) v where v.value in (${ids.map((id) => `'${id.replaceAll("'", "''")}'`).join(", ")}))`;
}

function rowsOf(sql: Sql | Parameters<Parameters<typeof asUser>[2]>[0], table: string, ids: string[]) {
  return sql.unsafe(`select 1 from ${table} t where ${matching(ids)}`);
}
