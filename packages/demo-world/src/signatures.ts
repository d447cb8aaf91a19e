import * as Y from "yjs";
import type { Sql, TransactionSql } from "@twinning/db";
import { versionContent } from "@twinning/editor/versions";

/**
 * The China business strategy 2013–2016 was adopted by its parties: a named version, sent for approval
 * to the three municipalities and Wuxi, approved by each (and by Bycirklen itself), and signed by
 * Bycirklen — so the demo shows a signed document with its banner, approvals and hash. Added once: a
 * document that has an approval round is left alone.
 */
const SIGNED = {
  template: "kina-erhvervsstrategi-2013-2016",
  version: "Vedtaget strategi 2013–2016",
  versionAt: "2013-03-04T09:00:00Z",
  requestedAt: "2013-03-05T10:00:00Z",
  signedAt: "2013-04-22T13:00:00Z",
  /** Each party's tenant and the day its admin approved. */
  parties: [
    { slug: "bycirklen", at: "2013-03-06T09:30:00Z" },
    { slug: "ballerup-kommune", at: "2013-03-21T15:00:00Z" },
    { slug: "egedal-kommune", at: "2013-03-27T11:00:00Z" },
    { slug: "frederikssund-kommune", at: "2013-04-03T14:00:00Z" },
    { slug: "wuxi-foreign-affairs-office", at: "2013-04-15T08:00:00Z" },
  ],
};

export async function loadDemoSignatures(tx: Sql | TransactionSql): Promise<void> {
  const [doc] = await tx<{ id: string; spaceId: string; title: string; state: Uint8Array }[]>`
    select d.id, d.space_id, d.title, s.state from documents d join document_snapshots s on s.document_id = d.id
    where d.template = ${SIGNED.template} and not exists (select 1 from approval_rounds r where r.document_id = d.id)`;
  if (!doc) return;
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, doc.state);
  const content = versionContent(ydoc);
  ydoc.destroy();
  const host = "demo-bycirklen";
  const [version] = await tx<{ id: string }[]>`
    insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by, created_at)
    values (${doc.id}, ${doc.spaceId}, ${SIGNED.version}, 'named', ${Buffer.from(content.state)}, ${tx.json(content.content as never)}, ${content.contentHash}, ${host}, ${SIGNED.versionAt})
    returning id`;
  const [round] = await tx<{ id: string }[]>`
    insert into approval_rounds (document_id, space_id, version_id, content_hash, requested_by, requested_at, signed_by, signed_at)
    values (${doc.id}, ${doc.spaceId}, ${version.id}, ${content.contentHash}, ${host}, ${SIGNED.requestedAt}, ${host}, ${SIGNED.signedAt})
    returning id`;
  const audit = (actorId: string, tenantSlug: string | null, action: string, at: string, details: Record<string, string>) => tx`
    insert into audit_events (actor_id, tenant_id, space_id, action, details, at)
    values (${actorId}, (select id from tenants where slug = ${tenantSlug}), ${doc.spaceId}, ${action}, ${tx.json(details)}, ${at})`;
  await audit(host, null, "document.approvalRequested", SIGNED.requestedAt, { title: doc.title, status: "in_review", version: SIGNED.version });
  for (const party of SIGNED.parties) {
    await tx`
      insert into approval_parties (round_id, space_id, tenant_id, decision, content_hash, decided_by, decided_at)
      select ${round.id}, ${doc.spaceId}, t.id, 'approved', ${content.contentHash}, ${`demo-${party.slug}`}, ${party.at} from tenants t where t.slug = ${party.slug}`;
    const [{ name }] = await tx<{ name: string }[]>`select name from tenants where slug = ${party.slug}`;
    await audit(`demo-${party.slug}`, party.slug, "document.approved", party.at, { title: doc.title, status: "in_review", tenant: name });
  }
  await audit(host, null, "document.signed", SIGNED.signedAt, { title: doc.title, status: "signed", version: SIGNED.version, hash: content.contentHash });
  await tx`update documents set status = 'signed' where id = ${doc.id}`;
}
