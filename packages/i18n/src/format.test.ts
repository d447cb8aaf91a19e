import { afterEach, describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatInZones, formatInZonesText, type Clock } from "./format";

/**
 * Times both parties read right (issue 15): an instant in the reader's zone and beside it the partner's,
 * around Denmark's changes to and from summer time (the last Sunday of March and of October; China has
 * none) and across midnight; a day never moves, whatever zone the process or the reader is in.
 */
const ballerup: Clock = { zone: "Europe/Copenhagen", country: "DK", others: [{ zone: "Asia/Shanghai", country: "CN" }] };
const wuxi: Clock = { zone: "Asia/Shanghai", country: "CN", others: [{ zone: "Europe/Copenhagen", country: "DK" }] };
const processZone = process.env.TZ;
afterEach(() => {
  process.env.TZ = processZone;
});

describe("times in two zones", () => {
  it("in winter Copenhagen is seven hours behind Wuxi, in summer six", () => {
    expect(formatInZonesText("da", "2026-01-15T08:00:00Z", ballerup)).toBe("15. jan. 2026, 09.00 Danmark · 16.00 Kina");
    expect(formatInZonesText("da", "2026-07-01T07:00:00Z", ballerup)).toBe("1. jul. 2026, 09.00 Danmark · 15.00 Kina");
    expect(formatInZonesText("en", "2026-07-01T07:00:00Z", wuxi)).toBe("1 Jul 2026, 15:00 China · 09:00 Denmark");
    expect(formatInZonesText("zh-CN", "2026-07-01T07:00:00Z", wuxi)).toBe("2026年7月1日 15:00 中国 · 09:00 丹麦");
  });

  it("around the change to summer time (Sunday 29 March 2026, 02:00 → 03:00 in Denmark)", () => {
    // An hour apart in real time, two hours apart on Copenhagen's clocks; Wuxi's clock moves one hour.
    expect(formatInZonesText("en", "2026-03-29T00:30:00Z", ballerup)).toBe("29 Mar 2026, 01:30 Denmark · 08:30 China");
    expect(formatInZonesText("en", "2026-03-29T01:30:00Z", ballerup)).toBe("29 Mar 2026, 03:30 Denmark · 09:30 China");
  });

  it("around the change back (Sunday 25 October 2026, 03:00 → 02:00 in Denmark): the repeated hour is two instants", () => {
    expect(formatInZonesText("en", "2026-10-25T00:30:00Z", ballerup)).toBe("25 Oct 2026, 02:30 Denmark · 08:30 China");
    expect(formatInZonesText("en", "2026-10-25T01:30:00Z", ballerup)).toBe("25 Oct 2026, 02:30 Denmark · 09:30 China");
  });

  it("across midnight the partner's side names its own day", () => {
    // 18:30 on Saturday in Ballerup is 00:30 on Sunday in Wuxi (summer time: six hours).
    expect(formatInZonesText("en", "2026-10-24T16:30:00Z", ballerup)).toBe("24 Oct 2026, 18:30 Denmark · 25 Oct, 00:30 China");
    // 06:30 on New Year's morning in Wuxi is still New Year's Eve in Ballerup.
    expect(formatInZonesText("da", "2026-12-31T22:30:00Z", wuxi)).toBe("1. jan. 2027, 06.30 Kina · 31. dec., 23.30 Danmark");
    expect(formatDate("da", "2026-12-31T23:30:00Z", "Asia/Shanghai")).toBe("1. jan. 2027");
    expect(formatDate("da", "2026-12-31T23:30:00Z", "Europe/Copenhagen")).toBe("1. jan. 2027");
    expect(formatDate("da", "2026-12-31T22:30:00Z", "Europe/Copenhagen")).toBe("31. dec. 2026");
  });

  it("shows one time when the space has no partner in another zone", () => {
    expect(formatInZones("da", "2026-01-15T08:00:00Z", { zone: "Europe/Copenhagen", country: "DK", others: [] })).toEqual([
      { zone: "Europe/Copenhagen", label: "Danmark", text: "15. jan. 2026, 09.00" },
    ]);
    expect(
      formatInZonesText("da", "2026-01-15T08:00:00Z", { zone: "Europe/Copenhagen", country: "DK", others: [{ zone: "Europe/Berlin", country: "DE" }] }),
    ).toBe("15. jan. 2026, 09.00");
  });

  it("a day is the same day in every zone, whatever zone the process runs in", () => {
    for (const tz of ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Shanghai"]) {
      process.env.TZ = tz;
      for (const zone of ["Europe/Copenhagen", "Asia/Shanghai", "America/Los_Angeles"]) {
        expect(formatDate("da", "2026-03-29", zone), `${tz} ${zone}`).toBe("29. mar. 2026");
        expect(formatDate("en", "2026-10-25", zone)).toBe("25 Oct 2026");
        expect(formatDate("zh-CN", "2027-01-01", zone)).toBe("2027年1月1日");
      }
      // An instant does not depend on the process's zone either: it is always shown in the reader's.
      expect(formatDateTime("da", "2026-03-29T01:30:00Z", "Europe/Copenhagen")).toBe("29. mar. 2026, 03.30");
    }
  });
});
