// The production server as one ES module (`build/start/server.mjs`): our TypeScript (server/ and the
// workspace packages) bundled by esbuild, every npm package left external. `npm start` runs it with
// plain Node — without a TypeScript loader, which holds every module's source in a loader thread of
// its own (about 100 MB of resident memory); tests and `npm run dev` still run the sources through tsx.
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

export const SERVER_BUNDLE = "build/start/server.mjs";
const outDir = resolve(dirname(SERVER_BUNDLE));

/** Workspace packages are bundled; anything else from node_modules is imported at run time. */
const oursOnly = {
  name: "ours-only",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@twinning/") ? undefined : { path: args.path, external: true }));
    // A module's `import.meta.url` stays its source file's, so the paths it resolves from it
    // (migrations, demo data, the export worker) are found where they are.
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const url = `new URL(${JSON.stringify(relative(outDir, args.path))}, import.meta.url).href`;
      return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
    });
  },
};

export async function buildServer() {
  await build({
    entryPoints: ["server/index.ts"],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    plugins: [oursOnly],
    logLevel: "warning",
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await buildServer();
