import { describe, expect, it } from "vitest";
import { areaKey, createI18n, formatDate, negotiateLocale, resources } from "./index";

function leaves(obj: object, prefix = ""): [string, string][] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === "string" ? [[prefix + k, v] as [string, string]] : leaves(v, `${prefix}${k}.`)));
}

describe("translations", () => {
  const en = leaves(resources.en.translation);
  it.each(["da", "zh-CN"] as const)("%s has every English key, non-empty, with the same placeholders", (locale) => {
    const other = new Map(leaves(resources[locale].translation));
    expect([...other.keys()].sort()).toEqual(en.map(([k]) => k).sort());
    for (const [key, text] of en) {
      const translated = other.get(key)!;
      expect(translated.trim(), key).not.toBe("");
      const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
      expect(placeholders(translated), key).toEqual(placeholders(text));
    }
  });

  it("translates and interpolates", () => {
    expect(createI18n("zh-CN").t("home.welcome", { name: "李" })).toBe("欢迎，李");
    expect(createI18n("da").t("errors.throttled", { minutes: 15 })).toBe("For mange forsøg. Prøv igen om 15 minutter.");
  });

  it("negotiates the language from Accept-Language, Danish by default", () => {
    expect(negotiateLocale(undefined)).toBe("da");
    expect(negotiateLocale("zh-TW,zh;q=0.9")).toBe("zh-CN");
    expect(negotiateLocale("fr-FR, en-US;q=0.8, da;q=0.5")).toBe("en");
    expect(negotiateLocale("da-DK")).toBe("da");
    expect(negotiateLocale("fr, de;q=0.5")).toBe("da");
    expect(negotiateLocale("en;q=0, zh;q=0.1")).toBe("zh-CN");
  });

  it("formats dates for the language", () => {
    const d = new Date("2016-03-09T12:00:00Z");
    expect(formatDate("da", d, "Europe/Copenhagen")).toBe("9. mar. 2016");
    expect(formatDate("en", d, "Europe/Copenhagen")).toBe("9 Mar 2016");
    expect(formatDate("zh-CN", d, "Asia/Shanghai")).toBe("2016年3月9日");
  });
});

describe("areaKey", () => {
  it("turns an area label typed in any language into its key, and keeps a label of one's own", () => {
    expect(areaKey("Jord")).toBe("soil");
    expect(areaKey(" soil ")).toBe("soil");
    expect(areaKey("Skoler")).toBe("school");
    expect(areaKey("overall")).toBe("overall");
    expect(areaKey("Idræt")).toBe("Idræt");
  });
});
