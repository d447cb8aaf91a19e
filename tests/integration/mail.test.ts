import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";

/** With SMTP_URL set, invitations go out by e-mail (to a real SMTP server on loopback) instead of a link to copy. */
describe("invitation e-mail", () => {
  let app: RunningApp;
  let smtp: SMTPServer;
  const received: { to: string[]; body: string }[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        let body = "";
        stream.on("data", (chunk) => (body += chunk));
        stream.on("end", () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const { port } = smtp.server.address() as { port: number };
    app = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "Twinning <no-reply@twinning.test>" });
    await app.auth.signUp({ name: "Mette Holm", email: "mette@ballerup.dk", password: "vandtårn-ved-søen", locale: "da" });
  });
  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it("sends the single-use link by e-mail and does not show it on the page", async () => {
    const cookie = await logInCookie(app.url, "mette@ballerup.dk", "vandtårn-ved-søen");
    const form = (body: Record<string, string>) => ({
      method: "POST",
      redirect: "manual" as const,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie },
      body: new URLSearchParams(body),
    });
    await fetch(`${app.url}/tenants/new`, form({ name: "Ballerup Kommune", slug: "ballerup", kind: "municipality", country: "DK" }));
    const res = await fetch(`${app.url}/t/ballerup`, form({ intent: "invite", email: "li.na@wuxi.cn", role: "member" }));
    const page = await res.text();
    expect(page).toContain("Der er sendt en invitation til li.na@wuxi.cn.");
    expect(page).not.toContain("/invitations/");
    expect(received).toHaveLength(1);
    expect(received[0].to).toEqual(["li.na@wuxi.cn"]);
    const link = /http:\/\/[^\s]+\/invitations\/[\w-]{40,}/.exec(received[0].body.replace(/=\r?\n/g, ""))?.[0];
    expect(link).toBeTruthy();
    expect((await fetch(link!)).status).toBe(200);
  });
});
