import { useEffect, useRef } from "react";

/** How long a panel waits before it asks again after the server could not be reached. */
const RETRY_MS = 5_000;

/**
 * A panel route's `clientLoader`: the server's data, or null when the server cannot be reached (a
 * failed fetch is a TypeError). A fetcher's failed load would otherwise replace the whole document
 * page with an error, and the browser's `navigator.onLine` is not always false when it is offline
 * (headless Chromium 150 after an offline reload says online).
 */
export async function unlessUnreachable<T>(serverLoader: () => Promise<T>): Promise<T | null> {
  try {
    return await serverLoader();
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
}

/** Calls `retry` when a panel's load found the server unreachable (`data === null`): once back online, or after a while. */
export function useRetryWhenUnreachable(state: string, data: unknown, retry: () => void): void {
  const again = useRef(retry);
  again.current = retry;
  useEffect(() => {
    if (state !== "idle" || data !== null) return;
    const run = () => again.current();
    const timer = window.setTimeout(run, RETRY_MS);
    window.addEventListener("online", run, { once: true });
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener("online", run);
    };
  }, [state, data]);
}
