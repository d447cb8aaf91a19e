import { SetupError } from "@twinning/db";
import { startApp } from "./app";
import { readConfig } from "./config";
import { createLogger } from "./logger";
import { guardAgainstPostgresJsCrashes } from "./pg-crash-guard";

/** `npm start` / `npm run dev`: one process, one port, graceful shutdown on SIGTERM and SIGINT. */
const config = readConfig();
const log = createLogger(config.logLevel, process.stdout.isTTY && !config.production);
// A database restart must not end the process (postgres.js's own crash paths, see the module).
guardAgainstPostgresJsCrashes(log);

try {
  const app = await startApp(config, log);
  let signals = 0;
  const stop = async (signal: string) => {
    if (++signals > 1) process.exit(1);
    log.info({ signal }, "shutting down");
    await app.close();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
} catch (error) {
  // A problem the person starting it can fix is one sentence saying how; anything else keeps its stack.
  if (error instanceof SetupError) log.fatal(`Twinning could not start: ${error.message}`);
  else log.fatal({ err: error }, "Twinning could not start");
  process.exit(1);
}
