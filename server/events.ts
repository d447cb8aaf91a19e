import type { Logger } from "pino";
import type { SessionUser } from "@twinning/auth";
import { ACCESS_CHANNEL, asSystem, asUser, BOARD_CHANNEL, cardsByIds, loadActor, loadSpaceFacts, type Database } from "@twinning/db";
import { can } from "@twinning/domain";

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

interface Subscriber {
  user: SessionUser;
  spaceId: string;
  send(event: SpaceEvent): void;
  close(): void;
}

export interface EventHub {
  /** Starts a subscription for a user already authorised for the space; returns its end. */
  subscribe(subscriber: Subscriber): () => void;
  close(): Promise<void>;
  /** Open subscriptions (for tests and stats). */
  size(): number;
}

/**
 * Fans PostgreSQL notifications out to the event streams of this instance. Changes are written by
 * Remix actions and published with NOTIFY on commit, so every instance hears every change; a space's
 * events go only to that space's subscribers. When access to a space changes, each of its subscribers
 * is checked again with the permission policy and closed if it lost access.
 */
export async function createEventHub(db: Database, log: Logger): Promise<EventHub> {
  const bySpace = new Map<string, Set<Subscriber>>();

  async function mayStillView(s: Subscriber): Promise<boolean> {
    return asUser(db.sql, s.user.id, async (tx) => {
      const facts = await loadSpaceFacts(tx, s.spaceId);
      return Boolean(facts && can(await loadActor(tx, s.user.id), "space.view", { type: "space", space: facts }));
    }).catch(() => false);
  }

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
  const access = await db.sql.listen(ACCESS_CHANNEL, (payload) => {
    try {
      const { spaceId } = JSON.parse(payload) as { spaceId: string };
      for (const s of [...(bySpace.get(spaceId) ?? [])]) {
        void mayStillView(s).then((ok) => {
          if (!ok) s.close();
        });
      }
    } catch (error) {
      log.warn({ err: error }, "events: bad access notification");
    }
  });

  return {
    subscribe(subscriber) {
      const set = bySpace.get(subscriber.spaceId) ?? new Set();
      set.add(subscriber);
      bySpace.set(subscriber.spaceId, set);
      return () => {
        set.delete(subscriber);
        if (!set.size) bySpace.delete(subscriber.spaceId);
      };
    },
    async close() {
      for (const set of bySpace.values()) for (const s of set) s.close();
      bySpace.clear();
      await Promise.all([boards.unlisten(), access.unlisten()]);
    },
    size: () => [...bySpace.values()].reduce((n, set) => n + set.size, 0),
  };
}
