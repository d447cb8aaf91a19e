import type { Logger } from "pino";
import type { SessionUser } from "@twinning/auth";
import type { AccessLostReason } from "@twinning/collab";
import { APPROVAL_CHANNEL, asSystem, BOARD_CHANNEL, cardsByIds, COMMENTS_CHANNEL, INBOX_CHANNEL, parseInboxAnnouncement, TRANSLATIONS_CHANNEL, type Database } from "@twinning/db";
import { Caps } from "./caps";
// The admins of invited tenants, for relaying invitation changes to their own streams.
import { adminsOfTenants } from "@twinning/db";

/** An event sent to the browsers looking at a space (boards, and documents showing its cards). */
export interface SpaceEvent {
  type: "board";
  boardId: string;
  cardIds: string[];
  /**
   * The changed cards as they now are, read once per change for all of the space's viewers (who may
   * all see the space's cards), so browsers update in place instead of each re-fetching the board.
   * Absent for board-level changes (columns, areas): then they reload the board.
   */
  cards?: unknown[];
}

/** A document's approval state changed (sent, approved, changes requested, signed, amended): its page reloads that state. */
export interface ApprovalEvent {
  type: "approval";
  documentId: string;
}

/** A document's comment threads changed (started, answered, resolved, their text removed), or its translation blocks (a source edited, a block reviewed): its panel reloads them. */
export interface CommentsEvent {
  type: "comments" | "translations";
  documentId: string;
}

/**
 * Something arrived in this user's inbox, or was read (sent only to the recipients' streams, each of
 * them): the stream sends the user's new count, which the header shows (from the page's space stream,
 * or on other pages from the user's own stream `/inbox/events`).
 */
export interface InboxEvent {
  type: "inbox";
  count?: number;
}

/** The stream's last event before it ends because access changed: the browser shows why and stops. */
export interface AccessEvent {
  type: "access";
  reason: AccessLostReason;
}

export interface Subscriber {
  user: SessionUser;
  /** The session the stream was opened with: the stream ends when it does. */
  sessionId: string | null;
  /** The space whose events it gets; null for the user's own stream (their inbox only, on every page). */
  spaceId: string | null;
  /** The client's address (server/caps.ts): streams per address are capped. */
  address: string;
  send(event: SpaceEvent | ApprovalEvent | CommentsEvent | InboxEvent | AccessEvent): void;
  close(): void;
}

export interface EventHub {
  /**
   * Starts a subscription for a user already authorised for the space; returns its end, or null when
   * the user or the address already has as many open as allowed (logged; answer 429).
   */
  subscribe(subscriber: Subscriber): (() => void) | null;
  /**
   * Whether `subscribe` would refuse this user or address now (logged like its refusals): asked
   * before the authorisation, so a refusal costs no transaction.
   */
  full(userId: string, address: string): boolean;
  /** The open subscriptions (a copy), for the access watcher. */
  subscribers(): Subscriber[];
  /** Ends a subscription because access changed: an `access` event with the reason, then the end. */
  revoke(subscriber: Subscriber, reason: AccessLostReason): void;
  close(): Promise<void>;
  /** Open subscriptions (for tests and stats). */
  size(): number;
}

/**
 * Fans PostgreSQL notifications out to the event streams of this instance. Changes are written by
 * Remix actions and published with NOTIFY on commit, so every instance hears every change; a space's
 * events go only to that space's subscribers. Access changes are the access watcher's
 * (`access-watcher.ts`): it re-checks subscribers in bulk and revokes those that lost access.
 */
export async function createEventHub(db: Database, log: Logger, limits: { perUser: number; perAddress: number }): Promise<EventHub> {
  const bySpace = new Map<string, Set<Subscriber>>();
  // The users' own streams (spaceId null), by user.
  const byUser = new Map<string, Set<Subscriber>>();
  // Every stream of each user (a space's or their own): the inbox count goes to whichever their page holds.
  const ofUser = new Map<string, Set<Subscriber>>();
  const tell = (userId: string) => {
    for (const s of ofUser.get(userId) ?? []) s.send({ type: "inbox" });
  };
  const caps = new Caps({ user: limits.perUser, address: limits.perAddress });

  const boards = await db.sql.listen(BOARD_CHANNEL, (payload) => {
    void (async () => {
      try {
        const { spaceId, boardId, cardIds } = JSON.parse(payload) as { spaceId: string; boardId: string; cardIds: string[] };
        const subscribers = bySpace.get(spaceId);
        if (!subscribers?.size) return;
        const cards = cardIds.length ? await asSystem(db.sql, (tx) => cardsByIds(tx, boardId, cardIds)) : undefined;
        for (const s of subscribers) s.send({ type: "board", boardId, cardIds, cards });
      } catch (error) {
        log.warn({ err: error }, "events: could not relay a board change");
      }
    })();
  });

  // A document's approval state or comments changed: every stream of its space is told which document.
  const documentEvents = (channel: string, type: "approval" | "comments" | "translations") =>
    db.sql.listen(channel, (payload) => {
      try {
        const { spaceId, documentId } = JSON.parse(payload) as { spaceId: string; documentId: string };
        for (const s of bySpace.get(spaceId) ?? []) s.send({ type, documentId });
      } catch (error) {
        log.warn({ err: error }, `events: could not relay a document's ${type} change`);
      }
    });
  const approvals = await documentEvents(APPROVAL_CHANNEL, "approval");
  const comments = await documentEvents(COMMENTS_CHANNEL, "comments");
  // A source's or translation's blocks changed, or a translated block was reviewed: its translations panel reloads.
  const translations = await documentEvents(TRANSLATIONS_CHANNEL, "translations");

  // Only to the recipients' streams (any of theirs: each sends their own count): who was told what is nobody else's business.
  const inbox = await db.sql.listen(INBOX_CHANNEL, (payload) => {
    const announcement = parseInboxAnnouncement(payload);
    if (!announcement) return log.warn("events: inbox announcement not understood");
    const recipients = new Set(announcement.userIds);
    for (const userId of recipients) tell(userId);
    // Invitations waiting for a tenant: its admins, found on the system path (only when any stream is open).
    if (announcement.adminsOf.length && ofUser.size) {
      void adminsOfTenants(db.system, announcement.adminsOf)
        .then((admins) => {
          for (const userId of admins) if (!recipients.has(userId)) tell(userId);
        })
        .catch((error: unknown) => log.warn({ err: error }, "events: could not relay an invitation change"));
    }
  });

  return {
    subscribe(subscriber) {
      const slot = caps.take({ user: subscriber.user.id, address: subscriber.address });
      if ("refused" in slot) {
        log.warn({ cap: slot.refused, userId: subscriber.user.id, address: subscriber.address }, `events: stream refused, too many per ${slot.refused}`);
        return null;
      }
      const [map, key] = subscriber.spaceId === null ? [byUser, subscriber.user.id] : [bySpace, subscriber.spaceId];
      const set = map.get(key) ?? new Set();
      set.add(subscriber);
      map.set(key, set);
      const mine = ofUser.get(subscriber.user.id) ?? new Set();
      mine.add(subscriber);
      ofUser.set(subscriber.user.id, mine);
      return () => {
        slot.release();
        set.delete(subscriber);
        if (!set.size) map.delete(key);
        mine.delete(subscriber);
        if (!mine.size) ofUser.delete(subscriber.user.id);
      };
    },
    full(userId, address) {
      const cap = caps.count("user", userId) >= limits.perUser ? "user" : caps.count("address", address) >= limits.perAddress ? "address" : null;
      if (cap) log.warn({ cap, userId, address }, `events: stream refused, too many per ${cap}`);
      return cap !== null;
    },
    subscribers: () => [...bySpace.values(), ...byUser.values()].flatMap((set) => [...set]),
    revoke(subscriber, reason) {
      subscriber.send({ type: "access", reason });
      subscriber.close();
    },
    async close() {
      for (const set of [...bySpace.values(), ...byUser.values()]) for (const s of [...set]) s.close();
      bySpace.clear();
      byUser.clear();
      ofUser.clear();
      await Promise.all([boards.unlisten(), approvals.unlisten(), comments.unlisten(), translations.unlisten(), inbox.unlisten()]);
    },
    size: () => [...bySpace.values(), ...byUser.values()].reduce((n, set) => n + set.size, 0),
  };
}
