import { forgetRecent } from "./recent";

/**
 * Browser side of offline documents: registers the service worker and asks it to keep the current
 * document page and its assets; on log-out, forgets every cached page, local document copy and the sidebar's recent items.
 */
export async function keepPageForOffline(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js");
  const worker = registration.active ?? (await navigator.serviceWorker.ready).active;
  const urls = [
    window.location.href,
    ...performance
      .getEntriesByType("resource")
      .map((e) => e.name)
      .filter((u) => u.startsWith(`${window.location.origin}/assets/`)),
  ];
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type === "cached") document.documentElement.dataset.offlineReady = "1";
  });
  worker?.postMessage({ type: "cache", urls });
}

export async function forgetOfflineCopies(): Promise<void> {
  forgetRecent();
  navigator.serviceWorker?.controller?.postMessage({ type: "clear" });
  const databases = (await indexedDB.databases?.()) ?? [];
  for (const db of databases) if (db.name?.startsWith("twinning-doc-")) indexedDB.deleteDatabase(db.name);
}
