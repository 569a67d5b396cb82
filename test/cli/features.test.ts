import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Command } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { registerFeaturesCommands } from "../../src/cli/features";

const run = promisify(execFile);

/** A path as a literal inside a RegExp. */
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx wsp features …` (`node bin/wsp.js`) from the project root, as a user runs it. */
async function wsp(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/wsp.js", "features", ...args], {
      cwd: process.cwd(),
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

let dir: string;
const results = new Map<string, Result>();
const paths: Record<string, string> = {};

function config(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/**
 * The same command in this process (no tsx start-up per case): the error `wsp` prints after
 * "error: ", or null when the command succeeded.
 */
async function inProcess(...args: string[]): Promise<string | null> {
  const program = new Command().exitOverride();
  registerFeaturesCommands(program);
  try {
    await program.parseAsync(["features", ...args], { from: "user" });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

// Two end-to-end processes start concurrently (each spends seconds starting tsx on a loaded
// machine); the other error cases run the same command in-process.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "wsp-features-cli-"));
  paths.ok = "experiments/spy-daily.yaml";
  paths.badTimeframe = config("bad-timeframe.yaml", "data:\n  tickers: [SPY]\n  timeframe: 2d\n  context: [VIX]\n");
  paths.badRegimes = config(
    "bad-regimes.yaml",
    "data:\n  tickers: [SPY]\n  end: 2026-07-23\n  context: [VIX]\nregimes:\n  trend: { trendAdx: -3 }\n",
  );
  paths.noVix = config("no-vix.yaml", "data:\n  tickers: [SPY]\n");
  paths.late = config("late.yaml", "data:\n  tickers: [SPY]\n  context: [VIX]\n");
  paths.missing = join(dir, "nope.yaml");
  paths.broken = config("broken.yaml", "data: [tickers: {\n");
  paths.unknown = config("unknown.yaml", "data:\n  tickers: [ZZZZ]\n  context: [VIX]\n");
  paths.noFeatures = config("no-features.yaml", "data:\n  tickers: [SPY]\n  context: [VIX]\n");
  paths.badFeatures = config(
    "bad-features.yaml",
    "data:\n  tickers: [SPY]\n  context: [VIX]\nfeatures:\n  set: everything\n",
  );
  const [ok, badTimeframe, report] = await Promise.all([
    wsp("regimes", paths.ok),
    wsp("regimes", paths.badTimeframe),
    wsp("report", paths.ok),
  ]);
  results.set("ok", ok);
  results.set("badTimeframe", badTimeframe);
  results.set("report", report);
});

function result(key: string): Result {
  const r = results.get(key);
  if (!r) throw new Error(`no result for ${key}`);
  return r;
}

describe("wsp features regimes", () => {
  it("prints both regime schemes per year for experiments/spy-daily.yaml", () => {
    const r = result("ok");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^SPY 1d 2000-01-03\.\.2026-07-23: \d+ sessions; breadth from the universe on \d+/);
    const trendAt = lines.indexOf("regime_trend: share of sessions per regime and year (%)");
    const gridAt = lines.indexOf("regime_grid: share of sessions per regime and year (%)");
    expect(trendAt).toBeGreaterThan(0);
    expect(gridAt).toBeGreaterThan(trendAt);
    expect(lines[trendAt + 1].trim().split(/\s+/)).toEqual(["year", "trend", "range", "volatile", "n", "undef"]);
    // Every year 2000..2026 in both tables; shares of a defined year add up to 100 % (rounded to 0.1).
    for (const [at, k] of [
      [trendAt + 2, 3],
      [gridAt + 3, 12],
    ] as const) {
      const rows = lines.slice(at, at + 27).map((l) => l.trim().split(/\s+/));
      expect(rows.map((c) => Number(c[0]))).toEqual(Array.from({ length: 27 }, (_, i) => 2000 + i));
      for (const c of rows.slice(2)) {
        expect(c.length).toBe(1 + k + 2);
        const sum = c.slice(1, 1 + k).reduce((s, x) => s + Number(x), 0);
        expect(Math.abs(sum - 100)).toBeLessThanOrEqual(0.05 * k + 1e-9);
      }
    }
    // 2008: the high-VIX columns (the last four) hold most sessions.
    const y2008 = lines
      .slice(gridAt + 3)
      .find((l) => l.startsWith("2008"))!
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(y2008.slice(9, 13).reduce((a, b) => a + b, 0)).toBeGreaterThan(60);
  });

  it("exits 1 naming the file and the YAML path of a bad value", async () => {
    const bad = paths.badTimeframe;
    const r = result("badTimeframe");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`${escaped(bad)}:\\d+:\\d+ data\\.timeframe: `));
    expect(await inProcess("regimes", paths.badRegimes)).toMatch(
      new RegExp(`${escaped(paths.badRegimes)}:\\d+:\\d+ regimes\\.trend\\.trendAdx: `),
    );
  });

  it("fails when VIX is missing from data.context or does not cover the dates", async () => {
    expect(await inProcess("regimes", paths.noVix)).toContain(
      `${paths.noVix}: data.context: the 12-regime grid needs VIX`,
    );
    expect(await inProcess("regimes", paths.late)).toContain(
      `${paths.late}: data.context: VIX: no VIX value within 5 days before the session 2026-07-29`,
    );
  });

  it("fails on a missing file, broken YAML and an unknown ticker", async () => {
    expect(await inProcess("regimes", paths.missing)).toContain(
      `${paths.missing}: invalid experiment config\n  cannot read the file`,
    );
    expect(await inProcess("regimes", paths.broken)).toMatch(
      new RegExp(`${escaped(paths.broken)}:\\d+:\\d+ YAML syntax: `),
    );
    const unknown = paths.unknown;
    expect(await inProcess("regimes", unknown)).toMatch(new RegExp(`${escaped(unknown)}: data: .*unknown ticker ZZZZ`));
  });
});

describe("wsp features report", () => {
  it("prints the quality report of the default set for experiments/spy-daily.yaml", () => {
    const r = result("report");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const head = /^SPY 1d 2000-01-03\.\.2026-07-23: (\d+) features; context \[VIX\], universe of 480 names/.exec(
      lines[0],
    );
    expect(head).not.toBeNull();
    const k = Number(head![1]);
    expect(k).toBeGreaterThanOrEqual(100);
    const headline = lines.find((l) => / features × \d+ rows; /.test(l))!;
    const m = /^(\d+) features × (\d+) rows; (\d+) constant, (\d+) clusters with \|r\| > 0\.95/.exec(headline)!;
    expect(Number(m[1])).toBe(k);
    const constantLine = lines.find((l) => l.startsWith("constant columns: "))!;
    const constant = constantLine === "constant columns: none" ? [] : constantLine.slice(18).split(", ");
    expect(constant.length).toBe(Number(m[3]));
    const clusterLines = lines.filter((l) => /^ {2}max \|r\| [01]\.\d{4}: /.test(l));
    expect(clusterLines.length).toBe(Number(m[4]));
    // One summary line per feature, after the table header.
    const tableAt = lines.findIndex((l) => /^feature +warmup +missing% +mean +std +min +p5 +p50 +p95 +max$/.test(l));
    expect(lines.slice(tableAt + 1).filter((l) => l.trim() !== "").length).toBe(k);
  });

  it("fails naming the file and the features path", async () => {
    expect(await inProcess("report", paths.noFeatures)).toBe(
      `${paths.noFeatures}: features: missing (expected the experiment's features block)`,
    );
    expect(await inProcess("report", paths.badFeatures)).toMatch(
      new RegExp(
        `^${escaped(paths.badFeatures)}: invalid experiment config\n  ${escaped(paths.badFeatures)}:\\d+:\\d+ features\\.set: `,
      ),
    );
  });
});
