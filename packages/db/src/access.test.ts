import { describe, expect, it } from "vitest";
import { parseAccessChange } from "./access";

describe("parseAccessChange", () => {
  it("keeps what targets a re-check and nothing else", () => {
    expect(parseAccessChange(JSON.stringify({ spaceId: "s", documentId: "d" }))).toEqual({ spaceId: "s", documentId: "d", userId: undefined, tenantId: undefined });
    expect(parseAccessChange(JSON.stringify({ userId: "u", tenantId: "t" }))).toEqual({ spaceId: undefined, documentId: undefined, userId: "u", tenantId: "t" });
    expect(parseAccessChange(JSON.stringify({ userId: "u", sessions: true }))?.sessions).toBe(true);
    expect(parseAccessChange(JSON.stringify({ userId: "u", sessions: "yes" }))?.sessions).toBeUndefined();
  });

  it("refuses payloads that target nothing or are not JSON objects", () => {
    for (const payload of ["", "not json", "null", "42", "[]", JSON.stringify({ documentId: "d" }), JSON.stringify({ spaceId: 7 })]) {
      expect(parseAccessChange(payload), payload).toBeUndefined();
    }
  });
});
