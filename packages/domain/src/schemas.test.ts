import { describe, expect, it } from "vitest";
import { createTenantSchema, safeRedirect, slugify, tenantName } from "./schemas";
import { initialsOf, nearestDueMonth } from "./vocabulary";

describe("safeRedirect", () => {
  // Each of these would leave the site if followed as a Location header (Chromium drops tabs and
  // newlines and reads a backslash as a slash), or is not a path of ours at all.
  const escapes: [string, string][] = [
    ["tab", "/\t/evil.example"],
    ["tab first", "\t//evil.example"],
    ["newline", "/\n/evil.example"],
    ["carriage return", "/\r\n/evil.example"],
    ["NUL", "/\0/evil.example"],
    ["backslash", "\\evil.example"],
    ["slash backslash", "/\\evil.example"],
    ["backslash slash", "\\/evil.example"],
    ["double slash", "//evil.example"],
    ["triple slash", "///evil.example"],
    ["encoded double slash", "%2F%2Fevil.example"],
    ["slash, encoded slash", "/%2Fevil.example"],
    ["slash, encoded backslash", "/%5Cevil.example"],
    ["slash, encoded tab", "/%09/evil.example"],
    ["encoded newline", "/%0A/evil.example"],
    ["encoded NUL", "/%00"],
    ["javascript:", "javascript:alert(1)"],
    ["javascript: with a tab", "java\tscript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["absolute URL", "https://evil.example/"],
    ["scheme-relative with credentials", "//user@evil.example"],
    ["relative path", "evil.example"],
    ["empty", ""],
    ["broken encoding", "/%E0%A4%A"],
    ["C1 control", "/\u0085/evil.example"],
  ];
  it.each(escapes)("refuses %s", (_name, target) => {
    expect(safeRedirect(target)).toBe("/");
    expect(safeRedirect(target, "/home")).toBe("/home");
  });

  it("refuses what is not a string", () => {
    for (const value of [undefined, null, 42, ["/"], { toString: () => "/" }]) expect(safeRedirect(value)).toBe("/");
  });

  it("keeps a path of the site, with its query and fragment", () => {
    expect(safeRedirect("/")).toBe("/");
    expect(safeRedirect("/tenants/new")).toBe("/tenants/new");
    expect(safeRedirect("/s/abc/boards/def?view=list&sort=due#card-1")).toBe("/s/abc/boards/def?view=list&sort=due#card-1");
    expect(safeRedirect("/t/k%C3%B8benhavn")).toBe("/t/k%C3%B8benhavn");
    expect(safeRedirect("/a/../b")).toBe("/b");
  });

  it("lands on the site for every target, whatever it is", () => {
    for (const [, target] of escapes) {
      const resolved = new URL(safeRedirect(target), "https://twinning.example.dk/");
      expect(resolved.origin).toBe("https://twinning.example.dk");
    }
  });
});

describe("tenant names", () => {
  const parse = (name: string) => tenantName.safeParse(name);
  const error = (name: string) => {
    const result = parse(name);
    return result.success ? null : result.error.issues.map((i) => i.message);
  };

  it("normalises to NFC and trims", () => {
    const decomposed = "Ko\u0308benhavns Kommune"; // o + combining diaeresis
    const result = parse(`  ${decomposed}  `);
    expect(result.success && result.data).toBe("Köbenhavns Kommune");
    expect(result.success && result.data.length).toBe("Köbenhavns Kommune".length);
    expect(parse("Ko\u0308benhavn").data).toBe(parse("Köbenhavn").data);
  });

  it("keeps names in any script, with marks and punctuation", () => {
    for (const name of ["Egedal Kommune", "无锡市人民政府外事办公室", "Region Hovedstaden (Capital Region)", "DTU Diplom", "مدينة"]) {
      expect(parse(name).success, name).toBe(true);
    }
  });

  it.each([
    ["right-to-left override", "Ballerup\u202eenummoK"],
    ["left-to-right embedding", "\u202aBallerup"],
    ["pop directional formatting", "Ballerup\u202c"],
    ["first strong isolate", "Ballerup \u2068Kommune\u2069"],
    ["right-to-left isolate", "\u2067Ballerup"],
    ["left-to-right mark", "Ballerup\u200e"],
    ["right-to-left mark", "\u200fBallerup"],
    ["Arabic letter mark", "Ballerup\u061c"],
  ])("refuses a %s", (_name, value) => {
    expect(error(value)).toEqual(["nameBidi"]);
  });

  it.each([
    ["tab", "Ballerup\tKommune"],
    ["newline", "Ballerup\nKommune"],
    ["NUL", "Ballerup\0"],
    ["escape", "Ballerup\u001b[31m"],
    ["C1 control", "Ballerup\u0085Kommune"],
  ])("refuses a %s", (_name, value) => {
    expect(error(value)).toEqual(["nameControl"]);
  });

  it("refuses a name of nothing visible", () => {
    expect(error("\u200b\u200b")).toEqual(["nameInvisible"]);
    expect(error("\u200b \u200d \ufeff \u2060")).toEqual(["nameInvisible"]);
    expect(error("   ")).toEqual(["required"]);
  });

  it("is the name of the create-tenant form", () => {
    const result = createTenantSchema.safeParse({ name: "Bal\u202elerup", slug: "ballerup-2", kind: "municipality", country: "DK" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["name"], message: "nameBidi" });
  });
});

describe("avatar initials", () => {
  it("takes the first letter of the first and last word, skipping emoji and signs", () => {
    expect(initialsOf("Ballerup Kommune")).toBe("BK");
    expect(initialsOf("Anna Berg 🌻")).toBe("AB");
    expect(initialsOf("🌻 Anna")).toBe("AN");
    expect(initialsOf("无锡市外事办公室")).toBe("无锡");
    expect(initialsOf("Søren Ørsted-Åberg")).toBe("SØ");
    expect(initialsOf("🌻")).toBe("?");
  });
});

describe("slugify", () => {
  it("suggests a short name for web addresses, spelling out Danish letters", () => {
    expect(slugify("Ballerup Kommune")).toBe("ballerup-kommune");
    expect(slugify("Københavns Kommune")).toBe("koebenhavns-kommune");
    expect(slugify("Frederiksberg Æblelund Å")).toBe("frederiksberg-aeblelund-aa");
    expect(slugify("  Région Île-de-France! ")).toBe("region-ile-de-france");
    expect(slugify("无锡市外事办公室")).toBe("");
    expect(slugify("x".repeat(100)).length).toBe(64);
  });
});

describe("nearestDueMonth", () => {
  it("opens the calendar on the month of the due date nearest today, else today's", () => {
    expect(nearestDueMonth(["2017-03-31", "2017-11-30", null], "2026-12-01")).toBe("2017-11");
    expect(nearestDueMonth(["2026-11-20", "2027-01-05"], "2026-12-01")).toBe("2026-11");
    expect(nearestDueMonth([], "2026-12-01")).toBe("2026-12");
  });
});
