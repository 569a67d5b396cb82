/**
 * The experiment config: every shipped file validates; bad input names the file, line, YAML path
 * and what was expected; kinds without an implementation fail before any work, naming the entry.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfigFile, parseConfig, runExperiment, trialConfigHash } from "../../src/pipeline";

const BASE = `name: t
tracking: { experiment: t }
data: { tickers: [SPY], start: 2015-01-01, end: 2020-12-31 }
labels: { kind: fixed_horizon, horizon: 5 }
validation: { kind: walk_forward, train: P2Y, test: P6M, final_holdout: P1Y }
`;

function issuesOf(text: string): string[] {
  try {
    parseConfig(text, "x.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error("expected a ConfigError");
}

describe("experiment config", () => {
  it("validates every shipped experiment", () => {
    const dir = "experiments";
    const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    expect(files).toEqual(
      expect.arrayContaining([
        "spy-daily.yaml",
        "etf-daily-multi.yaml",
        "spy-5m.yaml",
        "universe-daily.yaml",
        "lstm-spy.yaml",
      ]),
    );
    for (const f of files) {
      const loaded = loadConfigFile(join(dir, f));
      expect(loaded.config.models.length).toBeGreaterThan(0);
      expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
      // Every shipped experiment runs its shuffled-label control.
      expect([f, loaded.config.controls.shuffled_labels]).toEqual([f, true]);
    }
  });

  it("runs the shuffled-label control by default, on the model controls.model names", () => {
    const c = parseConfig(`${BASE}models: [{ kind: gbm }, { kind: logistic }]
`).config;
    expect(c.controls.shuffled_labels).toBe(true);
    expect(c.controls.model).toBeUndefined();
    const cheap = parseConfig(`${BASE}models: [{ kind: gbm }, { kind: logistic }]
controls: { model: logistic }
`);
    expect(cheap.config.controls.model).toBe("logistic");
    expect(
      issuesOf(`${BASE}models: [{ kind: gbm }]
controls: { model: rf }
`),
    ).toEqual([
      expect.stringMatching(/^x\.yaml:\d+:\d+ controls\.model: "rf" is not a model of this config \(models: gbm\)$/),
    ]);
  });

  it("identifies a trial by what changes the variants, not by name, tracking, comments or the control", () => {
    const base = `${BASE}models: [{ kind: gbm }]
`;
    const id = (text: string) => trialConfigHash(parseConfig(text).config);
    const renamed = base
      .replace("name: t", "name: other\ndescription: a rerun")
      .replace("experiment: t", "experiment: u");
    expect(id(renamed)).toBe(id(base));
    expect(id(`# a comment\n${base}controls: { shuffled_labels: false }\n`)).toBe(id(base));
    expect(id(base.replace("kind: gbm", "kind: gbm, params: { n_trees: 5 }"))).not.toBe(id(base));
    // The control's seed permutes only the control's labels (runs that permute their target or
    // inject a leak record no trials at all).
    expect(id(`${base}controls: { seed: 11, model: gbm }\n`)).toBe(id(base));
  });

  it("fills every module's defaults", () => {
    const c = parseConfig(`${BASE}models: [{ kind: gbm }]\n`).config;
    expect(c.models[0]).toMatchObject({ kind: "gbm", params: { n_trees: 100, max_depth: 6 } });
    expect(c.calibration.method).toBe("none");
    expect(c.signals.long_above).toBe(0.55);
    expect(c.backtest.benchmark).toBe("SPY");
    expect(c.features.set).toBe("default");
    expect(c.promotion).toMatchObject({
      metric: "oos_logloss",
      min_deflated_sharpe: 0.5,
      dsr_basis: "active",
      beat_control: true,
    });
    expect(
      parseConfig(`${BASE}models: [{ kind: gbm }]\npromotion: { dsr_basis: absolute }\n`).config.promotion.dsr_basis,
    ).toBe("absolute");
    expect(c.data.start).toBe("2015-01-01");
  });

  it("names the file, line, YAML path and what was expected", () => {
    const text = `${BASE}models:\n  - { kind: gbm }\n  - { kind: rf, params: { max_depth: six } }\n`;
    expect(issuesOf(text)).toEqual([
      'x.yaml:8:38 models[1].params.max_depth: expected an integer in [0, 64], got "six"',
    ]);
  });

  it("reports every issue at once, each at its own line", () => {
    const text = `${BASE}models: [{ kind: foo }]
signals: { long_above: 2 }
calibration: { method: magic }
sizing: { kind: fixed, fraction: -1 }
bogus: 1
`;
    const issues = issuesOf(text);
    expect(issues).toContain('x.yaml:6:18 models[0].kind: expected one of gbm, rf, logistic, mljs_rf, lstm, got "foo"');
    expect(issues).toContain("x.yaml:7:24 signals.long_above: expected a number in [0, 1], got 2");
    expect(issues).toContain(
      'x.yaml:8:24 calibration.method: expected one of platt, isotonic, temperature, none, got "magic"',
    );
    expect(issues).toContain("x.yaml:9:34 sizing.fraction: expected a number >= 0, got -1");
    expect(issues).toContain('x.yaml:10:8 (top level): unknown key "bogus"');
  });

  it("points a missing block at the mapping that lacks it", () => {
    const issues = issuesOf("name: t\ntracking: { experiment: t }\n");
    expect(issues).toContain("x.yaml:1:1 data: required: expected a mapping");
    expect(issues).toContain("x.yaml:1:1 models: required: expected a list of at least 1 entry");
  });

  it("checks module rules and the pipeline's own", () => {
    const dup = issuesOf(`${BASE}models: [{ kind: gbm }, { kind: gbm }]\nensemble: { kind: weighted }\n`);
    expect(dup).toEqual([
      'x.yaml:6:25 models[1].name: model name "gbm" is already used by models[0]; give each entry a distinct name',
    ]);
    const lone = issuesOf(`${BASE}models: [{ kind: gbm }]\nensemble: {}\n`);
    expect(lone).toEqual(["x.yaml:7:11 ensemble: an ensemble needs at least two models"]);
    const dur = issuesOf(BASE.replace("P6M", "6 months") + "models: [{ kind: gbm }]\n");
    expect(dur).toEqual([
      'x.yaml:5:53 validation.test: expected an ISO-8601 duration such as P18M, P3M or P10D, got "6 months"',
    ]);
  });

  it("reports YAML syntax errors with their line", () => {
    const issues = issuesOf(`${BASE}models: [{ kind: gbm }\n`);
    expect(issues[0]).toMatch(/^x\.yaml:\d+:\d+ YAML syntax: Flow sequence/);
  });

  it("hashes the config, not its layout", () => {
    const a = parseConfig(`${BASE}models: [{ kind: gbm }]\n`).hash;
    const b = parseConfig(`# comment\n${BASE}models:\n  - kind: gbm\n`).hash;
    const c = parseConfig(`${BASE}models: [{ kind: gbm, params: { n_trees: 5 } }]\n`).hash;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("checks each model kind's parameters with its own schema", () => {
    const issues = issuesOf(
      `${BASE}models: [{ kind: lstm, params: { window: 0 } }, { kind: logistic, params: { C: -1 } }]\n`,
    );
    expect(issues).toEqual([
      "x.yaml:6:42 models[0].params.window: expected an integer in [1, 1000], got 0",
      "x.yaml:6:80 models[1].params.C: expected a number > 0, got -1",
    ]);
  });

  it("refuses model and data combinations before any work, naming models[i].kind", async () => {
    const lstmPair = parseConfig(`${BASE.replace("[SPY]", "[SPY, QQQ]")}models: [{ kind: gbm }, { kind: lstm }]\n`);
    await expect(runExperiment(lstmPair, { progress: false })).rejects.toThrow(
      /^models\[1\]\.kind: lstm needs one ticker .* data\.tickers has 2$/,
    );
    const rf3 = parseConfig(
      `${BASE.replace("horizon: 5 }", "horizon: 5, classes: 3, threshold: 0.01 }")}models: [{ kind: rf }]\n`,
    );
    await expect(runExperiment(rf3, { progress: false })).rejects.toThrow(
      "models[0].kind: rf fits binary labels only; the labels have 3 classes",
    );
  });
});
