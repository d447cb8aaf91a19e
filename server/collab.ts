import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import type { Auth, SessionUser } from "@twinning/auth";
import { CollabServer, PgPersistence, readExtraMessages, type ReadOnlyReason } from "@twinning/collab";
import {
  asSystem,
  asUser,
  documentAccessFacts,
  loadSpaceFactsOfDocument,
  tenantsOfUser,
  appendUpdatesUnlessLocked,
  recordEdits,
  saveAutoVersion,
  saveDerived,
  type Database,
  type DerivedWritten,
} from "@twinning/db";
import { can, colorFor, LIMITS, PRESENCE_COLORS, spaceAccess, isUuid, type Actor } from "@twinning/domain";
import { deriveFromYDoc, FRAGMENT, hasUnnamedBlocks, nameBlocks } from "@twinning/editor";
import { versionContent } from "@twinning/editor/versions";
import type * as Y from "yjs";
import { readOnlyReason } from "./access-watcher";
import { createCollabFanout, type CollabFanout } from "./collab-fanout";
import { Caps, clientAddress, RatePerKey } from "./caps";
import { FairGate } from "./fair-gate";
import { checkOrigin, type OriginRules } from "./csrf";
import { refuseUpgrade } from "./upgrades";

const PREFIX = "/collab/";

// How often "last edited by" is written for the documents edited meanwhile (one statement for all).
const EDITS_FLUSH_MS = 2_000;

/**
 * The update log, also noting who edited last (for the document lists): gathered per document and
 * written for all of them together every `EDITS_FLUSH_MS`, since an update of a document's row per
 * append was a transaction per keystroke.
 */
class EditorTrackingPersistence extends PgPersistence {
  private readonly edits = new Map<string, { documentId: string; userId: string; at: Date }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Database["sql"],
    private readonly logger: Logger,
    doorbell: CollabFanout["doorbell"],
  ) {
    // The sign lock: each append checks, under a lock on the documents' rows, that they are neither
    // signed nor archived; and rings the other instances' doorbell for what it stored.
    super(db, { log: logger, appendRows: (sql, rows) => appendUpdatesUnlessLocked(sql, rows, doorbell) });
    this.timer = setInterval(() => void this.flushEdits(), EDITS_FLUSH_MS);
    this.timer.unref();
  }

  override async append(documentId: string, entries: Parameters<PgPersistence["append"]>[1]) {
    const seqs = await super.append(documentId, entries);
    const userId = entries.at(-1)?.userId;
    if (userId) this.edits.set(documentId, { documentId, userId, at: new Date() });
    return seqs;
  }

  /** Writes the editors noted since the last flush; kept for the next one should it fail. */
  async flushEdits(): Promise<void> {
    if (!this.edits.size) return;
    const edits = [...this.edits.values()];
    this.edits.clear();
    try {
      await recordEdits(this.db, edits);
    } catch (err) {
      this.logger.warn({ err }, "collab: could not record the editors");
      for (const e of edits) if (!this.edits.has(e.documentId)) this.edits.set(e.documentId, e);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushEdits();
  }
}

export interface CollabOptions {
  db: Database;
  auth: Auth;
  log: Logger;
  /** Which origins count as this site: the same rule as for forms (server/csrf.ts). */
  origins: OriginRules;
  timing?: ConstructorParameters<typeof CollabServer>[0]["timing"];
  /** Open sockets (from the upgrade's arrival) per user, per client address and per document; past one, 429. */
  caps: { perUser: number; perAddress: number; perDocument: number };
}

/** What became of a change the server was asked to make to a document. */
export type ServerChangeOutcome = "applied" | "signed" | "archived" | "missing";
export type ApplyServerChange = (documentId: string, userId: string, change: (ydoc: Y.Doc) => void) => Promise<ServerChangeOutcome>;

interface Grant {
  readOnly: boolean;
  readOnlyReason?: ReadOnlyReason;
  spaceId: string;
  tenantName: string;
}

/**
 * `/collab/<documentId>` on the app's own port: the HTTP upgrade is authenticated with the session
 * cookie and authorised by the permission policy before it completes (401/403, no document loaded);
 * then @twinning/collab speaks the y-websocket protocol. Each socket carries its session id; access
 * changes while it is open are the access watcher's (`access-watcher.ts`).
 */
export async function mountCollab(options: CollabOptions) {
  const { db, auth, log } = options;
  // Other instances on the same database: doorbells for committed rows, presence, "who is here".
  const fanout = createCollabFanout({ db, log });
  const persistence = new EditorTrackingPersistence(db.system, log, fanout.doorbell);
  const derivedWritten = new WeakMap<Y.Doc, DerivedWritten>();
  const collab = new CollabServer({
    persistence,
    log,
    limits: {
      maxMessageBytes: LIMITS.collabMessageBytes,
      maxDocumentBytes: LIMITS.collabDocumentBytes,
      presencePerUser: LIMITS.collabPresencePerUser,
      presenceFanOutMs: LIMITS.collabPresenceFanOutMs,
      rateWindowMs: LIMITS.collabRateWindowMs,
      // The shared schema's structure: one Tiptap fragment, each node one shared type.
      maxContentDepth: LIMITS.documentMaxDepth,
      maxContentNodes: LIMITS.documentMaxNodes,
      allowedRoots: [FRAGMENT],
    },
    timing: options.timing,
    presenceColors: PRESENCE_COLORS,
    onPersisted: fanout.persisted,
    onAwareness: fanout.awareness,
    onLoaded: (documentId, ydoc) => {
      fanout.loaded(documentId);
      // A document from before block ids (or a copy made without them) is named once, here, as a
      // change of its own: named by an editor's first keystroke instead, a long one redraws every block.
      if (hasUnnamedBlocks(ydoc)) void nameOnLoad(documentId);
    },
    onDerive: async (documentId, ydoc) => {
      const derived = deriveFromYDoc(ydoc);
      // A bad node is left out and named here; the rest is saved.
      if (derived.skipped.length) log.warn({ documentId, skipped: derived.skipped.slice(0, 20) }, "collab: derive skipped content");
      // Only what changed since this document's last derive here (held with its Y.Doc, gone with it).
      derivedWritten.set(ydoc, await saveDerived(db.sql, { documentId, ...derived }, derivedWritten.get(ydoc)));
    },
    // Quiet for a while after changes: keep a version, unless nothing changed since the last one.
    onQuiet: async (documentId, ydoc, { editors }) => {
      const kept = await saveAutoVersion(db.sql, { documentId, editorId: editors.at(-1) ?? null, content: versionContent(ydoc) });
      log.info({ documentId, kept }, kept ? "collab: version kept" : "collab: no version kept, nothing changed since the last one");
    },
  });
  await fanout.listen(collab);

  async function nameOnLoad(documentId: string): Promise<void> {
    try {
      const outcome = await applyServerChange(documentId, "", (ydoc) => void nameBlocks(ydoc));
      log.info({ documentId, outcome }, "collab: named the blocks of a document loaded without them");
    } catch (err) {
      log.warn({ documentId, err }, "collab: could not name the blocks of a document (an editor will)");
    }
  }
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.collabMessageBytes });

  async function authorise(user: SessionUser, documentId: string): Promise<Grant | null> {
    if (!isUuid(documentId)) return null;
    return asUser(db.sql, user.id, async (tx) => {
      // One round trip, pipelined with the user setting on the transaction's connection: the
      // document, the space it is in, and the user's tenants with their roles (one is shown beside
      // the name).
      const [doc, space, tenants] = await Promise.all([documentAccessFacts(tx, documentId), loadSpaceFactsOfDocument(tx, documentId), tenantsOfUser(tx, user.id)]);
      if (!doc || !space) return null;
      const actor: Actor = { userId: user.id, memberships: tenants.map((t) => ({ tenantId: t.id, role: t.role })) };
      const resource = { type: "document" as const, space, document: { archived: doc.archivedAt !== null, status: doc.status } };
      if (!can(actor, "document.view", resource)) return null;
      // The tenant shown beside the name: the first by name of the user's tenants that give them
      // access to this space (as the space's people list shows them).
      const tenantIds = [space.hostTenantId, ...space.partners.filter((p) => p.status === "active").map((p) => p.tenantId)];
      const via = actor.memberships.find((m) => tenantIds.includes(m.tenantId) && spaceAccess({ ...actor, memberships: [m] }, space));
      const tenant = via ? tenants.find((t) => t.id === via.tenantId) : undefined;
      const reason = readOnlyReason(actor, space, resource.document);
      return { readOnly: reason !== undefined, readOnlyReason: reason, spaceId: doc.spaceId, tenantName: tenant?.name ?? "" };
    });
  }

  const caps = new Caps({ user: options.caps.perUser, address: options.caps.perAddress, document: options.caps.perDocument });
  const checks = new FairGate(LIMITS.connectionChecksAtOnce);
  // However fast sockets are closed and reopened, each address gets this many checks a window.
  const attempts = new RatePerKey(LIMITS.collabUpgradesPerAddress, LIMITS.collabRateWindowMs);

  /**
   * One `/collab/<documentId>` upgrade (routed here by `upgrades.ts`, which gives it a deadline). Each
   * check costs more than the one before, so each is done only when the cheaper ones passed: the
   * address's slot is taken on arrival (sockets still being checked count), the user's after the
   * session is validated, the document's after the policy allowed it; past a cap the answer is 429.
   * The slots are given back when the socket closes, however it ends.
   */
  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, signal: AbortSignal): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    const address = clientAddress(req, options.origins.trustProxy);
    const slots: (() => void)[] = [];
    socket.once("close", () => slots.splice(0).forEach((release) => release()));
    const gone = () => signal.aborted || socket.destroyed;
    const take = (keys: { address?: string; user?: string; document?: string }, context: object) => {
      const slot = caps.take(keys);
      if ("release" in slot) return slots.push(slot.release) > 0;
      log.warn({ cap: slot.refused, address, ...context }, `collab: socket refused, too many per ${slot.refused}`);
      refuseUpgrade(socket, 429, { "Retry-After": "10" });
      return false;
    };
    if (!attempts.take(address)) {
      log.warn({ address }, "collab: socket refused, too many upgrades from this address");
      return refuseUpgrade(socket, 429, { "Retry-After": "10" });
    }
    if (!take({ address }, {})) return;
    const verdict = checkOrigin(req, options.origins);
    if (!verdict.ok) {
      log.warn({ origin: verdict.source, own: verdict.own }, "collab: cross-origin socket refused");
      return refuseUpgrade(socket, 403);
    }
    // What asks the database is let through a few at a time, each address in turn (a rejection
    // while waiting means the deadline passed).
    const { user, sessionId } = await checks.run(address, () => auth.validate(req.headers.cookie ?? null), signal);
    if (gone()) return;
    if (!user) return refuseUpgrade(socket, 401);
    if (!take({ user: user.id }, { userId: user.id })) return;
    const documentId = decodeURIComponent(path.slice(PREFIX.length));
    const grant = await checks.run(address, () => authorise(user, documentId), signal);
    if (gone()) return;
    if (!grant) return refuseUpgrade(socket, 403);
    if (!take({ document: documentId }, { userId: user.id, documentId })) return;
    const identity = {
      userId: user.id,
      name: user.name,
      tenantName: grant.tenantName,
      color: colorFor(user.id),
      readOnly: grant.readOnly,
      readOnlyReason: grant.readOnlyReason,
      spaceId: grant.spaceId,
      sessionId: sessionId ?? undefined,
    };
    // Our editor asks for the "saved" and "access" messages (`?messages=saved,access`); a stock client gets only the standard protocol.
    const wants = readExtraMessages(new URL(req.url ?? "/", "http://localhost").searchParams);
    wss.handleUpgrade(req, socket, head, (ws) => collab.handleConnection(ws as never, documentId, identity, wants));
  }

  /**
   * A change the server makes to a live document for a user who was authorised for it (restoring a
   * version): refused when the document is signed or archived. The document's row is key-share-locked
   * (as appends lock it) until the change is committed, so it cannot be signed or archived halfway.
   */
  async function applyServerChange(documentId: string, userId: string, change: (ydoc: Y.Doc) => void): Promise<ServerChangeOutcome> {
    return asSystem(db.sql, async (tx) => {
      const [doc] = await tx<{ status: string; archivedAt: Date | null }[]>`select status, archived_at from documents where id = ${documentId} for key share`;
      if (!doc) return "missing";
      if (doc.archivedAt) return "archived";
      if (doc.status === "signed") return "signed";
      await collab.applyServerUpdate(documentId, change, { userId });
      return "applied";
    });
  }

  return {
    collab,
    fanout,
    handleUpgrade,
    caps,
    applyServerChange,
    async close() {
      await collab.destroy();
      // After the last commits, whose doorbells and editors they send.
      await fanout.close();
      await persistence.close();
      wss.close();
    },
  };
}
