import type { Sql } from "@twinning/db";

/**
 * The approval flow over HTTP, as the pages post it. `post(who, path, body)` posts a form as one of
 * the test's signed-in users.
 */
export type Post = (who: string, path: string, body: Record<string, string | string[]>) => Promise<Response>;

/** A `Post` for the app at `baseUrl()` as the users whose session cookies are in `cookies`, with this site's Origin. */
export function formPoster(baseUrl: () => string, cookies: Record<string, string>): Post {
  return (who, path, body) => {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const one of [v].flat()) form.append(k, one);
    return fetch(`${baseUrl()}${path}`, {
      method: "POST",
      redirect: "manual",
      body: form,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl(), Cookie: cookies[who] },
    });
  };
}

/** Saves a named version of the document's current text (the history route) and returns its id. */
export async function saveVersion(post: Post, owner: Sql, who: string, docPath: string, name: string): Promise<string> {
  const res = await post(who, `${docPath}/history`, { intent: "saveVersion", name });
  await res.text();
  if (res.status !== 200) throw new Error(`saving a version failed: ${res.status}`);
  const [version] = await owner<{ id: string }[]>`
    select id from document_versions where document_id = ${docPath.split("/").pop()!} and name = ${name} order by created_at desc limit 1`;
  return version.id;
}

type FlowInput = {
  post: Post;
  owner: Sql;
  docPath: string;
  host: string;
  /** Each party: its tenant id and the user (an admin of it) who approves for it. */
  parties: { tenantId: string; admin: string }[];
  versionName?: string;
};

async function step(input: FlowInput, who: string, body: Record<string, string | string[]>): Promise<void> {
  const res = await input.post(who, `${input.docPath}/approval`, body);
  await res.text();
  if (res.status !== 200) throw new Error(`${String(body.intent)} by ${who}: ${res.status}`);
}

/** The host saves a version and sends it for approval to `parties`, and each party's admin approves it; returns the version's id. */
export async function sendAndApprove(input: FlowInput): Promise<string> {
  const versionId = await saveVersion(input.post, input.owner, input.host, input.docPath, input.versionName ?? "Til underskrift");
  await step(input, input.host, { intent: "requestApproval", versionId, tenantIds: input.parties.map((p) => p.tenantId) });
  for (const party of input.parties) await step(input, party.admin, { intent: "approve", versionId, tenantId: party.tenantId });
  return versionId;
}

/** `sendAndApprove`, then the host signs; throws when a step is refused. Returns the signed version's id. */
export async function signThroughApproval(input: FlowInput): Promise<string> {
  const versionId = await sendAndApprove(input);
  await step(input, input.host, { intent: "sign", versionId });
  return versionId;
}

/**
 * Puts a document back where the demo has it — a draft with no approval rounds and no notifications
 * about them — so a retried test starts as the first attempt did. Returns whether anything had to change.
 */
export async function backToDraft(owner: Sql, documentId: string): Promise<boolean> {
  const [{ rounds }] = await owner<{ rounds: number }[]>`select count(*)::int as rounds from approval_rounds where document_id = ${documentId}`;
  if (rounds === 0) return false;
  await owner`delete from approval_rounds where document_id = ${documentId}`;
  await owner`delete from notifications where document_id = ${documentId}`;
  await owner`update documents set status = 'draft' where id = ${documentId}`;
  return true;
}

/**
 * Archives the demo world's translations, for tests of approving a document in one language: the demo
 * renewal agreement's Chinese translation is stale on purpose (issue 15), and a stale translation
 * blocks sending its source for approval (tests/integration/translation-approval.test.ts covers that).
 */
export async function setAsideDemoTranslations(owner: Sql): Promise<void> {
  await owner`update documents set archived_at = now() where id in (select document_id from document_translations)`;
}
