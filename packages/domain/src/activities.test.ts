import { describe, expect, it } from "vitest";
import { activitySchema, buildOverview, organisationSlugs, parseActivityDate, type OverviewItem } from "./activities";

describe("activity dates", () => {
  it.each([
    ["2014-03-16", "start", { date: "2014-03-16", precision: "day" }],
    ["2014-03", "start", { date: "2014-03-01", precision: "month" }],
    ["2014-02", "end", { date: "2014-02-28", precision: "month" }],
    ["2016-02", "end", { date: "2016-02-29", precision: "month" }],
    [" 2014-12-31 ", "start", { date: "2014-12-31", precision: "day" }],
  ] as const)("%s as a %s is %o", (value, edge, expected) => {
    expect(parseActivityDate(value, edge)).toEqual(expected);
  });
  it.each(["2014-02-30", "2014-13", "2014-00-10", "14-03-16", "next tuesday", "", "2014/03/16", "1800-01-01"])("%s is no date", (value) => {
    expect(parseActivityDate(value)).toBeNull();
  });
});

describe("the activity form", () => {
  const valid = { kind: "meeting", title: "Møde", start: "2014-03-16", area: "overall" };
  const error = (input: Record<string, string>) => {
    const parsed = activitySchema.safeParse(input);
    return parsed.success ? null : parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  };
  it("accepts a day or a month, with or without an end", () => {
    expect(error(valid)).toBeNull();
    expect(error({ ...valid, start: "2013-06", end: "2013-07" })).toBeNull();
    expect(error({ ...valid, start: "2014-03-16", end: "2014-03" })).toBeNull();
    expect(error({ ...valid, end: "" })).toBeNull();
  });
  it("refuses an end before the start, a bad date, an empty title or kind", () => {
    expect(error({ ...valid, end: "2014-03-15" })).toEqual(["end: endBeforeStart"]);
    expect(error({ ...valid, start: "2014-04", end: "2014-03" })).toEqual(["end: endBeforeStart"]);
    expect(error({ ...valid, start: "2014-02-30" })).toEqual(["start: activityDateInvalid"]);
    expect(error({ ...valid, start: "" })).toEqual(["start: activityDateRequired"]);
    expect(error({ ...valid, title: "  " })).toEqual(["title: required"]);
    expect(error({ ...valid, kind: "picnic" })).toEqual(["kind: activityKindUnknown"]);
  });
  it("reads organisations' short names, each once", () => {
    expect(organisationSlugs(" Bycirklen, wuxi;wuxi  ballerup-kommune ")).toEqual(["bycirklen", "wuxi", "ballerup-kommune"]);
  });
});

describe("the overview of a year", () => {
  const item = (over: Partial<OverviewItem>): OverviewItem => ({
    id: Math.random().toString(36),
    kind: "meeting",
    title: "x",
    start: "2014-01-10",
    startPrecision: "day",
    end: null,
    endPrecision: null,
    area: "overall",
    organisations: [],
    note: null,
    ...over,
  });
  it("lists items by the month of their start and the area, with totals, and charts activities only", () => {
    const o = buildOverview(
      2014,
      ["overall", "education", "school"],
      [
        item({ start: "2014-01-10" }),
        item({ start: "2014-06-01", end: "2014-07-31", area: "education", kind: "exchange" }),
        item({ start: "2014-06-20", area: "business", kind: "card" }),
        item({ start: "2014-12-24", area: "", kind: "card" }),
        item({ start: "2015-01-01" }),
      ]
    );
    expect(o.areas).toEqual(["overall", "education", "school", "business", ""]);
    expect(o.months.map((m) => m.total)).toEqual([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1]);
    expect(o.areaTotals).toEqual({ overall: 1, education: 1, school: 0, business: 1, "": 1 });
    expect(o.kindTotals).toMatchObject({ meeting: 1, exchange: 1, card: 2, visit_in: 0 });
    expect(o.total).toBe(4);
    expect(o.chart.education[5]).toBe(1);
    expect(o.chart.business[5]).toBe(0);
  });
});
