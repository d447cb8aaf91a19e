import type { RawData, WebSocket } from "ws";
import { CloseCodes, type CloseCode } from "./close-codes";
import type { ExtraMessage } from "./extra-messages";
import type { AwarenessUser, CollabIdentity, CollabLimits, CollabLog } from "./options";
import { TokenBucket } from "./token-bucket";

/**
 * One client socket on one document. Owns the defences that need no document (size, text frames,
 * byte rate, queueing while the document loads) and hands every accepted frame, in order, to the
 * handler `attach` installs.
 */
export class Connection {
  /** A copy of the caller's identity; `readOnly` follows `setReadOnly`. */
  readonly identity: CollabIdentity;
  closed = false;
  /** Answered the last ping. */
  alive = true;
  /** Awareness client ids this connection controls. */
  readonly awarenessClients = new Set<number>();
  /** Document-changing frames committed or found empty (the `acknowledged` of saved messages). */
  updatesAcknowledged = 0;
  /**
   * The sync exchange: whether the client sent its sync step 1 (a stock client does on opening), and
   * how many of our sync step 1s it has not answered with a step 2 yet. Between the two, an update
   * may depend on edits the client has not sent yet (see `Room.screen`).
   */
  sentStep1 = false;
  step2Awaited = 0;
  /** Updates dropped before the client's step 2 (their content comes with it): frames and bytes, and frames not yet acknowledged. */
  earlyDropped = 0;
  earlyDroppedBytes = 0;
  earlyUnacknowledged = 0;
  /** Which of our messages beyond the y-websocket protocol the client asked for (a stock client: none). */
  wants: ReadonlySet<ExtraMessage> = new Set();
  /** What this connection's awareness states carry as `user`. */
  /** What this connection's presence shows; its colour may be changed by the room (see `presenceColors`). */
  readonly user: AwarenessUser;
  /** Presence changes of this connection's user, shared with their other connections (set by the server). */
  presenceBucket: TokenBucket | null = null;
  private handler: ((frame: Uint8Array) => void) | null = null;
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private readonly messageBucket: TokenBucket;
  private readonly byteBucket: TokenBucket;
  private readonly closeListeners: ((connection: Connection) => void)[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly documentId: string,
    identity: CollabIdentity,
    private readonly limits: CollabLimits,
    private readonly log: CollabLog,
  ) {
    this.identity = { ...identity };
    this.user = { userId: identity.userId, name: identity.name, tenantName: identity.tenantName, color: identity.color };
    this.messageBucket = new TokenBucket(limits.rateMessages, limits.rateWindowMs);
    this.byteBucket = new TokenBucket(limits.rateBytes, limits.rateWindowMs);
    ws.binaryType = "nodebuffer";
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("close", () => this.closed || this.finish());
    // Without a listener, ws's 'error' would crash the process. ws closes the socket itself (1009 when
    // maxPayload is exceeded, 1002 for protocol errors).
    ws.on("error", (error: Error & { code?: string }) =>
      this.log.warn({ documentId, userId: identity.userId, wsError: error.code, detail: error.message }, "collab: socket error"),
    );
    ws.on("pong", () => (this.alive = true));
  }

  /** Updates from a read-only connection are dropped. */
  get readOnly(): boolean {
    return this.identity.readOnly;
  }

  set readOnly(readOnly: boolean) {
    this.identity.readOnly = readOnly;
  }

  /** Called once when the connection ends, however it ends. */
  onClose(listener: (connection: Connection) => void): void {
    this.closeListeners.push(listener);
  }

  /** Starts delivering frames to `handler`: first those queued while the document loaded. */
  attach(handler: (frame: Uint8Array) => void): void {
    const queued = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    for (const frame of queued) {
      if (this.closed) return;
      handler(frame);
    }
    if (!this.closed) this.handler = handler;
  }

  /** Charges one message to the rate limit; closes the connection and returns false when over it. */
  charge(): boolean {
    if (this.messageBucket.take(1)) return true;
    this.close(CloseCodes.RateLimited, "too many messages");
    return false;
  }

  /**
   * Charges one presence change: a message of this connection and a change of its user, whose other
   * connections share that budget. Closes the connection and returns false when over either.
   */
  chargePresence(): boolean {
    if (!this.charge()) return false;
    if (!this.presenceBucket || this.presenceBucket.take(1)) return true;
    this.close(CloseCodes.RateLimited, "too many presence changes from this user");
    return false;
  }

  /** Sends when open; a client that does not keep up is closed rather than buffered for without bound. */
  send(frame: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(CloseCodes.Overloaded, "client does not keep up");
      return;
    }
    this.ws.send(frame);
  }

  /**
   * Sends `frame` and resolves once it is handed to the socket (so the event loop may be blocked
   * without holding it back), or after `timeoutMs` for a client that reads slowly.
   */
  sendFlushed(frame: Uint8Array, timeoutMs: number): Promise<void> {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.ws.send(frame, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Takes the first frame queued while the document loads when it is a sync step 1 asking for the
   * whole document (an empty state vector: a client without a copy), counting it as received, for
   * the caller to answer. False, and nothing taken, otherwise.
   */
  takeQueuedFreshStep1(): boolean {
    const [first] = this.queue;
    if (this.closed || this.handler || !first || !isFreshStep1(first) || !this.charge()) return false;
    this.queue.shift();
    this.queuedBytes -= first.length;
    this.sentStep1 = true;
    return true;
  }

  /** Sends one of our own messages (`frame`, of kind `kind`), only if the client asked for that kind. */
  sendExtra(kind: ExtraMessage, frame: Uint8Array): void {
    if (this.wants.has(kind)) this.send(frame);
  }

  /** Closes with a named code, logging why; idempotent. */
  close(close: CloseCode, detail?: string): void {
    if (this.closed) return;
    const fields = { documentId: this.documentId, userId: this.identity.userId, code: close.code, reason: close.reason, detail };
    if (close === CloseCodes.ShuttingDown) this.log.debug(fields, "collab: closing connection");
    else this.log.warn(fields, "collab: closing connection");
    try {
      this.ws.close(close.code, close.reason);
    } catch (error) {
      this.ws.terminate();
      this.log.debug({ documentId: this.documentId, err: error }, "collab: close failed, terminated");
    }
    this.finish();
  }

  /**
   * Graceful shutdown's close: sends the close frame but goes on handling what the client sent before
   * it saw that frame — TCP keeps the order, so all of it arrives before the client's own close frame —
   * until the closing handshake completes, or `timeoutMs` passes (then the socket is cut). Resolves
   * once the connection is finished.
   */
  drain(close: CloseCode, timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.log.debug({ documentId: this.documentId, userId: this.identity.userId, code: close.code, reason: close.reason }, "collab: closing connection, reading what the client still sends");
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (!this.closed) this.finish();
        resolve();
      };
      const timer = setTimeout(() => {
        this.ws.terminate();
        done();
      }, timeoutMs);
      this.ws.once("close", done);
      try {
        this.ws.close(close.code, close.reason);
      } catch {
        this.ws.terminate();
        done();
      }
    });
  }

  /** Drops a peer that stopped answering pings, without a closing handshake. */
  terminate(): void {
    if (this.closed) return;
    this.log.info({ documentId: this.documentId, userId: this.identity.userId, code: CloseCodes.Timeout.code }, "collab: connection timed out");
    this.ws.terminate();
    this.finish();
  }

  private finish(): void {
    this.closed = true;
    this.handler = null;
    this.queue = [];
    for (const listener of this.closeListeners.splice(0)) listener(this);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
    if (size > this.limits.maxMessageBytes) return this.close(CloseCodes.MessageTooBig, `${size} bytes`);
    if (!this.byteBucket.take(size)) return this.close(CloseCodes.RateLimited, "too many bytes");
    if (!isBinary) return this.close(CloseCodes.Malformed, "text frame");
    const frame = copyFrame(data);
    if (this.handler) return this.handler(frame);
    this.queuedBytes += frame.length;
    this.queue.push(frame);
    if (this.queue.length > this.limits.maxQueuedMessages || this.queuedBytes > this.limits.maxQueuedBytes) {
      this.close(CloseCodes.Overloaded, "too much sent before the document loaded");
    }
  }
}

/** `[sync, step 1, state vector of no clients]`: what a client without a copy of the document sends first. */
const FRESH_STEP1 = [0, 0, 1, 0];
function isFreshStep1(frame: Uint8Array): boolean {
  return frame.length === FRESH_STEP1.length && FRESH_STEP1.every((b, i) => frame[i] === b);
}

/** An exact copy: ws may hand out views of a shared pool, and decoders must never see past the frame. */
function copyFrame(data: RawData): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (!Array.isArray(data)) return new Uint8Array(data);
  const out = new Uint8Array(data.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const part of data) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
