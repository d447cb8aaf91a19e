import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { newWebhookSecret } from "@twinning/auth";
import { asUser, createSpace, createTenant, createWebhook, insertUser, pingWebhook, type Sql } from "@twinning/db";
import { createWebhookWorker } from "../../server/webhook-worker";
import { startTestApp } from "../helpers/app";
import { startReceiver } from "../helpers/webhook-receiver";

/**
 * The webhook worker's wake-ups: a kick (an attempt recorded, an event queued) that comes while the
 * worker works out its next wake-up must not be lost. Made likely by answering that read late (the
 * real query on the real database, its answer held 60 ms): before the fix, the retry of a receiver
 * that answered 503 at once waited for the delivery's 16 s hold instead of its 200 ms back-off.
 */
describe("webhook worker wake-ups", () => {
  it("retries a fast-failing receiver on its back-off even when the next wake-up is read slowly", async () => {
    const app = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "1" });
    // The app's own worker out of the way; ours below reads its next wake-up late.
    await app.webhooks.close();
    const slowWakeUps = new Proxy(app.db.system, {
      apply(target, thisArg, args: [TemplateStringsArray, ...unknown[]]) {
        const query = Reflect.apply(target, thisArg, args);
        if (!Array.isArray(args[0]) || !args[0].join("").includes("min(greatest(d.next_attempt_at")) return query;
        return (async () => {
          const rows = await query;
          await new Promise((resolve) => setTimeout(resolve, 60));
          return rows;
        })();
      },
    }) as Sql;
    const worker = await createWebhookWorker({
      db: { ...app.db, system: slowWakeUps },
      log: pino({ level: "silent" }),
      retryDelaysMs: [200, 400],
      timeoutMs: 500,
      allowPrivateAddresses: true,
    });
    const receiver = await startReceiver();
    try {
      const { sql, owner } = app.db;
      await insertUser(owner, { id: "hook-owner", email: "hook-owner@example.org", name: "Hook Owner", passwordHash: "x", locale: "da" });
      const tenant = await asUser(sql, "hook-owner", (tx) => createTenant(tx, { name: "Hook Kommune", slug: "hook-kommune", kind: "municipality", country: "DK", ownerId: "hook-owner" }));
      if (!tenant.ok) throw new Error(tenant.error);
      const space = await asUser(sql, "hook-owner", (tx) =>
        createSpace(tx, { hostTenantId: tenant.tenant.id, title: "Jordsporet", color: "blue", icon: "globe", private: false, actorId: "hook-owner" }),
      );
      const secret = newWebhookSecret();
      const { id } = await asUser(sql, "hook-owner", (tx) =>
        createWebhook(tx, { space: { id: space.id }, url: `${receiver.url}/esdh`, description: "ESDH", events: ["card.created"], secret, actorId: "hook-owner" }),
      );
      receiver.route("/esdh", secret, () => ({ status: 503, body: "maintenance" }));
      const started = Date.now();
      await asUser(sql, "hook-owner", (tx) => pingWebhook(tx, { space: { id: space.id }, webhookId: id }));
      // Three attempts (the first and two retries), then failed: within a few seconds, not 16 s each.
      await expect.poll(async () => (await owner`select state from webhook_deliveries where webhook_id = ${id}`)[0]?.state, { timeout: 10_000, interval: 20 }).toBe("failed");
      const at = receiver.of("/esdh").map((r) => r.at - started);
      console.log(`attempts at ${at.join(", ")} ms after the event (back-off 200, 400 ms; a delivery's hold is 16 s)`);
      expect(at).toHaveLength(3);
      expect(at[2]).toBeLessThan(5_000);
    } finally {
      await worker.close();
      await receiver.close();
    }
  });
});
