import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import type { Logger } from "pino";
import { webhookSignatureHeaders } from "@twinning/auth";
import { claimDeliveries, nextDeliveryDue, recordAttempt, WEBHOOK_CHANNEL, type ClaimedDelivery, type Database } from "@twinning/db";
import { LIMITS } from "@twinning/domain";

/**
 * Sends the queued webhook deliveries (migration 00018, packages/db/src/webhooks.ts). One LISTEN on
 * `WEBHOOK_CHANNEL` wakes it when a change commits; a timer wakes it when the next retry is due (and
 * at least once a minute, in case a notification was missed); on start it sweeps what a previous
 * process left pending. Deliveries are claimed on the system path with `for update skip locked` and
 * held while they are sent, so several instances share the queue, and one held by a process that died
 * comes back once its hold has passed (at-least-once: the receiver may then see the same
 * `webhook-id` twice, and should treat it as one delivery).
 *
 * Each attempt is a `POST` of the stored body with the Standard Webhooks headers (the same
 * `webhook-id`, the delivery's, on every retry), a timeout, no redirects followed, and never to a
 * private, loopback or link-local address unless `allowPrivateAddresses` — checked on the address
 * actually connected to, so a name that resolves elsewhere later cannot slip past. A 2xx answer
 * delivers it; anything else is retried after `retryDelaysMs[attempts - 1]` (plus up to 10 % jitter),
 * and it has failed after the last.
 */

export interface WebhookWorkerOptions {
  db: Database;
  log: Logger;
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  concurrency?: number;
  allowPrivateAddresses?: boolean;
}

export interface WebhookWorker {
  /** Looks for due deliveries now. */
  kick(): void;
  stats(): { inFlight: number; attempts: number; delivered: number; retried: number; failed: number };
  /** Stops claiming, waits for the attempts in flight to be recorded. */
  close(): Promise<void>;
}

/** What one attempt came to. */
export interface AttemptOutcome {
  ok: boolean;
  status: number | null;
  body: string | null;
  error: string | null;
  /** False for an answer no retry can change (an address we refuse to connect to). */
  retry: boolean;
}

const RESPONSE_BODY_BYTES = 2048;
/** The most the worker sleeps: a missed notification (a lost LISTEN connection) costs at most this. */
const SWEEP_MS = 60_000;

export async function createWebhookWorker(options: WebhookWorkerOptions): Promise<WebhookWorker> {
  const { db, log } = options;
  const retryDelaysMs = options.retryDelaysMs ?? LIMITS.webhookRetryDelaysMs;
  const timeoutMs = options.timeoutMs ?? LIMITS.webhookTimeoutMs;
  const concurrency = options.concurrency ?? LIMITS.webhookConcurrency;
  const allowPrivate = options.allowPrivateAddresses ?? false;
  // Held a while past the attempt's own timeout, for recording it; a crash only delays the row this long.
  const holdSeconds = Math.ceil(timeoutMs / 1000) + 15;
  const counters = { attempts: 0, delivered: 0, retried: 0, failed: 0 };
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let claiming: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let failures = 0;

  function kick(): void {
    if (closed) return;
    if (claiming) {
      again = true;
      return;
    }
    claiming = (async () => {
      try {
        do {
          again = false;
          await claimWhatFits();
          // A kick while the next wake-up is worked out (a change committed, an attempt recorded) may
          // not be in what that read saw: it would be lost until the row's hold or the sweep. Go round.
          if (!again) await schedule();
        } while (again && !closed);
        failures = 0;
      } catch (error) {
        // The database is away: try again later; nothing is lost, the rows stay pending.
        const wait = Math.min(1_000 * 2 ** failures++, 30_000);
        log.warn({ err: error, retryInMs: wait }, "webhooks: could not claim deliveries; trying again");
        setTimer(wait);
      } finally {
        claiming = null;
      }
    })();
  }

  async function claimWhatFits(): Promise<void> {
    while (!closed && inFlight.size < concurrency) {
      const claimed = await claimDeliveries(db.system, { limit: concurrency - inFlight.size, holdSeconds });
      for (const delivery of claimed) {
        const running: Promise<void> = attempt(delivery).finally(() => {
          inFlight.delete(running);
          // A slot is free: there may be more waiting.
          kick();
        });
        inFlight.add(running);
      }
      if (claimed.length === 0) return;
    }
  }

  /** Sleeps until the next delivery is due (or the sweep), unless attempts in flight will kick again. */
  async function schedule(): Promise<void> {
    if (closed) return;
    const due = await nextDeliveryDue(db.system);
    setTimer(due === null ? SWEEP_MS : Math.min(Math.max(due.getTime() - Date.now(), 10), SWEEP_MS));
  }

  function setTimer(ms: number): void {
    if (timer) clearTimeout(timer);
    if (closed) return;
    timer = setTimeout(() => {
      timer = null;
      kick();
    }, ms);
    timer.unref();
  }

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    counters.attempts++;
    const outcome = await send(delivery, { timeoutMs, allowPrivate });
    const delay = retryDelaysMs[delivery.attempts - 1];
    const retryInMs = outcome.ok || !outcome.retry || delay === undefined ? null : Math.round(delay * (1 + Math.random() * 0.1));
    if (outcome.ok) counters.delivered++;
    else if (retryInMs === null) counters.failed++;
    else counters.retried++;
    try {
      await recordAttempt(db.system, { id: delivery.id, ok: outcome.ok, status: outcome.status, body: outcome.body, error: outcome.error, retryInMs });
    } catch (error) {
      // Not recorded: the row comes back when its hold has passed and is tried again.
      log.warn({ err: error, deliveryId: delivery.id }, "webhooks: could not record an attempt");
    }
    const logged = { deliveryId: delivery.id, event: delivery.event, attempt: delivery.attempts, status: outcome.status, error: outcome.error };
    if (outcome.ok) log.debug(logged, "webhooks: delivered");
    else log.info({ ...logged, retryInMs }, retryInMs === null ? "webhooks: delivery failed" : "webhooks: attempt failed; retrying");
  }

  const listener = await db.sql.listen(WEBHOOK_CHANNEL, () => kick(), kick);
  // The sweep on start: what a previous process left pending is due now (or at its retry).
  kick();

  return {
    kick,
    stats: () => ({ inFlight: inFlight.size, ...counters }),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await listener.unlisten().catch(() => {});
      await claiming;
      await Promise.all(inFlight);
    },
  };
}

/** One attempt: `POST` the delivery's body, signed, to its webhook's URL. Never throws. */
export function send(
  delivery: Pick<ClaimedDelivery, "id" | "payload" | "url" | "secret">,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(delivery.url);
    } catch {
      return resolve({ ok: false, status: null, body: null, error: "The webhook's URL cannot be read.", retry: false });
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    // A literal address is connected to without a lookup, so it is checked here; a name, in `lookup`.
    if (!options.allowPrivate && isIP(host) && !isPublicAddress(host)) {
      return resolve(refusedAddress(host));
    }
    let settled = false;
    let refused: string | null = null;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const body = Buffer.from(delivery.payload);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(url, {
      method: "POST",
      hostname: host,
      agent: false,
      lookup: options.allowPrivate
        ? undefined
        : guardedLookup((address) => {
            refused = address;
          }),
      headers: {
        "Content-Type": "application/json",
        "Content-Length": String(body.length),
        "User-Agent": "Twinning-Webhooks/1",
        ...webhookSignatureHeaders(delivery.secret, { id: delivery.id, body: delivery.payload }),
      },
    });
    let response: { status: number; chunks: Buffer[]; bytes: number } | null = null;
    const answered = () =>
      finish({
        ok: response!.status >= 200 && response!.status < 300,
        status: response!.status,
        body: readable(Buffer.concat(response!.chunks).subarray(0, RESPONSE_BODY_BYTES)),
        error: null,
        retry: true,
      });
    // One deadline for the whole attempt: connecting, the answer's status and its first 2 KB.
    const timer = setTimeout(() => {
      if (response) answered();
      else finish({ ok: false, status: null, body: null, error: `No answer within ${options.timeoutMs} ms.`, retry: true });
    }, options.timeoutMs);
    req.on("response", (res: IncomingMessage) => {
      response = { status: res.statusCode ?? 0, chunks: [], bytes: 0 };
      res.on("data", (chunk: Buffer) => {
        response!.chunks.push(chunk);
        response!.bytes += chunk.length;
        if (response!.bytes >= RESPONSE_BODY_BYTES) answered();
      });
      res.on("end", answered);
      res.on("error", answered);
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (refused !== null) return finish(refusedAddress(refused));
      if (response) return answered();
      finish({ ok: false, status: null, body: null, error: describeError(error), retry: true });
    });
    req.end(body);
  });
}

/**
 * A refused address is not retried: the URL's host is (or resolves to) a private address, which waiting
 * will not change, and retrying would only repeat the refusal for hours. The delivery fails at once with
 * the reason, so its admin sees it now, can fix the URL and deliver it again.
 */
function refusedAddress(address: string): AttemptOutcome {
  return { ok: false, status: null, body: null, error: `Refused: ${address} is a private, loopback or otherwise internal address.`, retry: false };
}

/** Whether an address is on the public internet (not private, loopback, link-local, multicast, reserved…). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

/** A `lookup` for node:net that hands over only public addresses; when none is left it fails, naming the refused one. */
export function guardedLookup(onRefused: (address: string) => void): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const allowed = addresses.filter((a) => isPublicAddress(a.address));
      if (allowed.length === 0) {
        onRefused(addresses[0]?.address ?? hostname);
        const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves only to internal addresses`);
        refusal.code = "EWEBHOOKPRIVATE";
        return callback(refusal, "", 0);
      }
      if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

function describeError(error: NodeJS.ErrnoException): string {
  const code = error.code ? `${error.code}: ` : "";
  return `${code}${error.message}`.slice(0, 500);
}

/** The answer's first bytes as text PostgreSQL can store (no NUL). */
function readable(bytes: Buffer): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/\u0000/g, "\uFFFD");
}
