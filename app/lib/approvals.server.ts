import type { SessionUser } from "@twinning/auth";
import {
  approvalFacts,
  namedApprovers,
  openRound,
  roundTexts,
  signedRounds,
  tenantsTakingPart,
  translationsOf,
  versionsToSend,
  type ApprovalRound,
  type DocumentRef,
  type Queryable,
} from "@twinning/db";
import { approvesFor, can, type ActionOf, type Actor, type DocumentFacts, type Locale } from "@twinning/domain";
import { authorize, authorizeDocument } from "~/lib/access.server";
import { liveVersionContent } from "~/lib/versions.server";

/**
 * The document's content hash as it is committed now, computed as a version's is: an approval holds
 * only while this equals the hash of the version it approved.
 */
export async function liveContentHash(sql: Queryable, documentId: string): Promise<string> {
  return (await liveVersionContent(sql, documentId)).contentHash;
}

/**
 * A document authorised with its approval facts (the open round, and whether the text moved on since
 * its version), so the policy can decide each step of the flow.
 */
export async function authorizeWithApproval(tx: Queryable, user: SessionUser, params: { spaceId?: string; docId?: string }) {
  return withApproval(tx, await authorizeDocument(tx, user, params.spaceId, params.docId, "document.view"));
}

/** Each text's committed hash now (a round's source and translations). */
async function liveHashes(tx: Queryable, documentIds: string[]): Promise<Map<string, string>> {
  return new Map(await Promise.all(documentIds.map(async (id) => [id, await liveContentHash(tx, id)] as const)));
}

const covers = (documentId: string) => (round: ApprovalRound) => round.translations.some((t) => t.documentId === documentId);

/**
 * A document already authorised for viewing, with its approval facts added. A translation has no
 * rounds of its own: it shows its source's open round when it was sent with it (read-only), and the
 * signed rounds that signed it.
 */
export async function withApproval(tx: Queryable, found: Awaited<ReturnType<typeof authorizeDocument>>) {
  const { source } = await translationsOf(tx, found.doc);
  const sourceRef: DocumentRef | null = source ? { id: source.id, spaceId: found.doc.spaceId } : null;
  const sourceRound = sourceRef ? await openRound(tx, sourceRef) : undefined;
  const round = sourceRef ? (sourceRound && covers(found.doc.id)(sourceRound) ? sourceRound : undefined) : await openRound(tx, found.doc);
  const hashes = round && !round.signedAt ? await liveHashes(tx, roundTexts(round).map((text) => text.documentId)) : null;
  const document: DocumentFacts = { ...found.resource.document, approval: approvalFacts(round, hashes), translation: !!source };
  const resource = { type: "document" as const, space: found.facts, document };
  // The people each asked tenant named to approve for it (besides its admins).
  const approvers = await namedApprovers(tx, round && !round.signedAt ? round.parties.map((p) => p.tenantId) : []);
  /** One party of the open round as the policy sees it. */
  const party = (tenantId: string) => ({ type: "documentParty" as const, space: found.facts, document, tenantId, approvers: approvers.get(tenantId) ?? [] });
  return {
    ...found,
    round,
    /** The source, when this document is its translation (approved and signed with it). */
    source: source && sourceRef ? { ...sourceRef, title: source.title, language: source.language } : null,
    resource,
    party,
    /** Authorises one step on the document (404 / 403 as every route). */
    require(action: ActionOf<"document">) {
      authorize(found.actor, action, resource);
    },
    /** Authorises deciding for one tenant. */
    requireParty(tenantId: string) {
      authorize(found.actor, "document.approve", party(tenantId));
    },
  };
}

export interface ApprovalView {
  documentId: string;
  /** This document is a translation: its approval and signing are its source's. */
  source: { id: string; title: string; language: Locale } | null;
  round: PublicRound | null;
  /** The rounds this document was signed in, newest first (an amended document keeps them). */
  signed: PublicRound[];
  stale: boolean;
  canRequest: boolean;
  canSign: boolean;
  canAmend: boolean;
  /** The tenants this user may decide for in the open round. */
  decideFor: string[];
  tenants: { id: string; name: string; host: boolean }[];
  versions: { id: string; name: string; contentHash: string; createdAt: string }[];
}

type PublicRound = Omit<ApprovalRound, "requestedAt" | "endedAt" | "signedAt" | "versionCreatedAt" | "parties"> & {
  requestedAt: string;
  signedAt: string | null;
  versionCreatedAt: string;
  parties: (Omit<ApprovalRound["parties"][number], "decidedAt"> & { decidedAt: string | null; current: boolean })[];
};

function publicRound(round: ApprovalRound): PublicRound {
  return {
    ...round,
    requestedAt: round.requestedAt.toISOString(),
    signedAt: round.signedAt?.toISOString() ?? null,
    versionCreatedAt: round.versionCreatedAt.toISOString(),
    parties: round.parties.map((p) => ({ ...p, decidedAt: p.decidedAt?.toISOString() ?? null, current: p.contentHash === round.contentHash })),
  };
}

/** What the document page shows of the approval flow, and which steps this user may take. */
export async function approvalView(tx: Queryable, scope: Awaited<ReturnType<typeof authorizeWithApproval>>, actor: Actor): Promise<ApprovalView> {
  const { round, resource, doc, source } = scope;
  const [signed, tenants, versions] = await Promise.all([
    source ? signedRounds(tx, source).then((rounds) => rounds.filter(covers(doc.id))) : signedRounds(tx, doc),
    tenantsTakingPart(tx, doc.spaceId),
    versionsToSend(tx, doc),
  ]);
  const approval = resource.document.approval;
  const decideFor = round
    ? round.parties.filter((p) => can(actor, "document.approve", scope.party(p.tenantId))).map((p) => p.tenantId)
    : [];
  return {
    documentId: doc.id,
    source: source ? { id: source.id, title: source.title, language: source.language } : null,
    round: round ? publicRound(round) : null,
    signed: signed.map(publicRound),
    stale: approval?.stale ?? false,
    canRequest: can(actor, "document.requestApproval", resource),
    canSign: can(actor, "document.sign", resource),
    canAmend: can(actor, "document.amend", resource),
    decideFor,
    tenants: [...tenants],
    versions: versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
  };
}

type Scope = Awaited<ReturnType<typeof authorizeWithApproval>>;
type StepInput = { intent: "requestApproval" | "sign" | "amend" } | { intent: "approve" | "requestChanges"; data: { tenantId: string } };

/**
 * Why the policy refuses a step, as an i18n key under `approval.errors` (null when it allows it): the
 * policy decides, this only names the cause for the person who tried.
 */
export function refusal(scope: Scope, input: StepInput): string | null {
  const { actor, facts, resource } = scope;
  const document = resource.document;
  const round = document.approval;
  const hostAdmin = can(actor, "space.update", { type: "space", space: facts });
  const common = () => (document.archived ? "archived" : facts.archived ? "spaceArchived" : null);
  switch (input.intent) {
    case "requestApproval":
      if (can(actor, "document.requestApproval", resource)) return null;
      if (document.translation && hostAdmin) return "withSource";
      return common() ?? (document.status === "signed" ? "alreadySigned" : "onlyHost");
    case "sign":
      if (can(actor, "document.sign", resource)) return null;
      if (!hostAdmin) return "onlyHost";
      if (document.translation) return "withSource";
      if (document.status === "signed") return "alreadySigned";
      if (!round) return "notInReview";
      if (round.stale) return "stale";
      return common() ?? "missingApprovals";
    case "amend":
      if (can(actor, "document.amend", resource)) return null;
      if (!hostAdmin) return "onlyHost";
      if (document.translation) return "withSource";
      return common() ?? "notSigned";
    case "approve":
    case "requestChanges": {
      const party = scope.party(input.data.tenantId);
      if (can(actor, "document.approve", party)) return null;
      if (document.translation) return "withSource";
      if (document.status === "signed") return "alreadySigned";
      if (!round) return "notInReview";
      if (!approvesFor(actor, input.data.tenantId, party.approvers)) return "notYourTenant";
      if (round.stale) return "stale";
      if (!round.required.includes(input.data.tenantId)) return "notAsked";
      return common() ?? "notYourTenant";
    }
  }
}
