import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (...args: unknown[]) => invoke(...args),
  Channel: class {
    onmessage: ((m: unknown) => void) | null = null;
  },
}));

const { api, CommandError } = await import("./api");

describe("the command layer", () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it("passes arguments by the names the Rust commands take", async () => {
    invoke.mockResolvedValue({ columns: [], rows: [] });
    await api.runReport("cost_by_service", "2026-10-01", "");
    expect(invoke).toHaveBeenCalledWith("run_report", {
      name: "cost_by_service",
      from: "2026-10-01",
      to: null,
    });
    await api.explore({
      group_by: "service",
      measure: "billed",
      period: "day",
      range: null,
      from: null,
      to: null,
      filters: [],
      top: null,
      compare: null,
    });
    expect(invoke.mock.calls[1][0]).toBe("explore");
    expect(invoke.mock.calls[1][1].query.group_by).toBe("service");
  });

  it("turns a backend {code, message} into a CommandError the UI can branch on", async () => {
    invoke.mockRejectedValue({ code: "usage", message: '"October" is not a date' });
    const error = await api.runReport("x", "October").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as InstanceType<typeof CommandError>).code).toBe("usage");
  });

  it("reports an unreachable backend as internal", async () => {
    invoke.mockRejectedValue("window closed");
    const error = await api.overview().catch((e: unknown) => e);
    expect((error as InstanceType<typeof CommandError>).code).toBe("internal");
  });

  it("hands import progress to the caller through a channel", async () => {
    invoke.mockImplementation(
      async (_: string, args: { progress: { onmessage: (m: unknown) => void } }) => {
        args.progress.onmessage({ done: 0, total: 1, current: "a.csv" });
        return [];
      },
    );
    const seen: unknown[] = [];
    await api.importPaths(["a.csv"], (p) => seen.push(p));
    expect(seen).toEqual([{ done: 0, total: 1, current: "a.csv" }]);
  });
});
