import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import type { Auth, SessionUser } from "@twinning/auth";
import { CloseCodes, CollabServer, PgPersistence } from "@twinning/collab";
import { ACCESS_CHANNEL, asUser, documentAccessFacts, findTenantById, loadActor, loadSpaceFacts, recordEdit, saveDerived, type Database } from "@twinning/db";
import { can, colorFor, LIMITS, spaceAccess, isUuid } from "@twinning/domain";
import { deriveFromYDoc } from "@twinning/editor";

const PREFIX = "/collab/";

/** The update log, also noting who edited last (for the document lists) after each committed batch. */
class EditorTrackingPersistence extends PgPersistence {
  constructor(
    private readonly db: Database["sql"],
    private readonly logger: Logger,
  ) {
    super(db, { log: logger });
  }

  // At most one write a minute per document and editor: the list shows "last edited", not every keystroke.
  private readonly recorded = new Map<string, { userId: string; at: number }>();

  override async append(documentId: string, entries: Parameters<PgPersistence["append"]>[1]) {
    const seqs = await super.append(documentId, entries);
    const userId = entries.at(-1)?.userId;
    const last = this.recorded.get(documentId);
    if (userId && (last?.userId !== userId || Date.now() - last.at > 60_000)) {
      this.recorded.set(documentId, { userId, at: Date.now() });
      void recordEdit(this.db, { documentId, userId }).catch((err) => this.logger.warn({ err }, "collab: could not record the editor"));
    }
    return seqs;
  }
}

export interface CollabOptions {
  httpServer: Server;
  db: Database;
  auth: Auth;
  log: Logger;
  /** Origins allowed to open sockets besides the request's own host (as for forms). */
  allowedOrigins: string[];
  timing?: ConstructorParameters<typeof CollabServer>[0]["timing"];
}

interface Grant {
  readOnly: boolean;
  spaceId: string;
  tenantName: string;
}

/**
 * `/collab/<documentId>` on the app's own port: the HTTP upgrade is authenticated with the session
 * cookie and authorised by the permission policy before it completes (401/403, no document loaded);
 * then @twinning/collab speaks the y-websocket protocol. Access changes announced on
 * `twinning_access` re-check every open socket of the space: lost access closes it, a changed right
 * (signed, archived) reconnects it read-only.
 */
export async function mountCollab(options: CollabOptions) {
  const { httpServer, db, auth, log } = options;
  const collab = new CollabServer({
    persistence: new EditorTrackingPersistence(db.sql, log),
    log,
    limits: { maxMessageBytes: LIMITS.collabMessageBytes, maxDocumentBytes: LIMITS.collabDocumentBytes },
    timing: options.timing,
    onDerive: async (documentId, ydoc) => saveDerived(db.sql, { documentId, ...deriveFromYDoc(ydoc) }),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.collabMessageBytes });
  // Who is connected where, to re-check them when access to a space changes.
  const open = new Map<WebSocket, { user: SessionUser; documentId: string; spaceId: string; readOnly: boolean }>();

  async function authorise(user: SessionUser, documentId: string): Promise<Grant | null> {
    if (!isUuid(documentId)) return null;
    return asUser(db.sql, user.id, async (tx) => {
      const doc = await documentAccessFacts(tx, documentId);
      const space = doc && (await loadSpaceFacts(tx, doc.spaceId));
      if (!doc || !space) return null;
      const actor = await loadActor(tx, user.id);
      const resource = { type: "document" as const, space, document: { archived: doc.archivedAt !== null, status: doc.status } };
      if (!can(actor, "document.view", resource)) return null;
      // The tenant shown beside the name: the user's tenant that gives them access to this space.
      const tenantIds = [space.hostTenantId, ...space.partners.filter((p) => p.status === "active").map((p) => p.tenantId)];
      const via = actor.memberships.find((m) => tenantIds.includes(m.tenantId) && spaceAccess({ ...actor, memberships: [m] }, space));
      const tenant = via ? await findTenantById(tx, via.tenantId) : undefined;
      return { readOnly: !can(actor, "document.edit", resource), spaceId: doc.spaceId, tenantName: tenant?.name ?? "" };
    });
  }

  function refuse(socket: Duplex, status: 401 | 403 | 500, text: string) {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  httpServer.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "").split("?")[0];
    // Other upgrades (Vite's HMR in development) are not ours.
    if (!path.startsWith(PREFIX)) return;
    void (async () => {
      try {
        const origin = req.headers.origin;
        const own = `http://${req.headers.host}`;
        const ownTls = `https://${req.headers.host}`;
        if (origin && origin !== own && origin !== ownTls && !options.allowedOrigins.includes(origin)) {
          log.warn({ origin }, "collab: cross-origin socket refused");
          return refuse(socket, 403, "Forbidden");
        }
        const { user } = await auth.validate(req.headers.cookie ?? null);
        if (!user) return refuse(socket, 401, "Unauthorized");
        const documentId = decodeURIComponent(path.slice(PREFIX.length));
        const grant = await authorise(user, documentId);
        if (!grant) return refuse(socket, 403, "Forbidden");
        wss.handleUpgrade(req, socket, head, (ws) => {
          open.set(ws, { user, documentId, spaceId: grant.spaceId, readOnly: grant.readOnly });
          ws.on("close", () => open.delete(ws));
          collab.handleConnection(ws as never, documentId, {
            userId: user.id,
            name: user.name,
            tenantName: grant.tenantName,
            color: colorFor(user.id),
            readOnly: grant.readOnly,
            spaceId: grant.spaceId,
          });
        });
      } catch (error) {
        log.error({ err: error }, "collab: upgrade failed");
        refuse(socket, 500, "Internal Server Error");
      }
    })();
  });

  async function recheck(spaceId: string) {
    const affected = [...open.entries()].filter(([, c]) => c.spaceId === spaceId);
    for (const [ws, c] of affected) {
      const grant = await authorise(c.user, c.documentId).catch(() => null);
      if (!grant) {
        ws.close(CloseCodes.Revoked.code, CloseCodes.Revoked.reason);
        open.delete(ws);
      } else if (grant.readOnly !== c.readOnly) {
        // A reconnect picks up the new right (and the client shows it); 4000 is not terminal.
        ws.close(4000, "access changed");
      }
    }
  }
  const listener = await db.sql.listen(ACCESS_CHANNEL, (payload) => {
    try {
      const { spaceId } = JSON.parse(payload) as { spaceId: string };
      void recheck(spaceId);
    } catch (error) {
      log.warn({ err: error }, "collab: bad access notification");
    }
  });

  return {
    collab,
    async close() {
      await listener.unlisten();
      await collab.destroy();
      wss.close();
    },
  };
}
