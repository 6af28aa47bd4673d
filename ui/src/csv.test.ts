import { describe, expect, it } from "vitest";
import { neutralise, toCsv } from "./csv";

describe("CSV export", () => {
  it("neutralises cells a spreadsheet would run as formulas", () => {
    expect(neutralise('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(neutralise("+1+cmd|' /C calc'!A0")).toBe("'+1+cmd|' /C calc'!A0");
    expect(neutralise("-2+3")).toBe("'-2+3");
    expect(neutralise("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(neutralise("\tx")).toBe("'\tx");
  });

  it("keeps numbers and ordinary text as they are", () => {
    expect(neutralise("-12.5")).toBe("-12.5");
    expect(neutralise("+3")).toBe("+3");
    expect(neutralise("1e-5")).toBe("1e-5");
    expect(neutralise("web")).toBe("web");
    expect(toCsv(["cost", "tag"], [[-1.5, "=1+1"]])).toBe("cost,tag\n-1.5,'=1+1\n");
  });
});
