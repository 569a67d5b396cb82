/**
 * How config errors read: integers, both bounds of every size parameter, the alternatives of a
 * union by name, and input quoted at most ~120 characters, whatever the file holds.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, loadConfigFile, parseConfig, validateConfig } from "../../src/pipeline";

const BASE = `name: t
tracking: { experiment: t }
data: { tickers: [SPY], start: 2015-01-01, end: 2020-12-31 }
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P2Y, test: P6M, final_holdout: P1Y }
models: [{ kind: gbm }]
`;

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error("expected a ConfigError");
}

/** The issues of BASE with `path` set to `value` (intermediate mappings created). */
function withValue(path: (string | number)[], value: unknown, extra: Record<string, unknown> = {}): string[] {
  const doc = { ...parse(BASE), ...extra } as Record<string, unknown>;
  let node = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    node[key] ??= typeof key === "number" ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path.at(-1) as string | number] = value;
  return issuesOf(() => validateConfig(doc, "x.yaml"));
}

describe("config issues", () => {
  it("asks for an integer where one is expected", () => {
    expect(issuesOf(() => parseConfig(`${BASE}controls: { seed: 1.5 }\n`, "x.yaml"))).toEqual([
      "x.yaml:7:19 controls.seed: expected an integer, got 1.5",
    ]);
  });

  it("names a union's alternatives instead of 'a mapping or a mapping or a mapping'", () => {
    expect(withValue(["labels"], 5)).toEqual([
      "labels: expected a mapping with kind: fixed_horizon, triple_barrier or meta, got 5",
    ]);
    expect(withValue(["validation"], "x")).toEqual([
      'validation: expected a mapping with kind: holdout, walk_forward, purged_kfold or cpcv, got "x"',
    ]);
    expect(withValue(["models", 0], 5)).toEqual([
      "models[0]: expected a mapping with kind: gbm, rf, logistic, mljs_rf or lstm, got 5",
    ]);
    expect(withValue(["validation", "embargo"], 1.5)).toEqual([
      "validation.embargo: expected an integer in [0, 100000] or an ISO-8601 duration such as P18M, P3M or P10D, got 1.5",
    ]);
    // A list where a list is allowed: the entry at fault, with the entry kinds by their keys.
    expect(withValue(["features", "set"], [5])).toEqual([
      "features.set[0]: expected a mapping with indicator: … or a mapping with column: …, got 5",
    ]);
  });

  it("bounds every size parameter, naming the YAML path and both bounds", () => {
    const models = (kind: string) => ({ models: [{ kind }] });
    const cases: [(string | number)[], string, Record<string, unknown>?][] = [
      [["models", 0, "params", "n_trees"], "[1, 100000]"],
      [["models", 0, "params", "max_depth"], "[0, 64]"],
      [["models", 0, "params", "max_leaves"], "[0, 131072]"],
      [["models", 0, "params", "early_stopping_rounds"], "[0, 100000]"],
      [["models", 0, "params", "n_threads"], "[0, 1024]"],
      [["models", 0, "params", "n_trees"], "[1, 100000]", models("rf")],
      [["models", 0, "params", "max_depth"], "[0, 64]", models("rf")],
      [["models", 0, "params", "max_leaves"], "[0, 131072]", models("rf")],
      [["models", 0, "params", "n_trees"], "[1, 100000]", models("mljs_rf")],
      [["models", 0, "params", "max_depth"], "[1, 64]", models("mljs_rf")],
      [["models", 0, "params", "max_iter"], "[1, 1000000]", models("logistic")],
      [["models", 0, "params", "window"], "[1, 1000]", models("lstm")],
      [["models", 0, "params", "units"], "[1, 4096]", models("lstm")],
      [["models", 0, "params", "epochs"], "[1, 100000]", models("lstm")],
      [["models", 0, "params", "batch_size"], "[1, 1000000]", models("lstm")],
      [["models", 0, "params", "patience"], "[0, 100000]", models("lstm")],
      [["labels", "horizon"], "[1, 100000]"],
      [["validation", "folds"], "[2, 100]", { validation: { kind: "purged_kfold", folds: 5 } }],
      [["validation", "groups"], "[2, 100]", { validation: { kind: "cpcv", groups: 6, test_groups: 2 } }],
      [["validation", "test_groups"], "[1, 99]", { validation: { kind: "cpcv", groups: 6, test_groups: 2 } }],
      [["signals", "hold_bars"], "[1, 100000]"],
      [["sizing", "vol_lookback"], "[2, 100000]"],
      [["backtest", "stops", "atr_period"], "[1, 100000]"],
      [["backtest", "guards", "cooldown_bars"], "[1, 100000]"],
      [["backtest", "guards", "win_rate_trades"], "[1, 100000]"],
      [["regimes", "grid", "vixMinHistory"], "[1, 100000]"],
      [["regimes", "grid", "maxVixStaleDays"], "[0, 100000]"],
    ];
    for (const [path, range, extra] of cases) {
      const where = path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
        .join("")
        .slice(1);
      expect(withValue(path, 1e12, extra), where).toContain(
        `${where.replace(".[", "[")}: expected an integer in ${range}, got 1e12`,
      );
    }
    expect(withValue(["models", 0, "params", "max_depth"], 100000000)).toEqual([
      "models[0].params.max_depth: expected an integer in [0, 64], got 100000000",
    ]);
    expect(
      withValue(
        ["data", "tickers"],
        Array.from({ length: 1001 }, () => "SPY"),
      ),
    ).toEqual(["data.tickers: expected a list of 1 to 1000 entries, got a list of 1001 entries"]);
  });

  it("quotes at most ~120 characters of binary garbage in a YAML file", () => {
    let state = 7;
    const bytes = Buffer.from(Array.from({ length: 9900 }, () => (state = (state * 48271) % 2147483647) & 255));
    const issues = issuesOf(() => parseConfig(bytes.toString("latin1"), "garbage.yaml"));
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.length).toBeLessThan(400);
    // A long unknown key and a long string value are cut the same way.
    const long = "k".repeat(1000);
    const keyIssues = issuesOf(() => parseConfig(`${BASE}${long}: 1\nname2: ${"v".repeat(5000)}\n`, "x.yaml"));
    expect(keyIssues[0]).toMatch(/unknown keys "k{120}…" \(1000 characters\), "name2"$/);
  });

  it("says that a missing config file does not exist", () => {
    expect(issuesOf(() => loadConfigFile("/nope/x.yaml"))).toEqual(["cannot read the file: the path does not exist"]);
  });
});
