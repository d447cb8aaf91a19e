import { useSyncExternalStore } from "react";
import type { AccessLostReason } from "@twinning/collab/access-message";

/**
 * Access to a space ended while its pages were open (the organisation was removed or left, the user
 * was removed, the session ended): told by the event stream's `access` event or the document socket's
 * close reason. Kept per space for the page's lifetime, so every part of the page says the same and
 * nothing keeps trying to reconnect.
 */
const lost = new Map<string, AccessLostReason>();
const listeners = new Set<() => void>();

export function reportAccessLost(spaceId: string, reason: AccessLostReason): void {
  if (lost.get(spaceId) === reason) return;
  // A session that ended says more than what it could still see.
  if (lost.has(spaceId) && reason !== "sessionEnded") return;
  lost.set(spaceId, reason);
  for (const listener of listeners) listener();
}

/** Why access to the space ended, or null while it lasts. */
export function useAccessLost(spaceId: string): AccessLostReason | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => lost.get(spaceId) ?? null,
    () => null
  );
}

/** The access-lost reason a collab close carries (`CloseCodes.PartnerRemoved`, `Revoked`, `SessionEnded`), if any. */
export function accessLostFromClose(event: { code: number; reason: string } | null, reasons: Record<AccessLostReason, string>): AccessLostReason | null {
  if (!event || (event.code !== 4401 && event.code !== 4403)) return null;
  const found = (Object.keys(reasons) as AccessLostReason[]).find((k) => reasons[k] === event.reason);
  return found ?? "revoked";
}

const PASSWORD_CHANGE_KEY = "twinning.passwordChangeStartedAt";

/** Called as this browser submits a password change: its other tabs will see their session end first. */
export function notePasswordChange(): void {
  try {
    localStorage.setItem(PASSWORD_CHANGE_KEY, String(Date.now()));
  } catch {
    // Storage may be unavailable (private mode); the tabs then ask once and may send the user to log in.
  }
}

function passwordChangedHereRecently(): boolean {
  try {
    return Date.now() - Number(localStorage.getItem(PASSWORD_CHANGE_KEY) ?? 0) < 30_000;
  } catch {
    return false;
  }
}

async function signedInNow(): Promise<boolean> {
  try {
    const res = await fetch("/account", { redirect: "manual", credentials: "same-origin" });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Whether this browser is signed in now (its cookie names a live session): a socket or stream closed
 * because its session ended may belong to a browser that already has a new one (the password was
 * changed in this browser), and then reconnects instead of sending the user to log in. The close can
 * arrive before the password change's response has set the new cookie, so a browser that started a
 * change asks again while it is recent; any other browser is told at once.
 */
export async function stillSignedIn(): Promise<boolean> {
  if (await signedInNow()) return true;
  // A slow server may take a while to answer the change: ask while it is recent (30 s), at most every 2 s.
  for (let wait = 200; passwordChangedHereRecently(); wait = Math.min(wait * 2, 2_000)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    if (await signedInNow()) return true;
  }
  return false;
}
