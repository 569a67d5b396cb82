/**
 * The `sweep:` block expanded into variants: every variant a full config with its own name and
 * hash and no sweep block; grids, stepped, counted and log ranges, seeded random draws; bad
 * paths and values, absurd sizes and misuse refused with the sweep block's YAML path.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  expandSweep,
  parseConfig,
  parseSweepPath,
  runExperiment,
  SWEEP_TAGS,
  trialConfigHash,
} from "../../src/pipeline";
import { PLANTED_SIGNAL_CONFIG } from "./plantedSignal";

const FIXTURE = readFileSync(PLANTED_SIGNAL_CONFIG, "utf8");

function sweepOf(block: string) {
  return expandSweep(parseConfig(`${FIXTURE}sweep:\n${block}`, "s.yaml"));
}

function errorOf(block: string, maxVariants?: number): string {
  try {
    expandSweep(parseConfig(`${FIXTURE}sweep:\n${block}`, "s.yaml"), { maxVariants });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.join("\n");
  }
  throw new Error("expected a ConfigError");
}

describe("expandSweep", () => {
  it("a grid: every combination, each a full config with its own name, hash and trials, no sweep block", () => {
    const plan = sweepOf(`  params:
    models[0].params.max_depth: [2, 3]
    labels.horizon: { min: 3, max: 5, step: 1 }
`);
    expect(plan.sweepId).toMatch(/^sweep-[0-9a-f]{12}$/);
    expect(plan.variants.map((v) => v.label)).toEqual([
      "max_depth-2.horizon-3",
      "max_depth-2.horizon-4",
      "max_depth-2.horizon-5",
      "max_depth-3.horizon-3",
      "max_depth-3.horizon-4",
      "max_depth-3.horizon-5",
    ]);
    for (const v of plan.variants) {
      const c = v.loaded.config;
      expect(c.sweep).toBeUndefined();
      expect(v.loaded.text).not.toMatch(/^sweep:/m);
      expect(c.name).toBe(`planted-signal.${v.label}`);
      expect(c.labels.kind === "fixed_horizon" && c.labels.horizon).toBe(v.assignments["labels.horizon"]);
      expect((c.models[0].params as { max_depth: number }).max_depth).toBe(v.assignments["models[0].params.max_depth"]);
      expect(c.tracking.experiment).toBe("planted-signal");
      expect(c.tracking.tags[SWEEP_TAGS.id]).toBe(plan.sweepId);
      expect(c.tracking.tags[SWEEP_TAGS.variant]).toBe(v.label);
      // The fixture's own tags and comments stay.
      expect(c.tracking.tags.owner).toBe("research");
      expect(v.loaded.text).toContain("# The planted-signal fixture");
      // What is not swept is as the template has it.
      expect(c.models[1]).toEqual(plan.template.config.models[1]);
    }
    expect(new Set(plan.variants.map((v) => v.loaded.hash)).size).toBe(6);
    expect(new Set(plan.variants.map((v) => trialConfigHash(v.loaded.config))).size).toBe(6);
    // Deterministic: the same config gives the same sweep.
    const again = sweepOf(`  params:
    models[0].params.max_depth: [2, 3]
    labels.horizon: { min: 3, max: 5, step: 1 }
`);
    expect(again.sweepId).toBe(plan.sweepId);
    expect(again.variants.map((v) => v.loaded.hash)).toEqual(plan.variants.map((v) => v.loaded.hash));
  });

  it("ranges: stepped with exact decimals, counted, geometric on a log scale", () => {
    const plan = sweepOf(`  params:
    models.0.params.subsample: { min: 0.5, max: 0.8, step: 0.1 }
`);
    expect(plan.variants.map((v) => v.assignments["models.0.params.subsample"])).toEqual([0.5, 0.6, 0.7, 0.8]);
    const log = sweepOf(`  params:
    models.0.params.learning_rate: { min: 0.01, max: 1, log: true, count: 3 }
`);
    expect(log.variants.map((v) => v.assignments["models.0.params.learning_rate"])).toEqual([0.01, 0.1, 1]);
    expect(log.variants.map((v) => v.label)).toEqual(["learning_rate-0.01", "learning_rate-0.1", "learning_rate-1"]);
    const lin = sweepOf(`  params:
    signals.long_above: { min: 0.5, max: 0.6, count: 3 }
`);
    expect(lin.variants.map((v) => v.loaded.config.signals.long_above)).toEqual([0.5, 0.55, 0.6]);
  });

  it("random: count distinct draws, the same for a seed, log-uniform within the range", () => {
    const block = (seed: number) => `  mode: random
  seed: ${seed}
  count: 5
  params:
    models[0].params.learning_rate: { min: 0.001, max: 0.3, log: true }
    models[0].params.max_depth: [2, 3, 4]
`;
    const a = sweepOf(block(3));
    const b = sweepOf(block(3));
    const c = sweepOf(block(4));
    expect(a.variants).toHaveLength(5);
    expect(a.variants.map((v) => v.assignments)).toEqual(b.variants.map((v) => v.assignments));
    expect(c.variants.map((v) => v.assignments)).not.toEqual(a.variants.map((v) => v.assignments));
    for (const v of a.variants) {
      const lr = v.assignments["models[0].params.learning_rate"] as number;
      expect(lr).toBeGreaterThanOrEqual(0.001);
      expect(lr).toBeLessThanOrEqual(0.3);
      expect(Number(lr.toPrecision(4))).toBe(lr);
      expect([2, 3, 4]).toContain(v.assignments["models[0].params.max_depth"]);
    }
    expect(new Set(a.variants.map((v) => v.label)).size).toBe(5);
  });

  it("two paths with one last name are told apart in labels; list values of any YAML kind", () => {
    const plan = sweepOf(`  params:
    models[0].params.max_depth: [2]
    models[1].params.C: [0.1, 1]
    calibration.method: [platt, isotonic]
`);
    expect(plan.variants.map((v) => v.label)).toContain("max_depth-2.C-1.method-isotonic");
    const twice = sweepOf(`  params:
    signals.long_above: [0.55, 0.6]
    signals.short_above: [0.55]
`);
    expect(twice.variants[0].label).toBe("long_above-0.55.short_above-0.55");
  });

  it("refuses absurd sizes before building anything, with the cap option", () => {
    const ten = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
    const million = `  params:
    models[0].params.max_depth: ${ten}
    models[0].params.n_trees: ${ten}
    models[0].params.min_child_weight: ${ten}
    labels.horizon: ${ten}
    backtest.periods_per_year: ${ten}
    controls.seed: ${ten}
`;
    expect(errorOf(million)).toMatch(
      /^s\.yaml:\d+:\d+ sweep: the grid has 1,000,000 \(10 × 10 × 10 × 10 × 10 × 10\) variants, more than max variants = 64; .*raise sweep\.max_variants \(up to 10000\)/,
    );
    const eight = `  params:\n    models[0].params.max_depth: [1, 2, 3, 4, 5, 6, 7, 8]\n`;
    expect(errorOf(eight, 4)).toContain("the grid has 8 (8) variants, more than max variants = 4");
    expect(sweepOf(`  max_variants: 8\n${eight}`).variants).toHaveLength(8);
    expect(
      errorOf(`  mode: random\n  count: 100\n  params:\n    labels.horizon: { min: 1, max: 20, log: true }\n`),
    ).toContain("count asks for 100 variants, more than max variants = 64");
  });

  it("names the sweep block's path for bad paths and bad values", () => {
    expect(errorOf(`  params:\n    models[5].params.max_depth: [2, 3]\n`)).toMatch(
      /^s\.yaml:\d+:\d+ sweep\.params\."models\[5\]\.params\.max_depth": models is a list of 2 \(indices 0\.\.1\); got 5$/,
    );
    expect(errorOf(`  params:\n    models[0].params.max_depth: [2.5, 3]\n`)).toContain(
      'sweep.params."models[0].params.max_depth": variant max_depth-2.5 is not a valid config: models[0].params.max_depth: expected an integer',
    );
    expect(errorOf(`  params:\n    labels.horizn: [2, 3]\n`)).toContain(
      'sweep.params."labels.horizn": variant horizn-2 is not a valid config: labels: unknown key "horizn"',
    );
    expect(errorOf(`  params:\n    labels.horizon.x: [2, 3]\n`)).toContain(
      'sweep.params."labels.horizon.x": labels.horizon is 5, not a mapping',
    );
    expect(errorOf(`  params:\n    tracking.experiment: [a, b]\n`)).toContain("tracking cannot be swept");
    expect(errorOf(`  params:\n    models..x: [1]\n`)).toContain("expected a config path such as");
    expect(errorOf(`  params:\n    labels.horizon: [3, 3]\n`)).toContain("the value 3 is listed twice");
    expect(errorOf(`  params:\n    models[0].params.learning_rate: { min: 0.01, max: 0.3, log: true }\n`)).toContain(
      "a continuous range (no step or count) can be drawn from only in mode: random",
    );
    expect(errorOf(`  mode: random\n  count: 5\n  params:\n    labels.horizon: [3, 4]\n`)).toContain(
      "count asks for 5 distinct variants but the values allow 2",
    );
  });

  it("the block's own schema: a random sweep needs a count, ranges are checked, errors name the YAML path", () => {
    const issues = (block: string) => {
      try {
        parseConfig(`${FIXTURE}sweep:\n${block}`, "s.yaml");
      } catch (err) {
        return (err as ConfigError).issues.join("\n");
      }
      throw new Error("expected a ConfigError");
    };
    expect(issues(`  mode: random\n  params:\n    labels.horizon: [3, 4]\n`)).toMatch(
      /sweep\.count: mode: random needs a count/,
    );
    expect(issues(`  params:\n    labels.horizon: { min: 5, max: 3, step: 1 }\n`)).toMatch(/expected max > min/);
    expect(issues(`  params:\n    x: { min: 0, max: 1, log: true, count: 3 }\n`)).toMatch(/a log range needs min > 0/);
    expect(issues(`  params: {}\n`)).toMatch(/sweep\.params: expected at least one config path/);
    expect(issues(`  max_variants: 20000\n  params:\n    labels.horizon: [3]\n`)).toMatch(/sweep\.max_variants/);
  });

  it("a sweep config is not run as one experiment", async () => {
    const loaded = parseConfig(`${FIXTURE}sweep:\n  params:\n    labels.horizon: [3, 4]\n`, "s.yaml");
    await expect(runExperiment(loaded, { progress: false })).rejects.toThrow(
      "sweep: this config is a sweep; run its variants with `wsp sweep` or `wsp submit`",
    );
  });

  it("parses both path spellings", () => {
    expect(parseSweepPath("models[0].params.max_depth")).toEqual(["models", 0, "params", "max_depth"]);
    expect(parseSweepPath("models.0.params.max_depth")).toEqual(["models", 0, "params", "max_depth"]);
    expect(parseSweepPath("0.x")).toBeNull();
    expect(parseSweepPath("a b")).toBeNull();
  });
});
