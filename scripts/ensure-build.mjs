// `npm start` builds the production bundle when it is missing or older than the sources.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const output = "build/server/index.js";
const sources = ["app", "packages", "remix.config.js", "vite.config.ts", "package-lock.json"];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  if (path.endsWith("node_modules")) return 0;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

if (!existsSync(output) || newest(output) < Math.max(...sources.map(newest))) {
  console.log("Building Twinning…");
  execSync("npx remix vite:build", { stdio: "inherit" });
}
