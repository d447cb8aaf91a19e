import { describe, expect, it } from "vitest";
import { TENANT_ROLES } from "./vocabulary";
import { canGrantRole, checkMemberChange } from "./tenant-rules";

describe("member rules", () => {
  it("only owners grant the owner role; admins grant the rest; members and viewers nothing", () => {
    const table = Object.fromEntries(TENANT_ROLES.map((actor) => [actor, TENANT_ROLES.filter((r) => canGrantRole(actor, r))]));
    expect(table).toEqual({
      owner: ["owner", "admin", "member", "viewer"],
      admin: ["admin", "member", "viewer"],
      member: [],
      viewer: [],
    });
  });

  const cases: [string, Parameters<typeof checkMemberChange>[0], ReturnType<typeof checkMemberChange>][] = [
    ["last owner leaves", { actor: "owner", actorIsTarget: true, target: "owner", next: null, ownerCount: 1 }, "lastOwner"],
    ["last owner demotes self", { actor: "owner", actorIsTarget: true, target: "owner", next: "admin", ownerCount: 1 }, "lastOwner"],
    ["one of two owners leaves", { actor: "owner", actorIsTarget: true, target: "owner", next: null, ownerCount: 2 }, null],
    ["a viewer leaves", { actor: "viewer", actorIsTarget: true, target: "viewer", next: null, ownerCount: 1 }, null],
    ["a member removes someone", { actor: "member", actorIsTarget: false, target: "viewer", next: null, ownerCount: 1 }, "forbidden"],
    ["a viewer promotes self", { actor: "viewer", actorIsTarget: true, target: "viewer", next: "admin", ownerCount: 1 }, "forbidden"],
    ["an admin demotes an owner", { actor: "admin", actorIsTarget: false, target: "owner", next: "member", ownerCount: 2 }, "forbidden"],
    ["an admin makes an owner", { actor: "admin", actorIsTarget: false, target: "member", next: "owner", ownerCount: 1 }, "forbidden"],
    ["an admin removes a member", { actor: "admin", actorIsTarget: false, target: "member", next: null, ownerCount: 1 }, null],
    ["an owner demotes another owner", { actor: "owner", actorIsTarget: false, target: "owner", next: "admin", ownerCount: 2 }, null],
    ["an outsider changes a role", { actor: null, actorIsTarget: false, target: "member", next: "viewer", ownerCount: 1 }, "forbidden"],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(checkMemberChange(input as never)).toBe(expected);
  });
});

