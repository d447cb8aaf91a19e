/**
 * Options for the Remix Vite plugin (vite.config.ts passes them on). The v3 future flags are on so the
 * move to React Router 7 is a small one.
 * @type {import("@remix-run/dev").VitePluginConfig}
 */
export default {
  appDirectory: "app",
  buildDirectory: "build",
  ignoredRouteFiles: ["**/*.test.*", "**/README.md"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    // Off (all routes in the page's manifest, as React Router 7's `routeDiscovery: { mode: "initial" }`):
    // lazy discovery watches the whole page with a MutationObserver that searches every changed
    // element's subtree for links, so each block the editor inserts searched the whole document again
    // (quadratic: 1.6 s of a 3 MB document's 4 s of script until editable).
    v3_lazyRouteDiscovery: false,
    v3_routeConfig: false,
  },
};
