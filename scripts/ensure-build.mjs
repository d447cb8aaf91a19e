// `npm start` builds what it runs when it is missing or older than its sources: the web app's bundle
// (Remix) and the server's (scripts/build-server.mjs).
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SERVER_BUNDLE, buildServer } from "./build-server.mjs";

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  if (path.endsWith("node_modules")) return 0;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

const stale = (output, sources) => !existsSync(output) || newest(output) < Math.max(...sources.map(newest));

if (stale("build/server/index.js", ["app", "packages", "remix.config.js", "vite.config.ts", "package-lock.json"])) {
  console.log("Building Twinning…");
  execSync("npx remix vite:build", { stdio: "inherit" });
}
if (stale(SERVER_BUNDLE, ["server", "packages", "scripts/build-server.mjs", "package-lock.json"])) await buildServer();
