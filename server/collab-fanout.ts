import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { CollabServer } from "@twinning/collab";
import { splitAwarenessUpdate } from "@twinning/collab/presence";
import type { Database } from "@twinning/db";

/** The channel every instance LISTENs on for documents (updates, awareness, "who is here"). */
export const COLLAB_CHANNEL = "twinning_collab";

/**
 * How long awareness and "who is here" payloads wait to share one statement. PostgreSQL's NOTIFY
 * takes a cluster-wide lock from the notifying commit until the queue is written, so one statement
 * per caret move would serialise every instance. (Doorbells ride on the appends' own commits.)
 */
export const NOTIFY_COALESCE_MS = 10;

// NOTIFY refuses payloads of 8000 bytes or more; an awareness part's base64 and its prefix stay below.
const MAX_AWARENESS_BYTES = 5_700;
const RETRY_MS = [200, 1_000, 5_000];

/** What was sent and received, for tests and benchmarks. */
export interface CollabFanoutStats {
  instanceId: string;
  /** Doorbells rung: one per document per append statement, whatever number of keystrokes it stored. */
  updateNotifies: number;
  /** Committed batches of one document (`onPersisted` calls). */
  commits: number;
  awarenessNotifies: number;
  /** Statements (transactions) of their own that sent awareness and query payloads; each sends every one pending. */
  statements: number;
  /** Notifications received from other instances (our own are ignored, uncounted). */
  received: number;
  /** Awareness parts left out because one client's state alone was too large for a NOTIFY. */
  awarenessSkipped: number;
  failures: number;
  /** Times the LISTEN connection came back after a loss (and every loaded document caught up). */
  relistens: number;
}

export interface CollabFanout {
  /** What the appends ring, in their own statement (`appendUpdatesUnlessLocked`'s `doorbell`). */
  doorbell: { channel: string; prefix: string };
  /** `onPersisted`: rows `fromSeq`…`seq` of `documentId` are committed here (and their doorbell rung). */
  persisted(documentId: string, seq: number, fromSeq: number): void;
  /** `onAwareness`: this instance's clients changed their presence in `documentId`. */
  awareness(documentId: string, update: Uint8Array): void;
  /** `onLoaded`: `documentId` was loaded here; other instances holding it are asked for their presence. */
  loaded(documentId: string): void;
  /** Starts the one LISTEN, applying what other instances send to `collab`. */
  listen(collab: CollabServer): Promise<void>;
  stats(): CollabFanoutStats;
  /** Sends what is pending and stops listening. */
  close(): Promise<void>;
}

/**
 * Several instances on one PostgreSQL (`COLLAB_CHANNEL`, one LISTEN per instance, as the access
 * watcher and the webhook worker do). Payloads are `<kind>:<instanceId>:<documentId>[:<rest>]`:
 *
 * - `u:…:<documentId>:<fromSeq>:<toSeq>` — a doorbell: rows `fromSeq`…`toSeq` of the document's
 *   log were committed here. The append statement rings it (so it goes with the commit, and the
 *   commit cadence bounds how often: `COMMIT_CADENCE_MS`). A holder of the document reads what it has not seen (`applyRemote`:
 *   the rows after the last seq it read, this range in case some committed late, and the snapshot
 *   when another instance compacted rows it had not read) and sends them to its clients. Rows are
 *   applied from the log with the room's remote origin, so they are never stored again.
 * - `a:…:<documentId>:<base64>` — this instance's clients' awareness changes (at most one per
 *   document per presence fan-out interval, split into parts below NOTIFY's limit).
 * - `q:…:<documentId>` — the document was just loaded here: holders announce their clients' presence.
 *
 * Awareness and query payloads wait `NOTIFY_COALESCE_MS`, then every one pending of every document
 * goes out in one statement on the system pool, and the next waits for it to finish. A notification lost (the LISTEN connection dropped) is made up for
 * when it is back: every loaded document reads what it missed.
 */
export function createCollabFanout(options: { db: Database; log: Logger; coalesceMs?: number }): CollabFanout {
  const { db, log } = options;
  const coalesceMs = options.coalesceMs ?? NOTIFY_COALESCE_MS;
  const instanceId = randomBytes(6).toString("hex");
  const counters: CollabFanoutStats = {
    instanceId,
    updateNotifies: 0,
    commits: 0,
    awarenessNotifies: 0,
    statements: 0,
    received: 0,
    awarenessSkipped: 0,
    failures: 0,
    relistens: 0,
  };
  // Awareness and query payloads, in order.
  let others: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  let sending: Promise<void> | null = null;
  let attempt = 0;
  let collab: CollabServer | null = null;
  let listener: { unlisten(): Promise<void> } | null = null;
  let closed = false;

  function schedule(delay = coalesceMs): void {
    if (timer || sending || others.length === 0) return;
    timer = setTimeout(() => {
      timer = null;
      sending = flush().finally(() => {
        sending = null;
        schedule();
      });
    }, delay);
    timer.unref();
  }

  async function flush(): Promise<void> {
    const payloads = others;
    others = [];
    if (payloads.length === 0) return;
    try {
      // One statement, one commit: the notify lock is taken once for every document pending.
      await db.system`select pg_notify(${COLLAB_CHANNEL}, p) from unnest(${payloads}::text[]) with ordinality as t(p, n) order by n`;
      attempt = 0;
      counters.statements++;
      counters.awarenessNotifies += payloads.filter((p) => p.startsWith("a:")).length;
    } catch (error) {
      counters.failures++;
      // Presence is renewed by the next change (and times out otherwise); it is not sent again.
      if (closed) return;
      const wait = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)];
      log.warn({ err: error, retryInMs: wait }, "collab: could not notify other instances; retrying");
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
  }

  function receive(payload: string): void {
    const [kind, sender, documentId, ...rest] = payload.split(":");
    if (sender === instanceId || !collab || !documentId) return;
    counters.received++;
    try {
      if (kind === "u") {
        const [from, to] = rest.map(Number);
        if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new Error("bad range");
        void collab.applyRemote(documentId, to, from);
      } else if (kind === "a") {
        collab.applyRemoteAwareness(documentId, Buffer.from(rest.join(":"), "base64"));
      } else if (kind === "q") {
        collab.announcePresence(documentId);
      } else throw new Error(`unknown kind ${kind}`);
    } catch (error) {
      log.warn({ err: error, documentId }, "collab: notification from another instance not understood");
    }
  }

  return {
    doorbell: { channel: COLLAB_CHANNEL, prefix: `u:${instanceId}:` },
    persisted() {
      // Rung by the append statement itself, once per document and statement.
      counters.commits++;
      counters.updateNotifies++;
    },
    awareness(documentId, update) {
      const { parts, skipped } = splitAwarenessUpdate(update, MAX_AWARENESS_BYTES);
      if (skipped) {
        counters.awarenessSkipped += skipped;
        log.debug({ documentId, skipped }, "collab: an awareness state too large for a notification was not sent to other instances");
      }
      for (const part of parts) others.push(`a:${instanceId}:${documentId}:${Buffer.from(part).toString("base64")}`);
      schedule();
    },
    loaded(documentId) {
      others.push(`q:${instanceId}:${documentId}`);
      schedule();
    },
    async listen(server) {
      collab = server;
      let listening = 0;
      listener = await db.sql.listen(COLLAB_CHANNEL, receive, () => {
        // Called again when the LISTEN connection came back after a loss: doorbells may have been missed.
        if (listening++ === 0 || !collab) return;
        counters.relistens++;
        log.info("collab: listening again; reading what other instances committed meanwhile");
        for (const documentId of collab.loadedDocuments()) void collab.applyRemote(documentId, 0);
      });
    },
    stats: () => ({ ...counters }),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await sending;
      // What the last commits (the shutdown's) rang: sent once, no retry.
      await flush();
      await listener?.unlisten().catch(() => {});
      listener = null;
      collab = null;
    },
  };
}
