// Twinning's service worker: keeps what an open document page needs (its HTML and the app's assets) so
// the page can be reloaded without a network; the document itself comes from IndexedDB (y-indexeddb)
// and merges when the connection is back. Nothing else is cached.
const CACHE = "twinning-offline-v1";
const DOCUMENT_PAGE = /^\/s\/[^/]+\/docs\/[^/]+$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function put(request, response) {
  if (response.ok && response.type === "basic") await (await caches.open(CACHE)).put(request, response);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/assets/")) {
    // Hashed file names never change: cache first.
    event.respondWith(
      caches.match(request).then((hit) => hit ?? fetch(request).then((response) => (put(request, response.clone()), response))),
    );
  } else if (request.mode === "navigate" && DOCUMENT_PAGE.test(url.pathname)) {
    // Network first; the last copy when offline.
    event.respondWith(
      fetch(request)
        .then((response) => (put(request, response.clone()), response))
        .catch(() => caches.match(request).then((hit) => hit ?? Response.error())),
    );
  }
});

self.addEventListener("message", (event) => {
  const { type, urls } = event.data ?? {};
  if (type === "cache" && Array.isArray(urls)) {
    // The page loaded before this worker controlled it: fetch what it used, so a reload works offline.
    event.waitUntil(
      Promise.all(urls.filter((u) => new URL(u).origin === self.location.origin).map((u) => fetch(u).then((r) => put(u, r)).catch(() => {}))).then(() =>
        event.source?.postMessage({ type: "cached" }),
      ),
    );
  } else if (type === "clear") {
    event.waitUntil(caches.delete(CACHE));
  }
});
