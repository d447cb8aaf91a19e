import { LIMITS } from "@twinning/domain";

/** Runtime settings, all from the environment, read once. */
export interface Config {
  port: number;
  host: string;
  production: boolean;
  dev: boolean;
  databaseUrl?: string;
  /** How the app connects as the non-owner role; default: DATABASE_URL with twinning_app. */
  databaseAppUrl?: string;
  appDbPassword?: string;
  dataDir: string;
  embeddedPort: number;
  /** Load the demo world on first start (only ever with the embedded database). */
  demo: boolean;
  smtpUrl?: string;
  mailFrom: string;
  /** Set when served over HTTPS (cookies get Secure and the __Host- prefix). */
  secureCookies: boolean;
  /** PUBLIC_URL is https: responses carry Strict-Transport-Security. */
  hsts: boolean;
  /** Public origin(s) accepted for state-changing requests, besides the request's own host. */
  allowedOrigins: string[];
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  logLevel: string;
  trustProxy: boolean;
  /** Open `/collab` sockets and event streams allowed per user, client address and document (past them: 429). */
  caps: {
    sockets: { perUser: number; perAddress: number; perDocument: number };
    streams: { perUser: number; perAddress: number };
  };
  /** Worker threads that render exports (EXPORT_WORKERS, default 1). */
  exportWorkers?: number;
  /** Requests one API token may make per minute (API_REQUESTS_PER_MINUTE). */
  apiRequestsPerMinute: number;
  /** Webhook deliveries (server/webhook-worker.ts). */
  webhooks: {
    /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES=1: deliver to loopback, private and link-local addresses too (tests, a closed network). */
    allowPrivateAddresses: boolean;
    /** WEBHOOK_RETRY_DELAYS_MS (comma list): the waits before each retry; past the last, a delivery has failed. */
    retryDelaysMs: readonly number[];
    /** WEBHOOK_TIMEOUT_MS: how long one attempt may take. */
    timeoutMs: number;
  };
  /** Collaboration delays (tests shorten them). */
  collabTiming?: { unloadGraceMs?: number; deriveDebounceMs?: number; quietMs?: number };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): Config {
  const production = env.NODE_ENV === "production";
  const publicUrl = env.PUBLIC_URL;
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? "0.0.0.0",
    production,
    dev: argv.includes("--dev"),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseAppUrl: env.DATABASE_APP_URL || undefined,
    appDbPassword: env.APP_DB_PASSWORD || undefined,
    dataDir: env.DATA_DIR ?? ".data/postgres",
    embeddedPort: Number(env.EMBEDDED_PG_PORT ?? 54329),
    demo: env.DEMO !== "off",
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? "Twinning <no-reply@twinning.test>",
    secureCookies: production && (publicUrl?.startsWith("https://") ?? false),
    hsts: publicUrl?.startsWith("https://") ?? false,
    allowedOrigins: publicUrl ? [new URL(publicUrl).origin] : [],
    sessionIdleMinutes: Number(env.SESSION_IDLE_MINUTES ?? 8 * 60),
    sessionAbsoluteHours: Number(env.SESSION_ABSOLUTE_HOURS ?? 7 * 24),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "warn" : "info"),
    trustProxy: env.TRUST_PROXY === "1",
    caps: {
      sockets: {
        perUser: Number(env.MAX_SOCKETS_PER_USER ?? LIMITS.collabSocketsPerUser),
        perAddress: Number(env.MAX_SOCKETS_PER_ADDRESS ?? LIMITS.collabSocketsPerAddress),
        perDocument: Number(env.MAX_SOCKETS_PER_DOCUMENT ?? LIMITS.collabSocketsPerDocument),
      },
      streams: {
        perUser: Number(env.MAX_STREAMS_PER_USER ?? LIMITS.eventStreamsPerUser),
        perAddress: Number(env.MAX_STREAMS_PER_ADDRESS ?? LIMITS.eventStreamsPerAddress),
      },
    },
    exportWorkers: Number(env.EXPORT_WORKERS ?? 1),
    apiRequestsPerMinute: Number(env.API_REQUESTS_PER_MINUTE ?? LIMITS.apiRequestsPerWindow),
    webhooks: {
      allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES === "1",
      retryDelaysMs: env.WEBHOOK_RETRY_DELAYS_MS ? millisecondsList("WEBHOOK_RETRY_DELAYS_MS", env.WEBHOOK_RETRY_DELAYS_MS) : LIMITS.webhookRetryDelaysMs,
      timeoutMs: Number(env.WEBHOOK_TIMEOUT_MS ?? LIMITS.webhookTimeoutMs),
    },
    collabTiming: {
      ...(env.COLLAB_UNLOAD_GRACE_MS ? { unloadGraceMs: Number(env.COLLAB_UNLOAD_GRACE_MS) } : {}),
      ...(env.COLLAB_DERIVE_DEBOUNCE_MS ? { deriveDebounceMs: Number(env.COLLAB_DERIVE_DEBOUNCE_MS) } : {}),
      // How long a document stays quiet after changes before a version is kept automatically.
      ...(env.COLLAB_VERSION_QUIET_MS ? { quietMs: Number(env.COLLAB_VERSION_QUIET_MS) } : {}),
    },
  };
}

/** A comma list of milliseconds (`"200,400"`); anything else stops the start with a sentence. */
function millisecondsList(name: string, value: string): number[] {
  const list = value.split(",").map((part) => Number(part.trim()));
  if (!list.every((ms) => Number.isFinite(ms) && ms >= 0)) throw new Error(`${name} must be a comma-separated list of milliseconds, such as 10000,30000,120000.`);
  return list;
}
