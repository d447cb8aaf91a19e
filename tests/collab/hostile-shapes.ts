import * as encoding from "lib0/encoding";
import * as Y from "yjs";

/**
 * Hand-encoded Yjs updates (V1, as y-websocket sends them) of the shapes that hurt a server: pending
 * structs, insertions many clients claim at one spot, deep nesting, huge deletes, and the decoder
 * bombs of yjs issues #498 (zero-length / truncated input) and #687 (counts decoupled from size).
 */

interface Run {
  client: number;
  clock: number;
  count: number;
  /** Origin of every item, or "chain": each item after the previous one of its run. */
  origin: [number, number] | "chain";
  /** Origin of the first item of a chain. */
  first?: [number, number];
}

/** Runs of one-character string items ("a") with the given origins; no deletions. */
export function itemsUpdate(runs: Run[], deletes: { client: number; clock: number; len: number }[] = []): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, runs.length);
  for (const run of runs) {
    encoding.writeVarUint(e, run.count);
    encoding.writeVarUint(e, run.client);
    encoding.writeVarUint(e, run.clock);
    for (let i = 0; i < run.count; i++) {
      const origin = run.origin === "chain" ? (i === 0 ? run.first! : [run.client, run.clock + i - 1]) : run.origin;
      encoding.writeUint8(e, 0x80 | 4); // has an origin; string content
      encoding.writeVarUint(e, origin[0]);
      encoding.writeVarUint(e, origin[1]);
      encoding.writeVarString(e, "a");
    }
  }
  encoding.writeVarUint(e, deletes.length);
  for (const d of deletes) {
    encoding.writeVarUint(e, d.client);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, d.clock);
    encoding.writeVarUint(e, d.len);
  }
  return encoding.toUint8Array(e);
}

/** A text "X" in root `name`, by client `client`: the spot the other shapes aim at. */
export function anchorUpdate(client: number, name = "body"): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 0);
  encoding.writeUint8(e, 4); // no origins: parent info follows
  encoding.writeVarUint(e, 1); // parent is a root type, by name
  encoding.writeVarString(e, name);
  encoding.writeVarString(e, "X");
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
}

/** The second of two updates of one editing session, without the first: every struct is pending. */
export function pendingUpdate(seed: number, size = 2_000): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = 1_000_000 + seed;
  const text = doc.getText("body");
  text.insert(0, "first ");
  const before = Y.encodeStateVector(doc);
  for (let i = 0; i < size / 20; i++) text.insert((i * 7) % text.length, `pending ${seed} ${i} `);
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  return update;
}

/** `depth` nested XML elements in root `name`, as one update (8,000 blockquotes: 168 KB). */
export function deepUpdate(depth: number, name = "body"): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(name);
    for (let i = 0; i < depth; i++) {
      const quote = new Y.XmlElement("blockquote");
      parent.insert(0, [quote]);
      parent = quote;
    }
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** yjs #687 in V1: a client group that declares `count` structs and holds a handful of bytes. */
export function declaredCountBomb(count: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, count);
  encoding.writeVarUint(e, 7);
  encoding.writeVarUint(e, 0);
  encoding.writeUint8(e, 0); // a GC struct…
  encoding.writeVarUint(e, 1); // …of length 1, then nothing
  return encoding.toUint8Array(e);
}

/** A struct of `length` deleted clocks (ContentDeleted: a few bytes for any length). */
export function hugeDeletedRun(client: number, length: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 0);
  encoding.writeUint8(e, 1); // ContentDeleted, no origins
  encoding.writeVarUint(e, 1);
  encoding.writeVarString(e, "body");
  encoding.writeVarUint(e, length);
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
}
