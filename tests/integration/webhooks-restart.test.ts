import { afterAll, describe, expect, it } from "vitest";
import { newWebhookSecret } from "@twinning/auth";
import { asUser, createBoard, createCard, createSpace, createTenant, createWebhook, insertUser, type Sql } from "@twinning/db";
import { freshDatabase } from "../helpers/db";
import { exited, freePort, killServerProcesses, startServerProcess, type ServerProcess } from "../helpers/process";
import { startReceiver, type Receiver } from "../helpers/webhook-receiver";

/**
 * Webhooks survive a crash (issue 14): the queue is a table, so events queued while the receiver was
 * down, and while no server ran at all, are delivered once the receiver and a new server are up. The
 * real `server/index.ts` as a child process on a database of its own, killed with SIGKILL in between.
 */
const RETRY_MS = 2000;
let receiver: Receiver | undefined;
afterAll(async () => {
  killServerProcesses();
  await receiver?.close();
});

describe("webhook deliveries across a server crash", () => {
  it("every event queued before, during and after a kill -9 arrives, each delivery once", async () => {
    const { url: databaseUrl, sql } = await freshDatabase();
    const { board, hostId, spaceId } = await world(sql);
    // The receiver's port is chosen now; nothing listens on it until after the crash.
    const port = await freePort();
    const secret = newWebhookSecret();
    await asUser(sql, hostId, (tx) =>
      createWebhook(tx, {
        space: { id: spaceId },
        url: `http://127.0.0.1:${port}/hook`,
        description: "ESDH",
        events: ["card.created"],
        secret,
        actorId: hostId,
      }),
    );
    const env = {
      DATABASE_URL: databaseUrl,
      DEMO: "off",
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "1",
      WEBHOOK_RETRY_DELAYS_MS: Array(8).fill(RETRY_MS).join(","),
    };
    const card = (title: string) =>
      asUser(sql, hostId, async (tx) => {
        const made = await createCard(tx, { board, title, description: "", assignees: [], actorId: hostId });
        if (!made.ok) throw new Error(made.error);
      });
    const deliveries = () =>
      sql<
        { id: string; state: string; attempts: number; lastError: string | null }[]
      >`select id, state, attempts, last_error from webhook_deliveries order by created_at`;

    const first: ServerProcess = await startServerProcess(env);
    for (const title of ["Før 1", "Før 2", "Før 3"]) await card(title);
    // The first server tried each and was refused by the closed port.
    await expect
      .poll(async () => (await deliveries()).map((d) => d.attempts >= 1 && /ECONNREFUSED|refused/i.test(d.lastError ?? "")), { timeout: 15_000 })
      .toEqual([true, true, true]);
    first.child.kill("SIGKILL");
    await exited(first.child);
    // No server runs: events are only queued.
    for (const title of ["Under 1", "Under 2"]) await card(title);

    receiver = await startReceiver(port);
    receiver.route("/hook", secret);
    const second = await startServerProcess(env);
    for (const title of ["Efter 1", "Efter 2"]) await card(title);

    const queued = await deliveries();
    expect(queued).toHaveLength(7);
    await expect.poll(async () => (await deliveries()).every((d) => d.state === "delivered"), { timeout: 20_000 }).toBe(true);
    const got = receiver.of("/hook");
    expect(got.every((r) => r.verified)).toBe(true);
    // Each delivery arrived exactly once, and carried its card.
    expect(got.map((r) => r.id).sort()).toEqual(queued.map((d) => d.id).sort());
    expect(got.map((r) => r.json?.data.card.title).sort()).toEqual(["Efter 1", "Efter 2", "Før 1", "Før 2", "Før 3", "Under 1", "Under 2"]);
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  });
});

/** A host user, tenant, space and board, made directly in the database before any server runs. */
async function world(sql: Sql) {
  const hostId = "restart-host";
  await insertUser(sql, { id: hostId, email: "restart@example.org", name: "Restart", passwordHash: "x", locale: "da" });
  const tenant = await asUser(sql, hostId, (tx) =>
    createTenant(tx, { name: "Genstart Kommune", slug: "genstart", kind: "municipality", country: "DK", ownerId: hostId }),
  );
  if (!tenant.ok) throw new Error(tenant.error);
  return asUser(sql, hostId, async (tx) => {
    const space = await createSpace(tx, { hostTenantId: tenant.tenant.id, title: "Genstart", color: "blue", icon: "globe", private: false, actorId: hostId });
    const board = await createBoard(tx, { spaceId: space.id, title: "Tavle", columns: ["A", "B", "C"], actorId: hostId });
    return { board, hostId, spaceId: space.id };
  });
}
