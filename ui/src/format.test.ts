import { describe, expect, it } from "vitest";
import { colorFor, colorsFor, OTHER_COLOR } from "./colors";
import { toCsv } from "./csv";
import { measureLabel, money, monthName, nextDay, percent } from "./format";

describe("money", () => {
  it("formats with the currency and thousands separators", () => {
    expect(money(1234.5, "USD")).toBe("$1,234.50");
    expect(money(1234567.891, "EUR")).toBe("€1,234,567.89");
    expect(money(-3.456, "USD")).toBe("-$3.46");
  });
  it("keeps an unknown code instead of failing", () => {
    expect(money(12, "(none)")).toBe("12.00 (none)");
  });
  it("has a compact form for chart axes", () => {
    expect(money(1_250_000, "USD", { compact: true })).toBe("$1.3M");
  });
});

describe("percent, dates and labels", () => {
  it("signs changes and says n/a for none", () => {
    expect(percent(12.345)).toBe("+12.3%");
    expect(percent(-4)).toBe("-4.0%");
    expect(percent(null)).toBe("n/a");
    expect(percent(Number.POSITIVE_INFINITY)).toBe("n/a");
  });
  it("names months and steps days across month ends", () => {
    expect(monthName("2026-10")).toBe("October 2026");
    expect(nextDay("2026-10-31")).toBe("2026-11-01");
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
  });
  it("says which cost a figure is", () => {
    expect(measureLabel("effective")).toBe("Effective cost (amortized)");
    expect(measureLabel("billed")).toBe("Billed cost");
  });
});

describe("colours", () => {
  it("gives a name the same colour everywhere and grey to the rest", () => {
    expect(colorFor("Amazon Elastic Compute Cloud")).toBe(colorFor("Amazon Elastic Compute Cloud"));
    expect(colorFor("(other)")).toBe(OTHER_COLOR);
    const names = ["EC2", "S3", "RDS", "Lambda", "Virtual Machines", "Storage"];
    expect(new Set(names.map(colorFor)).size).toBe(names.length);
  });
  it("never gives two groups of one chart the same colour", () => {
    // Past the palette, names hash to colours and some collide...
    const many = Array.from({ length: 40 }, (_, i) => `service ${i}`);
    many.forEach(colorFor);
    const chart = many.slice(20, 36);
    expect(new Set(chart.map(colorFor)).size).toBeLessThan(chart.length);
    // ...but within one chart each keeps a colour of its own.
    expect(new Set(colorsFor(chart)).size).toBe(chart.length);
    expect(colorsFor(["(other)", "(none)"])).toEqual([OTHER_COLOR, OTHER_COLOR]);
  });
});

describe("csv", () => {
  it("quotes commas, quotes and newlines", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["x,y", 'say "hi"'],
          [1.5, null],
        ],
      ),
    ).toBe('a,b\n"x,y","say ""hi"""\n1.5,\n');
  });
});
