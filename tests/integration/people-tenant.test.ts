import { describe, expect, it } from "vitest";
import { asUser, peopleOfSpace } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { logInCookie, startTestApp } from "../helpers/app";
import { openSocket } from "../helpers/live";

/**
 * Someone who belongs to two tenants that both take part in a space is shown with one of them: the
 * same one beside their caret in its documents and in the space's people list (the assignee and
 * mention pickers) — the first by name.
 */
describe("the tenant shown beside a person in two participating tenants", () => {
  it("is the same beside their caret and in the space's people list", async () => {
    const app = await startTestApp();
    await loadDemoWorld(app.db.owner);
    const [agreement] = await app.db.owner`select id, space_id from documents where type = 'agreement'`;
    const [user] = await app.db.owner`select id from users where email = ${demoEmail("egedal-kommune")}`;
    const [ballerup] = await app.db.owner`select id, name from tenants where slug = 'ballerup-kommune'`;
    // Egedal's user also joins Ballerup, which comes first by name; both are partners of the space.
    await app.db.owner`insert into memberships (tenant_id, user_id, role) values (${ballerup.id}, ${user.id}, 'member')`;
    const socket = openSocket(app.url, agreement.id, await logInCookie(app.url, demoEmail("egedal-kommune"), DEMO_PASSWORD));
    try {
      await socket.synced;
      const beside = app.collab.openConnections().find((c) => c.identity.userId === user.id)?.identity.tenantName;
      const listed = (await asUser(app.db.sql, user.id, (tx) => peopleOfSpace(tx, agreement.spaceId))).people.filter((p) => p.userId === user.id);
      expect({ beside, listed: listed.map((p) => p.tenantName) }).toEqual({ beside: ballerup.name, listed: [ballerup.name] });
    } finally {
      socket.destroy();
    }
  });
});
