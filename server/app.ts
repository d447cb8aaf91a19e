import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type Request } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { createAuth, type Auth } from "@twinning/auth";
import type { CollabServer } from "@twinning/collab";
import { asUser, openDatabase, type Database, type TransactionSql } from "@twinning/db";
import { isLocale } from "@twinning/domain";
import { isEmpty, loadDemoWorld } from "@twinning/demo-world";
import { createI18n, negotiateLocale } from "@twinning/i18n";
import type { Config } from "./config";
import type { AppContext } from "./context";
import { originCheck } from "./csrf";
import { errorPage } from "./error-page";
import { mountCollab } from "./collab";
import { createEventHub, type EventHub } from "./events";
import { createLogger } from "./logger";
import { createMailer } from "./mailer";

const root = fileURLToPath(new URL("..", import.meta.url));
const LOCALE_COOKIE = "twinning_lng";

export interface RunningApp {
  url: string;
  server: Server;
  db: Database;
  collab: CollabServer;
  events: EventHub;
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
  const auth = createAuth(db.sql, {
    secure: config.secureCookies,
    idleTimeoutMs: config.sessionIdleMinutes * 60_000,
    absoluteTimeoutMs: config.sessionAbsoluteHours * 3_600_000,
  });
  const mailer = createMailer(config.smtpUrl, config.mailFrom);

  const app = express();
  app.disable("x-powered-by");
  if (config.trustProxy) app.set("trust proxy", true);
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

  const httpServer = createServer(app);
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

  // Who is asking, in which language: resolved once per request for every loader and action.
  app.use(async (req, res, next) => {
    try {
      const validated = await auth.validate(req.get("cookie") ?? null);
      if (validated.setCookie) res.append("Set-Cookie", validated.setCookie);
      const cookieLocale = /(?:^|;\s*)twinning_lng=([^;]+)/.exec(req.get("cookie") ?? "")?.[1];
      const locale =
        validated.user?.locale ?? (isLocale(decodeURIComponent(cookieLocale ?? "")) ? (decodeURIComponent(cookieLocale!) as never) : negotiateLocale(req.get("accept-language")));
      res.locals.twinning = { user: validated.user, sessionId: validated.sessionId, locale };
      next();
    } catch (error) {
      next(error);
    }
  });
  app.use(originCheck(config.allowedOrigins, (req) => createI18n(req.res!.locals.twinning.locale).t("errors.crossOrigin")));

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
        log: req.log,
        requestId: String(req.id),
        address: clientAddress(req),
        ...res.locals.twinning,
      }),
    }),
  );

  app.use(errorPage);

  const events = await createEventHub(db, log);
  const collab = await mountCollab({ httpServer, db, auth, log, allowedOrigins: config.allowedOrigins, timing: config.collabTiming });

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
    events,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeIdleConnections();
          // Requests still running after 10 s are cut off rather than holding shutdown forever.
          setTimeout(() => httpServer.closeAllConnections(), 10_000).unref();
        });
        // Event streams end, and documents are stored and compacted, before the database goes.
        await events.close();
        await collab.close();
        await closeVite();
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

function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}
