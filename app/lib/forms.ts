import type { SubmissionResult } from "@conform-to/react";
import type { TFunction } from "i18next";

/**
 * Form errors travel as i18n keys (namespace `errors`) so the browser shows them in the user's language.
 * A key may carry values for interpolation as `key|{"name":"value"}`.
 */
export function errorKey(key: string, values?: Record<string, string | number>): string {
  return values ? `${key}|${JSON.stringify(values)}` : key;
}

/** The message of a throttled log-in or password check: when to try again, in seconds or minutes. */
export function throttledMessage(retryAfterSeconds: number): string {
  return retryAfterSeconds <= 90
    ? errorKey("throttledSeconds", { seconds: retryAfterSeconds })
    : errorKey("throttled", { minutes: Math.ceil(retryAfterSeconds / 60) });
}

export function splitErrorKey(message: string): [string, Record<string, unknown> | undefined] {
  const bar = message.indexOf("|");
  if (bar < 0) return [message, undefined];
  return [message.slice(0, bar), JSON.parse(message.slice(bar + 1))];
}

export type FormResult = SubmissionResult<string[]>;

/** Translates a message key (optionally `key|{values}`) from namespace `ns`. */
export function translateMessage(t: TFunction, ns: string, message: string): string {
  const [key, values] = splitErrorKey(message);
  return String(t(`${ns}.${key}`, (values ?? {}) as Record<string, string>));
}
