import { pino, type Logger } from "pino";

/** Structured JSON logs (pretty in a dev terminal). Session cookies never reach the log. */
export function createLogger(level: string, pretty = false): Logger {
  return pino({
    level,
    redact: { paths: ["req.headers.cookie", "req.headers.authorization", 'res.headers["set-cookie"]', "password", "*.password"], censor: "[redacted]" },
    transport: pretty ? { target: "pino-pretty" } : undefined,
  });
}
