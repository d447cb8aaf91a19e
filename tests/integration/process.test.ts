import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exited, killServerProcesses, startServerProcess } from "../helpers/process";

/**
 * The real `server/index.ts` process on its own embedded PostgreSQL: first start loads the demo world,
 * a restart reuses the data, a crash (kill -9) leaves a lock the next start clears, SIGTERM shuts down
 * gracefully.
 */
const dataDir = mkdtempSync(join(tmpdir(), "twinning-process-"));
afterAll(() => {
  killServerProcesses();
  rmSync(dataDir, { recursive: true, force: true });
});

const start = () => startServerProcess({ DATA_DIR: dataDir });
const postmasterPid = () => Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the server process", () => {
  it("first start loads the demo world; SIGTERM stops it gracefully, database included", async () => {
    const { child, url, output } = await start();
    const login = await fetch(`${url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: url },
      body: new URLSearchParams({ email: "ballerup-kommune@demo.twinning.test", password: "twinning-demo" }),
    });
    expect(login.status).toBe(302);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    expect(await (await fetch(url, { headers: { Cookie: cookie } })).text()).toContain("Ballerup Kommune");
    const pg = postmasterPid();
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    expect(output()).toContain('"msg":"stopped"');
    expect(alive(pg)).toBe(false);
    expect(existsSync(join(dataDir, "postmaster.pid"))).toBe(false);
  });

  it("a restart after a crash (kill -9) clears the stale lock and reuses the data", async () => {
    const first = await start();
    // Data written in this run must survive.
    const signup = await fetch(`${first.url}/signup`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: first.url },
      body: new URLSearchParams({ name: "Kept Across Restarts", email: "kept@example.org", password: "survives-a-crash" }),
    });
    expect(signup.status).toBe(302);
    first.child.kill("SIGKILL");
    await exited(first.child);
    // The orphaned PostgreSQL may still hold the directory: the next start must cope either way.
    const second = await start();
    expect(second.output()).not.toContain("demo world loaded");
    const login = await fetch(`${second.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: second.url },
      body: new URLSearchParams({ email: "kept@example.org", password: "survives-a-crash" }),
    });
    expect(login.status).toBe(302);
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  });
});
