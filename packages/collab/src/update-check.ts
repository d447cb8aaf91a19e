import * as Y from "yjs";

/** What an update may do to a document, checked before it is stored (see {@link checkUpdates}). */
export interface UpdateCheckLimits {
  /** Deepest nesting of shared types below a root (a Tiptap node inside a node inside …). */
  maxContentDepth: number;
  /** Most shared types (nodes) one update may create. */
  maxNewNodes: number;
  /**
   * Budget of Yjs's conflict resolution: items an update's insertions would walk past. Insertions
   * many clients claim at one spot make Yjs quadratic (measured: 180 KB took 91 s of CPU).
   */
  maxIntegrationSteps: number;
  /** Root type names an update may use; undefined: any. */
  allowedRoots?: readonly string[];
}

/** Why an update was refused, for the close code and the log. */
export type UpdateRefusal = { kind: "dependencies" | "shape" | "content"; detail: string };

/** The verdict: refused, or accepted with the number of shared types it creates. */
export type UpdateVerdict = { ok: true; newNodes: number } | ({ ok: false } & UpdateRefusal);

type Struct = Y.Item | Y.GC | Y.Skip;
type Decoded = ReturnType<typeof Y.decodeUpdate>;

class Refused extends Error {
  constructor(
    readonly kind: UpdateRefusal["kind"],
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * Checks decoded updates (applied together, in order) against `doc` without changing it:
 * - every dependency (earlier clocks of a client, origins, parents, deleted ranges) is in the
 *   document or in the updates, reachable the way Yjs integrates them — otherwise Yjs would keep
 *   them as pending structs, re-merged on every later update and stored for good;
 * - the conflict resolution they cause stays within a step budget;
 * - content stays within the nesting depth, new-node count and root names; no sub-documents.
 * Linear in the size of the updates (plus the budgeted walks in the document).
 */
export function checkUpdates(doc: Y.Doc, updates: Decoded[], limits: UpdateCheckLimits): UpdateVerdict {
  try {
    const structs: Struct[] = [];
    for (const u of updates) for (const s of u.structs) structs.push(s as Struct);
    const inUpdate = new UpdateIndex(structs);
    checkIntegrable(doc, inUpdate);
    for (const u of updates) checkDeleteSet(doc, inUpdate, u.ds);
    const newNodes = checkContent(doc, inUpdate, limits);
    checkIntegrationCost(doc, inUpdate, limits.maxIntegrationSteps);
    return { ok: true, newNodes };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, kind: error.kind, detail: error.message };
    return { ok: false, kind: "shape", detail: error instanceof Error ? error.message : String(error) };
  }
}

/** The structs of the updates per client, sorted by clock, to find the one holding an id. */
class UpdateIndex {
  readonly byClient = new Map<number, Struct[]>();

  constructor(readonly structs: Struct[]) {
    for (const s of structs) {
      let list = this.byClient.get(s.id.client);
      if (!list) this.byClient.set(s.id.client, (list = []));
      list.push(s);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  }

  /** The non-skip struct of the updates that holds `id`, if any. */
  find(id: Y.ID): Y.Item | Y.GC | null {
    const list = this.byClient.get(id.client);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid];
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s instanceof Y.Skip ? null : s;
    }
    return null;
  }
}

const docState = (doc: Y.Doc, client: number) => Y.getState(doc.store, client);
const inDoc = (doc: Y.Doc, id: Y.ID) => id.clock < docState(doc, id.client);

/** A decoded (not integrated) item's parent: a root's name, the id of the item holding it, or null (take the origin's). */
function parentOf(item: Y.Item): string | Y.ID | null {
  const parent = item.parent as unknown;
  return typeof parent === "string" || parent instanceof Y.ID ? parent : null;
}

function dependencies(s: Struct): Y.ID[] {
  if (!(s instanceof Y.Item)) return [];
  const deps: Y.ID[] = [];
  if (s.origin) deps.push(s.origin);
  if (s.rightOrigin) deps.push(s.rightOrigin);
  const parent = parentOf(s);
  if (parent instanceof Y.ID) deps.push(parent);
  return deps;
}

/**
 * Simulates Yjs's integration order on clocks alone: a client's structs integrate in clock order,
 * each once every id it refers to is integrated. Anything left over would be pending.
 */
function checkIntegrable(doc: Y.Doc, index: UpdateIndex): void {
  const state = new Map<number, number>();
  const have = (client: number) => state.get(client) ?? docState(doc, client);
  const next = new Map<number, number>();
  const peek = (client: number): Struct | undefined => index.byClient.get(client)?.[next.get(client) ?? 0];
  for (const client of index.byClient.keys()) {
    // Explicit stack (never recursion): a chain of cross-client dependencies can be as long as the update.
    const stack: number[] = [client];
    while (stack.length > 0) {
      const c = stack[stack.length - 1];
      const s = peek(c);
      if (!s) {
        stack.pop();
        continue;
      }
      const clock = have(c);
      if (s instanceof Y.Skip || s.id.clock + s.length <= clock) {
        next.set(c, (next.get(c) ?? 0) + 1);
        if (s instanceof Y.Skip && s.id.clock + s.length > clock) {
          // A gap the document does not fill: what follows it could never integrate.
          const after = index.byClient.get(c)?.[(next.get(c) ?? 0)];
          if (after) throw new Refused("dependencies", `client ${c} skips to clock ${after.id.clock}, the document has ${clock}`);
        }
        if (stack.length > 1) stack.pop();
        continue;
      }
      if (s.id.clock > clock) throw new Refused("dependencies", `client ${c} starts at clock ${s.id.clock}, the document has ${clock}`);
      const missing = dependencies(s).find((d) => d.clock >= have(d.client));
      if (missing) {
        if (missing.client === c || !peek(missing.client) || stack.includes(missing.client)) {
          throw new Refused("dependencies", `${c}:${s.id.clock} refers to ${missing.client}:${missing.clock}, which is missing`);
        }
        stack.push(missing.client);
        continue;
      }
      state.set(c, s.id.clock + s.length);
      next.set(c, (next.get(c) ?? 0) + 1);
      if (stack.length > 1) stack.pop();
    }
  }
}

/** Deleted ranges must lie in what the document and the updates hold (Yjs keeps the rest pending). */
function checkDeleteSet(doc: Y.Doc, index: UpdateIndex, ds: Decoded["ds"]): void {
  for (const [client, ranges] of ds.clients) {
    const list = index.byClient.get(client);
    const last = list?.[list.length - 1];
    const end = Math.max(docState(doc, client), last ? last.id.clock + last.length : 0);
    for (const r of ranges) {
      if (r.clock + r.len > end) throw new Refused("dependencies", `deletes ${client}:${r.clock}+${r.len} beyond clock ${end}`);
    }
  }
}

/** Depth of a shared type in the document (a root is 0), walking up at most `limit` levels. */
function depthInDoc(type: Y.AbstractType<any>, limit: number): number {
  let depth = 0;
  let item = type._item;
  while (item) {
    depth++;
    if (depth > limit) return depth;
    item = (item.parent as Y.AbstractType<any>)._item;
  }
  return depth;
}

/** Nesting depth, node count, roots and content kinds of what the updates create. */
function checkContent(doc: Y.Doc, index: UpdateIndex, limits: UpdateCheckLimits): number {
  const items = index.structs.filter((s): s is Y.Item => s instanceof Y.Item);
  // The depth each update item sits at (children of a root: 1); null: it will be garbage.
  const memo = new Map<Y.Item, number | null>();
  const typeDepth = new Map<Y.AbstractType<any>, number>();
  const docDepth = (type: Y.AbstractType<any>) => {
    let depth = typeDepth.get(type);
    if (depth === undefined) typeDepth.set(type, (depth = depthInDoc(type, limits.maxContentDepth)));
    return depth;
  };
  // Walks up (iteratively) through parents, or origins for siblings, until a known depth.
  const resolve = (start: Y.Item): number | null => {
    const path: { item: Y.Item; offset: number }[] = [];
    let current = start;
    let terminal: number | null;
    for (;;) {
      const known = memo.get(current);
      if (known !== undefined) {
        terminal = known;
        break;
      }
      const parent = parentOf(current);
      if (typeof parent === "string") {
        if (limits.allowedRoots && !limits.allowedRoots.includes(parent)) throw new Refused("content", `root "${parent.slice(0, 40)}" is not allowed`);
        memo.set(current, (terminal = 1));
        break;
      }
      const ref = parent instanceof Y.ID ? parent : (current.origin ?? current.rightOrigin);
      if (!ref) {
        memo.set(current, (terminal = null));
        break;
      }
      if (inDoc(doc, ref)) {
        const holder = Y.getItem(doc.store, ref);
        terminal = null;
        if (holder instanceof Y.Item) {
          if (parent) {
            if (!(holder.content instanceof Y.ContentType)) throw new Refused("shape", "parent is not a shared type");
            terminal = docDepth(holder.content.type) + 1;
          } else if (holder.parent instanceof Y.AbstractType) terminal = docDepth(holder.parent) + 1;
        }
        memo.set(current, terminal);
        break;
      }
      const holder = index.find(ref);
      if (!holder || holder instanceof Y.GC) {
        memo.set(current, (terminal = null));
        break;
      }
      if (parent && !(holder.content instanceof Y.ContentType)) throw new Refused("shape", "parent is not a shared type");
      if (path.length > items.length) throw new Refused("shape", "circular parents");
      path.push({ item: current, offset: parent ? 1 : 0 });
      current = holder;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      if (terminal !== null) terminal += path[i].offset;
      memo.set(path[i].item, terminal);
    }
    return memo.get(start) ?? null;
  };
  let newNodes = 0;
  for (const item of items) {
    if (item.content instanceof Y.ContentDoc) throw new Refused("content", "sub-documents are not allowed");
    const depth = resolve(item);
    if (!(item.content instanceof Y.ContentType)) continue;
    newNodes += 1;
    if (newNodes > limits.maxNewNodes) throw new Refused("content", `more than ${limits.maxNewNodes} new nodes`);
    if (depth !== null && depth > limits.maxContentDepth) throw new Refused("content", `nesting deeper than ${limits.maxContentDepth}`);
  }
  return newNodes;
}

/**
 * Bounds what Yjs's conflict resolution will walk: an insertion scans from its origin (or the start
 * of its parent, or a map key's history) towards its right origin past concurrent insertions. Walks
 * the document the same way, within the budget, and charges an update's own insertions that share
 * a spot with a flat number of steps.
 */
const SHARED_SPOT_STEPS = 1_000;

function checkIntegrationCost(doc: Y.Doc, index: UpdateIndex, budget: number): void {
  let steps = 0;
  const charge = (n: number) => {
    steps += n;
    if (steps > budget) throw new Refused("shape", `conflict resolution over ${budget} steps`);
  };
  // Spots claimed so far: origins by client and clock; starts of parents (and map keys) by name.
  const origins = new Map<number, Set<number>>();
  const starts = new Set<string>();
  const claim = (s: Y.Item, parentRef: string | Y.ID | null): boolean => {
    if (s.origin) {
      let clocks = origins.get(s.origin.client);
      if (!clocks) origins.set(s.origin.client, (clocks = new Set()));
      const had = clocks.has(s.origin.clock);
      clocks.add(s.origin.clock);
      return had;
    }
    const spot = `${typeof parentRef === "string" ? parentRef : parentRef ? `${parentRef.client}:${parentRef.clock}` : "?"}/${s.parentSub ?? ""}`;
    const had = starts.has(spot);
    starts.add(spot);
    return had;
  };
  for (const s of index.structs) {
    if (!(s instanceof Y.Item)) continue;
    const parentRef = parentOf(s);
    // Insertions of the updates at one spot pass each other's subtrees: a flat charge each, which
    // lets a legitimate offline session through and refuses thousands at one spot.
    if (claim(s, parentRef)) charge(SHARED_SPOT_STEPS);
    // A right origin among the updates' own structs is placed by its own scan, which is charged.
    if (s.rightOrigin && !inDoc(doc, s.rightOrigin)) continue;
    const right = s.rightOrigin ? Y.getItem(doc.store, s.rightOrigin) : null;
    let start: Y.Item | null = null;
    if (s.origin) {
      if (!inDoc(doc, s.origin)) continue;
      const origin = Y.getItem(doc.store, s.origin);
      if (!(origin instanceof Y.Item)) continue;
      start = origin.right;
    } else {
      const parent = typeof parentRef === "string" ? doc.share.get(parentRef) : parentRef && inDoc(doc, parentRef) ? Y.getItem(doc.store, parentRef) : null;
      const type = parent instanceof Y.Item ? (parent.content instanceof Y.ContentType ? parent.content.type : null) : (parent ?? null);
      if (!type) continue;
      if (s.parentSub !== null) {
        // A map key set without origin: Yjs walks the key's whole history to its start.
        let o = type._map.get(s.parentSub) ?? null;
        while (o) {
          charge(1);
          o = o.left;
        }
        continue;
      }
      start = type._start;
    }
    for (let o = start; o && o !== right; o = o.right) charge(1);
  }
}

/** Live shared types (nodes) in a document: one pass over its structs, no recursion. */
export function countNodes(doc: Y.Doc): number {
  let count = 0;
  for (const structs of doc.store.clients.values()) {
    for (const s of structs) if (s instanceof Y.Item && !s.deleted && s.content instanceof Y.ContentType) count++;
  }
  return count;
}
