import { readFileSync } from "node:fs";
import { hashPassword } from "@twinning/auth";
import { generateNKeysBetween } from "fractional-indexing";
import { bulletList, deriveFromNode, editorSchema, heading, jsonToYUpdate, paragraph, table, text, type DocJSON } from "@twinning/editor";
import { COUNTRY_TIME_ZONES, type Country, type Locale, type SpaceColor, type SpaceIcon, type SpaceRole, type TenantKind } from "@twinning/domain";
import { saveDocumentBlocks, saveSearchBlocks, type Sql, type TransactionSql } from "@twinning/db";
import { loadDemoComments } from "./comments";
import { loadDemoSignatures } from "./signatures";
import { loadDemoVersions } from "./versions";
import { loadDemoActivities } from "./activities";
import { loadDemoTranslations } from "./translations";

export { ACTIVITY_SPACE, ACTIVITY_SPACE_AREAS, sourceActivities, type SourceActivity } from "./activities";

/** The demo world: organisations, partnerships, activities and documents drawn from the two source reports. */

export interface Organisation {
  slug: string;
  name: string;
  kind: TenantKind;
  country: string;
  parent: string | null;
  members: string[] | null;
  description_da: string | null;
  /** The Chinese name of a Chinese organisation (search finds it by either name). */
  name_zh?: string;
}

const dataFile = (name: string) => new URL(`../data/${name}`, import.meta.url);
export const organisations: Organisation[] = JSON.parse(readFileSync(dataFile("organisations.json"), "utf8"));

export const DEMO_PASSWORD = "twinning-demo";
export const DEMO_EMAIL_DOMAIN = "demo.twinning.test";

/** Tenants that get a demo user `<slug>@demo.twinning.test` (owner of that tenant). */
export const DEMO_USER_TENANTS = [
  "bycirklen",
  "ballerup-kommune",
  "egedal-kommune",
  "frederikssund-kommune",
  "kobenhavns-kommune",
  "region-hovedstaden",
  "clean",
  "jepd",
  "wuxi-foreign-affairs-office",
  "skolenetvaerket",
  "uddannelsesnetvaerket",
] as const;

export const demoEmail = (slug: string) => `${slug}@${DEMO_EMAIL_DOMAIN}`;

interface Partnership {
  danish: string;
  partner: string;
  network: string;
}
const partnerships: Partnership[] = JSON.parse(readFileSync(dataFile("partnerships.json"), "utf8"));
const pairsOf = (network: string) => [...new Set(partnerships.filter((p) => p.network === network).flatMap((p) => [p.danish, p.partner]))];

export interface DemoSpace {
  title: string;
  host: string;
  color: SpaceColor;
  icon: SpaceIcon;
  purpose: string;
  partners: { slug: string; role: SpaceRole }[];
}

/** The spaces the source documents describe. Københavns Kommune takes part in none of them. */
export const DEMO_SPACES: DemoSpace[] = [
  {
    title: "Bycirklen–Wuxi samarbejdsaftale 2016–2019",
    host: "bycirklen",
    color: "blue",
    icon: "handshake",
    purpose: "Fornyelse af samarbejdsaftalen mellem Bycirklen og Wuxi for 2016–2019: erhverv, uddannelse, skoler, kultur og ressourcer.",
    partners: [
      { slug: "ballerup-kommune", role: "editor" },
      { slug: "egedal-kommune", role: "editor" },
      { slug: "frederikssund-kommune", role: "editor" },
      { slug: "wuxi-foreign-affairs-office", role: "editor" },
      { slug: "region-hovedstaden", role: "viewer" },
    ],
  },
  {
    title: "Jordsporet – Jiangsu",
    host: "region-hovedstaden",
    color: "green",
    icon: "leaf",
    purpose: "Region Hovedstadens og CLEANs samarbejde med Jiangsu om jordforurening: handlingsplan 2017–2018.",
    partners: [
      { slug: "clean", role: "editor" },
      { slug: "jepd", role: "editor" },
    ],
  },
  {
    title: "Skoleudveksling Bycirklen–Wuxi",
    host: "skolenetvaerket",
    color: "orange",
    icon: "school",
    purpose: "Udvekslingsprogrammer mellem de danske kommuners skoler og deres partnerskoler i Wuxi.",
    partners: pairsOf("skolenetvaerket").map((slug) => ({ slug, role: "editor" as const })),
  },
  {
    title: "Uddannelsesnetværket",
    host: "uddannelsesnetvaerket",
    color: "purple",
    icon: "book",
    purpose: "Gymnasierne, DTU Diplom og deres partnere i Wuxi.",
    partners: pairsOf("uddannelsesnetvaerket").map((slug) => ({ slug, role: "editor" as const })),
  },
];

interface SourceDocument {
  slug: string;
  type: string;
  title_da: string;
  sections: { heading: string; bullets?: string[]; table?: { columns: string[]; rows: (string | null)[][] } }[];
  tasks: { title_da: string; due: string | null; lead: string; area: string }[];
}
export const sourceDocuments: SourceDocument[] = JSON.parse(readFileSync(dataFile("documents.json"), "utf8"));

/** Which demo space each source document lives in. */
export const DOCUMENT_SPACES: Record<string, string> = {
  "samarbejdsaftale-bycirklen-wuxi-2016-2019": "Bycirklen–Wuxi samarbejdsaftale 2016–2019",
  "kina-erhvervsstrategi-2013-2016": "Bycirklen–Wuxi samarbejdsaftale 2016–2019",
  "handlingsplan-jordsporet-2017-2018": "Jordsporet – Jiangsu",
  "udvekslingsprogram-uddannelses-og-skolenetvaerk": "Skoleudveksling Bycirklen–Wuxi",
};

/** The board each source document's tasks go on (two documents of one space share a board). */
export const DOCUMENT_BOARDS: Record<string, string> = {
  "samarbejdsaftale-bycirklen-wuxi-2016-2019": "Samarbejdsaftale 2016–2019",
  "kina-erhvervsstrategi-2013-2016": "Samarbejdsaftale 2016–2019",
  "handlingsplan-jordsporet-2017-2018": "Handlingsplan 2017–2018",
  "udvekslingsprogram-uddannelses-og-skolenetvaerk": "Udvekslingsprogram",
};

/**
 * A source document as editor content: each section's heading, bullets and table, and its tasks as a
 * list in which each item links its card on the board (the title is the document's, shown as the page's heading).
 */
export function documentContent(doc: SourceDocument, cardIds: string[] = []): DocJSON {
  const tasks = doc.tasks.map((task, i) => ({
    type: "listItem",
    // The card link shows the card's title (and column, lead, due date): the title again as text would say it twice.
    content: [{ type: "paragraph", content: cardIds[i] ? [{ type: "cardLink", attrs: { cardId: cardIds[i] } }] : text(task.title_da) }],
  }));
  return withDemoBlockIds({
    type: "doc",
    content: [
      ...doc.sections.flatMap((section) => [
        heading(2, section.heading),
        ...(section.bullets?.length ? [bulletList(section.bullets)] : []),
        ...(section.table ? [table(section.table.columns, section.table.rows)] : []),
      ]),
      ...(tasks.length ? [heading(2, "Opgaver"), { type: "bulletList", content: tasks }] : [paragraph()]),
    ],
  });
}

/** Block ids the same on every load (b1, b2, …), so the demo's translation aligns with its source. */
function withDemoBlockIds(doc: DocJSON): DocJSON {
  return { ...doc, content: (doc.content as { attrs?: object }[]).map((node, i) => ({ ...node, attrs: { ...node.attrs, blockId: `b${i + 1}` } })) };
}

/** A due month (YYYY-MM) as its last day; a full date as is. */
const dueDate = (due: string | null) => {
  if (!due) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(due)) return due;
  const [y, m] = due.split("-").map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/**
 * Loads the demo world. Idempotent: every insert skips what exists, so loading twice changes nothing
 * (and never touches data users have changed since).
 */
export async function loadDemoWorld(sql: Sql, log: (m: string) => void = () => {}): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await sql.begin(async (tx) => {
    for (const o of organisations) {
      await tx`
        insert into tenants (slug, name, kind, country, time_zone, description, name_zh)
        values (${o.slug}, ${o.name}, ${o.kind}, ${o.country}, ${COUNTRY_TIME_ZONES[o.country as Country]}, ${o.description_da}, ${o.name_zh ?? null})
        on conflict (slug) do update set name_zh = excluded.name_zh where tenants.name_zh is null and excluded.name_zh is not null`;
    }
    for (const o of organisations.filter((o) => o.parent)) {
      await tx`
        update tenants set parent_id = (select id from tenants where slug = ${o.parent})
        where slug = ${o.slug} and parent_id is null`;
    }
    for (const o of organisations.filter((o) => o.members?.length)) {
      await tx`
        insert into network_members (network_id, member_id)
        select n.id, m.id from tenants n, tenants m where n.slug = ${o.slug} and m.slug = any(${o.members!})
        on conflict do nothing`;
    }
    for (const slug of DEMO_USER_TENANTS) {
      const o = organisations.find((x) => x.slug === slug)!;
      const locale: Locale = o.country === "CN" ? "zh-CN" : "da";
      await tx`
        insert into users (id, email, name, password_hash, locale)
        values (${`demo-${slug}`}, ${demoEmail(slug)}, ${o.name}, ${passwordHash}, ${locale})
        on conflict (email) do nothing`;
      await tx`
        insert into memberships (tenant_id, user_id, role)
        select t.id, u.id, 'owner' from tenants t, users u where t.slug = ${slug} and u.email = ${demoEmail(slug)}
        on conflict do nothing`;
      await tx`
        update users set current_tenant_id = (select id from tenants where slug = ${slug})
        where email = ${demoEmail(slug)} and current_tenant_id is null`;
    }
    for (const space of DEMO_SPACES) {
      const [host] = await tx<{ id: string }[]>`select id from tenants where slug = ${space.host}`;
      const [existing] = await tx<{ id: string }[]>`select id from spaces where host_tenant_id = ${host.id} and title = ${space.title}`;
      const id =
        existing?.id ??
        (
          await tx<{ id: string }[]>`
            insert into spaces (host_tenant_id, title, purpose, color, icon)
            values (${host.id}, ${space.title}, ${space.purpose}, ${space.color}, ${space.icon}) returning id`
        )[0].id;
      for (const partner of space.partners) {
        await tx`
          insert into space_partners (space_id, tenant_id, role, status, expires_at, responded_at)
          select ${id}, t.id, ${partner.role}, 'active', now(), now() from tenants t where t.slug = ${partner.slug}
          on conflict do nothing`;
      }
    }
    for (const doc of sourceDocuments) {
      const [space] = await tx<{ id: string }[]>`select id from spaces where title = ${DOCUMENT_SPACES[doc.slug]}`;
      const [existing] = await tx`select 1 from documents where space_id = ${space.id} and template = ${doc.slug}`;
      if (existing) continue;
      const board = await demoBoard(tx, space.id, DOCUMENT_BOARDS[doc.slug]);
      const [last] = await tx<{ position: string }[]>`select max(position collate "C") as position from cards where column_id = ${board.firstColumn}`;
      const positions = generateNKeysBetween(last?.position ?? null, null, doc.tasks.length);
      const cardIds: string[] = [];
      for (const [i, task] of doc.tasks.entries()) {
        const [card] = await tx<{ id: string }[]>`
          insert into cards (space_id, board_id, column_id, position, title, lead_tenant_id, due_date, area)
          values (${space.id}, ${board.id}, ${board.firstColumn}, ${positions[i]}, ${task.title_da},
                  (select id from tenants where slug = ${task.lead}), ${dueDate(task.due)}, ${task.area})
          returning id`;
        cardIds.push(card.id);
      }
      const [row] = await tx<{ id: string }[]>`
        insert into documents (space_id, type, title, language, template, derived_title)
        values (${space.id}, ${doc.type}, ${doc.title_da}, 'da', ${doc.slug}, ${doc.title_da}) returning id`;
      const content = documentContent(doc, cardIds);
      await tx`insert into document_snapshots (space_id, document_id, state, last_seq) values (${space.id}, ${row.id}, ${Buffer.from(jsonToYUpdate(content))}, 0)`;
      // Searchable from the start (later the collaboration server's derive step keeps it up).
      const derived = deriveFromNode(editorSchema.nodeFromJSON(content));
      await saveSearchBlocks(tx, { documentId: row.id, blocks: derived.blocks });
      await saveDocumentBlocks(tx, { documentId: row.id, blocks: derived.topBlocks });
      for (const [ordinal, cardId] of cardIds.entries()) {
        await tx`insert into document_card_links (space_id, document_id, card_id, ordinal, context) values (${space.id}, ${row.id}, ${cardId}, ${ordinal}, 'Opgaver')`;
      }
    }
    await loadDemoVersions(tx);
    await loadDemoSignatures(tx);
    await loadDemoComments(tx);
    await loadDemoActivities(tx);
    await loadDemoTranslations(tx);
  });
  log(`demo world loaded: ${organisations.length} organisations, ${DEMO_USER_TENANTS.length} demo users, ${DEMO_SPACES.length} spaces`);
}

/** The demo board of a space (created with Danish columns when missing). */
async function demoBoard(tx: Sql | TransactionSql, spaceId: string, title: string): Promise<{ id: string; firstColumn: string }> {
  let [board] = await tx<{ id: string }[]>`select id from boards where space_id = ${spaceId} and title = ${title}`;
  if (!board) {
    [board] = await tx<{ id: string }[]>`insert into boards (space_id, title) values (${spaceId}, ${title}) returning id`;
    const keys = generateNKeysBetween(null, null, 3);
    await tx`
      insert into board_columns (space_id, board_id, title, kind, position) values
        (${spaceId}, ${board.id}, 'Ikke startet', 'open', ${keys[0]}), (${spaceId}, ${board.id}, 'I gang', 'active', ${keys[1]}),
        (${spaceId}, ${board.id}, 'Færdig', 'done', ${keys[2]})`;
  }
  const [first] = await tx<{ id: string }[]>`select id from board_columns where board_id = ${board.id} order by position collate "C" limit 1`;
  return { id: board.id, firstColumn: first.id };
}

/** True when the database has never been given the demo world (first start). */
export async function isEmpty(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from tenants`;
  return row.n === 0;
}
