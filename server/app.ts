import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { createAuth, type Auth } from "@twinning/auth";
import type { CollabServer } from "@twinning/collab";
import { asUser, openDatabase, type Database, type TransactionSql } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { isEmpty, loadDemoWorld } from "@twinning/demo-world";
import { createExporter } from "@twinning/export/pool";
import { createI18n, negotiateLocale } from "@twinning/i18n";
import type { Config } from "./config";
import type { AppContext } from "./context";
import { createApiAuth, isApiPath } from "./api-auth";
import { refuseUnreadableUrls } from "./bad-input";
import { clientAddress } from "./caps";
import { originCheck, type OriginRules } from "./csrf";
import { errorPage } from "./error-page";
import { createAccessWatcher, type AccessWatcher } from "./access-watcher";
import { mountCollab } from "./collab";
import type { CollabFanout } from "./collab-fanout";
import { createEventHub, type EventHub } from "./events";
import { FairGate } from "./fair-gate";
import { createHttpServer } from "./http-server";
import { createLocaleCookie } from "./locale-cookie";
import { createLogger } from "./logger";
import { createMailer } from "./mailer";
import { gateRequests } from "./request-gate";
import { securityHeaders } from "./security-headers";
import { routeUpgrades } from "./upgrades";
import { createWebhookWorker, type WebhookWorker } from "./webhook-worker";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface RunningApp {
  url: string;
  server: Server;
  db: Database;
  collab: CollabServer;
  /** Documents' updates and presence to and from other instances on the same database. */
  fanout: CollabFanout;
  events: EventHub;
  /** Re-checks open sockets and streams when access changes. */
  access: AccessWatcher;
  /** Sends the queued webhook deliveries. */
  webhooks: WebhookWorker;
  auth: Auth;
  log: Logger;
  /** Graceful stop: no new connections, finish requests, close the pool, stop the embedded database. */
  close(): Promise<void>;
}

/** Starts Twinning: database (embedded unless DATABASE_URL), migrations, demo data, HTTP on one port. */
export async function startApp(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningApp> {
  const db = await openDatabase({
    url: config.databaseUrl,
    appUrl: config.databaseAppUrl,
    appPassword: config.appDbPassword,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPort,
    log: (m) => log.debug({ component: "db" }, m),
  });
  if (db.embedded && config.demo && (await isEmpty(db.owner))) {
    await loadDemoWorld(db.owner, (m) => log.info(m));
  }
  // Accounts, sessions and the throttle: the system path (a session is found from its cookie before any user is known).
  const auth = createAuth(db.system, {
    secure: config.secureCookies,
    idleTimeoutMs: config.sessionIdleMinutes * 60_000,
    absoluteTimeoutMs: config.sessionAbsoluteHours * 3_600_000,
  });
  const mailer = createMailer(config.smtpUrl, config.mailFrom);
  const localeCookie = createLocaleCookie(config.secureCookies);
  // Exports render off the event loop; the first one starts the worker.
  const exporter = createExporter({ workers: config.exportWorkers });

  const app = express();
  app.disable("x-powered-by");
  app.use(securityHeaders({ dev: config.dev, hsts: config.hsts }));
  // One proxy in front: the client address is the last X-Forwarded-For entry, the one our proxy added
  // (trusting every hop would let a client choose its address, and so its log-in throttle).
  if (config.trustProxy) app.set("trust proxy", 1);
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url?.startsWith("/assets/") ?? false },
    }),
  );
  app.get("/healthz", async (_req, res) => {
    try {
      await db.sql`select 1`;
      res.json({ status: "ok" });
    } catch (error) {
      log.error({ err: error }, "health check failed");
      res.status(503).json({ status: "unavailable" });
    }
  });

  const httpServer = createHttpServer(app);
  let build: ServerBuild | (() => Promise<ServerBuild>);
  let closeVite = async () => {};
  if (config.dev) {
    const vite = await import("vite").then((v) =>
      v.createServer({ root, server: { middlewareMode: true, hmr: { server: httpServer } } }),
    );
    app.use(vite.middlewares);
    build = () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => vite.close();
  } else {
    app.use("/assets", express.static(`${root}/build/client/assets`, { immutable: true, maxAge: "1y" }));
    app.use(express.static(`${root}/build/client`, { maxAge: "1h" }));
    build = (await import(`${root}/build/server/index.js`)) as ServerBuild;
  }

  // Event streams wait their turn, per address, before their session is even looked up (/collab
  // upgrades likewise, in server/collab.ts).
  const streamChecks = new FairGate(LIMITS.connectionChecksAtOnce);
  app.use(/^\/s\/[^/]+\/events\/?$/, gateRequests(streamChecks, (req) => clientAddress(req, config.trustProxy)));

  // Who is asking, in which language: resolved once per request for every loader and action.
  const resolveApiRequest = createApiAuth(db, { perMinute: config.apiRequestsPerMinute });
  app.use(async (req, res, next) => {
    try {
      // The integration API knows bearer tokens only, never the session cookie.
      if (isApiPath(req.path)) {
        res.locals.twinning = await resolveApiRequest(req);
        return next();
      }
      const validated = await auth.validate(req.get("cookie") ?? null);
      if (validated.setCookie) res.append("Set-Cookie", validated.setCookie);
      const locale = validated.user?.locale ?? (await localeCookie.read(req.get("cookie") ?? null)) ?? negotiateLocale(req.get("accept-language"));
      res.locals.twinning = { user: validated.user, sessionId: validated.sessionId, locale };
      next();
    } catch (error) {
      next(error);
    }
  });
  app.use(refuseUnreadableUrls((req) => createI18n(req.res!.locals.twinning.locale).t("errors.badRequest")));
  // One rule for forms and /collab sockets: which origins count as this site.
  const origins: OriginRules = { allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy };
  app.use(originCheck(origins, (req) => createI18n(req.res!.locals.twinning.locale).t("errors.crossOrigin")));

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.production ? "production" : "development",
      getLoadContext: (req, res): AppContext => ({
        sql: db.sql,
        tx: (fn) => inTransaction(db, res.locals.twinning.user?.id ?? null, fn),
        events,
        auth,
        config,
        mailer,
        localeCookie,
        log: req.log,
        requestId: String(req.id),
        cspNonce: res.locals.cspNonce,
        address: clientAddress(req, config.trustProxy),
        responseClosed: closedSignal(res),
        applyServerChange: (documentId, userId, change) => collab.applyServerChange(documentId, userId, change),
        exports: exporter,
        ...res.locals.twinning,
      }),
    }),
  );

  app.use(errorPage);

  const events = await createEventHub(db, log, config.caps.streams);
  const collab = await mountCollab({ db, auth, log, origins, timing: config.collabTiming, caps: config.caps.sockets });
  // Every upgrade is answered: /collab, Vite's hot reload in development, else 404.
  routeUpgrades(httpServer, { routes: { "/collab/": collab.handleUpgrade }, dev: config.dev, deadlineMs: LIMITS.upgradeDeadlineMs, log });
  const access = await createAccessWatcher({ db, log, collab: collab.collab, events, sessionAbsoluteMs: config.sessionAbsoluteHours * 3_600_000 });
  const webhooks = await createWebhookWorker({
    db,
    log,
    retryDelaysMs: config.webhooks.retryDelaysMs,
    timeoutMs: config.webhooks.timeoutMs,
    allowPrivateAddresses: config.webhooks.allowPrivateAddresses,
  });

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  log.info({ url, embeddedDatabase: db.embedded }, "Twinning is listening");

  const sweep = setInterval(() => auth.deleteExpiredSessions().catch(() => {}), 3_600_000);
  sweep.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    server: httpServer,
    db,
    auth,
    log,
    collab: collab.collab,
    fanout: collab.fanout,
    events,
    access,
    webhooks,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        const stopped = new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeIdleConnections();
          // Requests still running after 10 s are cut off rather than holding shutdown forever.
          setTimeout(() => httpServer.closeAllConnections(), 10_000).unref();
        });
        // Sockets upgraded to WebSockets (/collab) still hold httpServer.close, which no longer tracks
        // them (closeAllConnections leaves them open): it waited for them for ever. The collab server
        // closes them (1001: the clients reconnect to another instance) and stores and compacts
        // everything they sent, before the database goes.
        await collab.close();
        await stopped;
        // Event streams end before the database goes.
        await access.close();
        // Attempts in flight are recorded before the pool goes (one not finished in time comes back after its hold).
        await webhooks.close();
        await events.close();
        await closeVite();
        await exporter.close();
        await db.close();
      })();
      return closing;
    },
  };
}

/**
 * One transaction as the user. Actions end with `throw redirect(...)` after their writes: a thrown
 * redirect commits (it is the success path); any other throw rolls back.
 */
async function inTransaction<T>(db: Database, userId: string | null, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  let redirect: Response | undefined;
  const result = await asUser(db.sql, userId, async (tx) => {
    try {
      return await fn(tx);
    } catch (error) {
      if (error instanceof Response && error.status >= 300 && error.status < 400) {
        redirect = error;
        return undefined as T;
      }
      throw error;
    }
  });
  if (redirect) throw redirect;
  return result;
}

/**
 * Aborted once the response can no longer be written (the client left, or it was sent) — already
 * when it closed before Remix was reached. Held by the response itself, unlike a loader's
 * `request.signal`: that follows the adapter's signal through copies of the `Request` (Remix strips
 * search parameters into new ones), each linked to the one before only while it is alive (Node's
 * `Request` holds the link through a WeakRef), so a garbage collection can silence it.
 */
function closedSignal(res: express.Response): AbortSignal {
  const closed = new AbortController();
  if (res.closed) closed.abort();
  else res.once("close", () => closed.abort());
  return closed.signal;
}
