import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, webhookSignatureHeaders } from "@twinning/auth";

/**
 * Our webhook signatures checked by an independent implementation, the `standardwebhooks` package
 * (what a receiver would use): they verify, and a changed body, timestamp, id or secret does not.
 */
describe("webhook signatures", () => {
  const secret = newWebhookSecret();
  const id = "7f0c2a52-5a3e-4c1b-9d51-2f4a9c6f1e0b";
  const body = JSON.stringify({ type: "card.created", timestamp: new Date().toISOString(), spaceId: "s", data: { card: { title: "Jordprøver 土壤" } } });

  it("verify with the standardwebhooks library", () => {
    const headers = webhookSignatureHeaders(secret, { id, body });
    expect(headers["webhook-id"]).toBe(id);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    // The library's own signature is the same string.
    expect(new Webhook(secret).sign(id, new Date(Number(headers["webhook-timestamp"]) * 1000), body)).toBe(headers["webhook-signature"]);
  });

  it("a tampered body, timestamp or id, or another secret, does not verify", () => {
    const headers = webhookSignatureHeaders(secret, { id, body });
    const hook = new Webhook(secret);
    expect(() => hook.verify(body.replace("Jordprøver", "Jordproever"), headers)).toThrow();
    expect(() => hook.verify(body, { ...headers, "webhook-timestamp": String(Number(headers["webhook-timestamp"]) - 1) })).toThrow();
    expect(() => hook.verify(body, { ...headers, "webhook-id": id.replace("7f", "8f") })).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it("an old timestamp is refused by the receiver's tolerance (replays)", () => {
    const headers = webhookSignatureHeaders(secret, { id, body, at: new Date(Date.now() - 10 * 60_000) });
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/timestamp/i);
  });
});
