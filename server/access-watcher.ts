import type { Logger } from "pino";
import { CloseCodes, type AccessLostReason, type CollabIdentity, type CollabServer, type ConnectionAccess, type ReadOnlyReason } from "@twinning/collab";
import {
  ACCESS_CHANNEL,
  documentsAccessFacts,
  liveSessionIds,
  loadActors,
  loadSpaceFacts,
  parseAccessChange,
  type AccessChange,
  type Database,
} from "@twinning/db";
import { can, type Actor, type DocumentFacts, type DocumentStatus, type SpaceFacts } from "@twinning/domain";
import type { EventHub, Subscriber } from "./events";

export interface AccessWatcherOptions {
  db: Database;
  log: Logger;
  collab: CollabServer;
  events: EventHub;
  /** A session ends this long after log-in however much it is used (as `createAuth`'s `absoluteTimeoutMs`). */
  sessionAbsoluteMs: number;
  /** How often every open socket's and stream's session is checked (idle and absolute expiry). */
  sweepMs?: number;
}

/** What one re-check did, for logs, tests and the benchmark. */
export interface RecheckReport {
  sockets: number;
  streams: number;
  spaces: number;
  queries: number;
  closed: number;
  readOnly: number;
  writable: number;
  ms: number;
}

export interface AccessWatcher {
  /** Re-checks what a change concerns (what a notification does); `"all"` re-checks everything open. */
  recheck(change: AccessChange | "all"): Promise<void>;
  /** Counters: finished re-checks, failed attempts (retried), and the last report. */
  stats(): { rechecks: number; failures: number; pending: boolean; last: RecheckReport | null };
  close(): Promise<void>;
}

/** What is waiting to be re-checked: merged while a re-check runs, so a burst costs one more round. */
interface Pending {
  everything: boolean;
  /** Check every open session (the periodic sweep). */
  allSessions: boolean;
  spaces: Set<string>;
  users: Set<string>;
  /** Users some of whose sessions ended. */
  sessionUsers: Set<string>;
}

const emptyPending = (): Pending => ({ everything: false, allSessions: false, spaces: new Set(), users: new Set(), sessionUsers: new Set() });
const RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000];

/**
 * The one place that turns access changes into closed or read-only sockets and ended streams. A single
 * LISTEN on `ACCESS_CHANNEL` per instance; each change re-checks only the open sockets and streams it
 * concerns, in bulk: one read-only transaction loads each affected space's facts once, the documents'
 * states and the actors of all affected users in one query each, and the sessions in one more, however
 * many sockets and streams are open. Changes arriving meanwhile are merged into the next round.
 *
 * A database error while re-checking changes nothing: the sockets and streams stay, and the re-check
 * is retried with a back-off until it succeeds. After the LISTEN connection was lost and is back,
 * everything open is re-checked (notifications may have been missed), and a sweep checks every open
 * session once a minute (expiry).
 */
export async function createAccessWatcher(options: AccessWatcherOptions): Promise<AccessWatcher> {
  const { db, log, collab, events } = options;
  let pending = emptyPending();
  let running: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let attempt = 0;
  let closed = false;
  const counters = { rechecks: 0, failures: 0, last: null as RecheckReport | null };
  // Resolved when the round that includes a change requested now has finished (successfully).
  let waiters: (() => void)[] = [];

  function add(change: AccessChange | "all"): void {
    if (change === "all") pending.everything = true;
    else {
      if (change.spaceId) pending.spaces.add(change.spaceId);
      if (change.userId && change.sessions) pending.sessionUsers.add(change.userId);
      else if (change.userId) pending.users.add(change.userId);
    }
  }

  const isEmpty = (p: Pending) => !p.everything && !p.allSessions && !p.spaces.size && !p.users.size && !p.sessionUsers.size;

  function kick(): void {
    if (running || retryTimer || closed) return;
    running = (async () => {
      while (!isEmpty(pending) && !closed) {
        const round = pending;
        const done = waiters;
        pending = emptyPending();
        waiters = [];
        try {
          counters.last = await runRound(round);
          counters.rechecks++;
          attempt = 0;
          for (const resolve of done) resolve();
        } catch (error) {
          // Nothing was changed: put the round back and try again later; sockets and streams stay.
          counters.failures++;
          merge(pending, round);
          waiters = [...done, ...waiters];
          const wait = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)];
          log.warn({ err: error, retryInMs: wait }, "access: re-check failed; open sockets and streams are kept, retrying");
          retryTimer = setTimeout(() => {
            retryTimer = null;
            kick();
          }, wait);
          retryTimer.unref();
          return;
        }
      }
    })().finally(() => {
      running = null;
      // A change that arrived after the loop's last check.
      if (!isEmpty(pending) && !retryTimer) kick();
    });
  }

  function request(change: AccessChange | "all"): Promise<void> {
    add(change);
    const done = new Promise<void>((resolve) => waiters.push(resolve));
    kick();
    return done;
  }

  async function runRound(round: Pending): Promise<RecheckReport> {
    const started = performance.now();
    // A user's own stream (spaceId null, their inbox) ends only with their session.
    const concernsAccess = (userId: string, spaceId: string | null) => spaceId !== null && (round.everything || round.spaces.has(spaceId) || round.users.has(userId));
    const concernsSession = (userId: string) => round.everything || round.allSessions || round.sessionUsers.has(userId);
    const sockets = collab.openConnections().filter(({ identity: i }) => concernsAccess(i.userId, i.spaceId) || concernsSession(i.userId));
    const streams = events.subscribers().filter((s) => concernsAccess(s.user.id, s.spaceId) || concernsSession(s.user.id));
    const report: RecheckReport = { sockets: sockets.length, streams: streams.length, spaces: 0, queries: 0, closed: 0, readOnly: 0, writable: 0, ms: 0 };
    if (!sockets.length && !streams.length) return report;

    const accessSpaces = new Set<string>();
    const accessUsers = new Set<string>();
    const documentIds = new Set<string>();
    const sessionIds = new Set<string>();
    for (const { identity: i, documentId } of sockets) {
      if (concernsAccess(i.userId, i.spaceId)) {
        accessSpaces.add(i.spaceId);
        accessUsers.add(i.userId);
        documentIds.add(documentId);
      }
      if (concernsSession(i.userId) && i.sessionId) sessionIds.add(i.sessionId);
    }
    for (const s of streams) {
      if (s.spaceId !== null && concernsAccess(s.user.id, s.spaceId)) {
        accessSpaces.add(s.spaceId);
        accessUsers.add(s.user.id);
      }
      if (concernsSession(s.user.id) && s.sessionId) sessionIds.add(s.sessionId);
    }

    // The watcher acts for no user and must see every user's memberships and every space's partners,
    // so it reads on the system path (`Database.system`): one read-only transaction, a handful of statements per round.
    const facts = await db.system.begin("isolation level repeatable read read only", async (tx) => {
      const spaces = new Map<string, SpaceFacts | undefined>();
      for (const spaceId of accessSpaces) {
        spaces.set(spaceId, await loadSpaceFacts(tx, spaceId));
        report.queries += 2;
      }
      const actors = accessUsers.size ? await loadActors(tx, [...accessUsers]) : new Map<string, Actor>();
      const documents = documentIds.size ? await documentsAccessFacts(tx, [...documentIds]) : new Map();
      const live = sessionIds.size ? await liveSessionIds(tx, [...sessionIds], new Date(Date.now() - options.sessionAbsoluteMs)) : new Set<string>();
      report.queries += (accessUsers.size ? 1 : 0) + (documentIds.size ? 1 : 0) + (sessionIds.size ? 1 : 0);
      return { spaces, actors, documents, live };
    });
    report.spaces = facts.spaces.size;

    const sessionEnded = (userId: string, sessionId: string | null | undefined) => concernsSession(userId) && !!sessionId && !facts.live.has(sessionId);

    const changed = collab.setAccess((identity, documentId) => {
      if (sessionEnded(identity.userId, identity.sessionId)) return { close: CloseCodes.SessionEnded };
      if (!concernsAccess(identity.userId, identity.spaceId)) return undefined;
      return socketAccess(identity, documentId, facts);
    });
    report.closed += changed.closed;
    report.readOnly = changed.readOnly;
    report.writable = changed.writable;

    for (const s of streams) {
      let lost: AccessLostReason | null = null;
      if (sessionEnded(s.user.id, s.sessionId)) lost = "sessionEnded";
      else if (concernsAccess(s.user.id, s.spaceId)) lost = streamLost(s, facts);
      if (!lost) continue;
      events.revoke(s, lost);
      report.closed++;
    }
    report.ms = Math.round(performance.now() - started);
    if (report.closed || report.readOnly || report.writable) log.info({ ...report }, "access: re-checked open sockets and streams");
    else log.debug({ ...report }, "access: re-checked open sockets and streams");
    return report;
  }

  let listening = 0;
  const listener = await db.sql.listen(
    ACCESS_CHANNEL,
    (payload) => {
      const change = parseAccessChange(payload);
      if (!change) return log.warn("access: notification not understood");
      void request(change);
    },
    () => {
      // Called again when the LISTEN connection came back after a loss: changes may have been missed.
      if (listening++ > 0) {
        log.info("access: listening again; re-checking everything open");
        void request("all");
      }
    },
  );

  const sweep = setInterval(() => {
    pending.allSessions = true;
    kick();
  }, options.sweepMs ?? 60_000);
  sweep.unref();

  return {
    recheck: request,
    stats: () => ({ rechecks: counters.rechecks, failures: counters.failures, pending: !isEmpty(pending) || running !== null, last: counters.last }),
    async close() {
      closed = true;
      clearInterval(sweep);
      if (retryTimer) clearTimeout(retryTimer);
      await listener.unlisten();
      await running;
    },
  };
}

function merge(into: Pending, from: Pending): void {
  into.everything ||= from.everything;
  into.allSessions ||= from.allSessions;
  for (const s of from.spaces) into.spaces.add(s);
  for (const u of from.users) into.users.add(u);
  for (const u of from.sessionUsers) into.sessionUsers.add(u);
}

interface Facts {
  spaces: Map<string, SpaceFacts | undefined>;
  actors: Map<string, Actor>;
  documents: Map<string, { spaceId: string; status: DocumentStatus; archived: boolean }>;
}

/** A socket's access from the freshly loaded facts: the policy decides, the reason is for the editor. */
function socketAccess(identity: Readonly<CollabIdentity>, documentId: string, facts: Facts): ConnectionAccess {
  const space = facts.spaces.get(identity.spaceId);
  const doc = facts.documents.get(documentId);
  const actor = facts.actors.get(identity.userId) ?? { userId: identity.userId, memberships: [] };
  if (!space || !doc || doc.spaceId !== identity.spaceId) return { close: CloseCodes.Revoked };
  const resource = { type: "document" as const, space, document: { archived: doc.archived, status: doc.status } };
  if (!can(actor, "document.view", resource)) return { close: partnerEnded(actor, space) ? CloseCodes.PartnerRemoved : CloseCodes.Revoked };
  const reason = readOnlyReason(actor, space, resource.document);
  return reason ? { readOnly: true, reason } : { readOnly: false };
}

/**
 * Why a user who may view a document may not change it, or undefined when they may: the policy
 * decides, this only names the cause for the editor. Used by the upgrade and by the re-checks alike.
 */
export function readOnlyReason(actor: Actor, space: SpaceFacts, document: DocumentFacts): ReadOnlyReason | undefined {
  if (can(actor, "document.edit", { type: "document", space, document })) return undefined;
  return document.archived ? "archived" : document.status === "signed" ? "signed" : space.archived ? "spaceArchived" : "role";
}

function streamLost(s: Subscriber, facts: Facts): AccessLostReason | null {
  const space = s.spaceId === null ? undefined : facts.spaces.get(s.spaceId);
  const actor = facts.actors.get(s.user.id) ?? { userId: s.user.id, memberships: [] };
  if (space && can(actor, "space.view", { type: "space", space })) return null;
  return space && partnerEnded(actor, space) ? "partnerRemoved" : "revoked";
}

/** The user belongs to a tenant that was a partner of the space and was removed or left. */
function partnerEnded(actor: Actor, space: SpaceFacts): boolean {
  return space.partners.some((p) => (p.status === "removed" || p.status === "left") && actor.memberships.some((m) => m.tenantId === p.tenantId));
}
