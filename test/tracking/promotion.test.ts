/**
 * Registry and promotion against the suite's real MLflow server: versions, aliases, tags and
 * descriptions through REST and the Python `mlflow` client; the gates moving `champion` and
 * `challenger`; `wsp promote` and `wsp models show`; loadModelArtifact by alias and version.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deflatedSharpe } from "../../src/backtest/sharpeInference";
import { promoteRun } from "../../src/pipeline";
import { defaultDirection } from "../../src/promotion";
import {
  flattenParams,
  loadModelArtifact,
  MlflowClient,
  ModelRegistry,
  openRecorder,
  ledgerStats,
  parseModelRef,
  type Recorder,
  readLedger,
  tagRecord,
  trialEntry,
  trialKey,
  writeTrials,
} from "../../src/tracking/index";
import { testMlflowUri } from "../setup/testMlflow";

let uri: string;
let client: MlflowClient;
let registry: ModelRegistry;
let recorder: Recorder;
let outboxDir: string;

beforeAll(async () => {
  uri = await testMlflowUri();
  client = new MlflowClient({ trackingUri: uri, backoffMs: 20 });
  registry = new ModelRegistry(client);
  outboxDir = mkdtempSync(join(tmpdir(), "wsp-outbox-"));
  recorder = await openRecorder({ client, outboxDir });
});

afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

function unique(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

function python(code: string): string {
  const res = spawnSync(join(process.cwd(), ".venv", "bin", "python"), ["-c", code], {
    env: { ...process.env, MLFLOW_TRACKING_URI: uri },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
  return res.stdout.trim();
}

function wsp(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["bin/wsp.js", ...args], {
    env: { ...process.env, MLFLOW_TRACKING_URI: uri },
    encoding: "utf8",
  });
}

interface FakeExperimentRun {
  /** gbm's final-holdout and walk-forward log-loss. */
  holdout: number;
  oos: number;
  dsr: number;
  /** The control child's walk-forward log-loss; null: no control run. */
  control: number | null;
  /** The runner's own verdict (leakage, signal). */
  gates?: "passed" | "refused";
  /** promotion.dsr_basis and the DSR per basis, as the runner logs them. */
  dsrBasis?: { basis: "active" | "absolute"; active: number; absolute: number };
  /** More tags, metrics and promotion params of the parent (holdout window, Sharpe inputs, limits). */
  tags?: Record<string, string>;
  metrics?: Record<string, number>;
  promotion?: Record<string, number>;
}

/** A parent run laid out as src/pipeline/trackExperiment.ts records it, with a control child. */
async function recordRun(experiment: string, modelName: string, r: FakeExperimentRun): Promise<string> {
  const parent = await recorder.startRun({
    experiment,
    runName: "spy-daily-gbm",
    tags: { "wsp.model_name": modelName },
  });
  await parent.logParams(
    flattenParams({
      promotion: {
        metric: "oos_logloss",
        margin: 0.002,
        min_deflated_sharpe: 0.5,
        beat_control: true,
        ...(r.dsrBasis ? { dsr_basis: r.dsrBasis.basis } : {}),
        ...r.promotion,
      },
    }),
  );
  await parent.logMetrics({
    oos_logloss: r.oos,
    holdout_logloss: r.holdout,
    "gbm.oos_logloss": r.oos,
    "gbm.holdout_logloss": r.holdout,
    "rf.oos_logloss": 0.6,
    "rf.holdout_logloss": 0.6,
    deflated_sharpe: r.dsr,
    ...(r.dsrBasis ? { deflated_sharpe_active: r.dsrBasis.active, deflated_sharpe_absolute: r.dsrBasis.absolute } : {}),
    ...r.metrics,
  });
  await parent.setTags({
    "wsp.promote_model": "gbm",
    "wsp.gates": r.gates ?? "passed",
    "wsp.leakage": "none",
    ...r.tags,
  });
  if (r.gates === "refused") {
    await parent.logJsonArtifact("gates.json", {
      passed: false,
      checks: [
        { name: "leakage", passed: true, detail: "no suspected leakage" },
        { name: "signal", passed: false, detail: "OOS AUC 0.4999 is -0.01 null standard deviations above 0.5" },
      ],
    });
  }
  await parent.logJsonArtifact("model/gbm/model.json", { kind: "gbm", holdout: r.holdout });
  await parent.logArtifact("model/gbm/MLmodel", "flavors: {}\n");
  await parent.logJsonArtifact("model/rf/model.json", { kind: "rf" });
  if (r.control !== null) {
    const control = await recorder.startRun({
      experiment,
      runName: "control",
      tags: { "wsp.control": "shuffled_labels" },
      parentRunId: parent.runId,
    });
    await control.logMetrics({ oos_logloss: r.control, holdout_logloss: 0.5 });
    await control.end("FINISHED");
  }
  await parent.end("FINISHED");
  return parent.runId;
}

describe("registry", () => {
  const name = unique("reg");
  let runId: string;

  beforeAll(async () => {
    const run = await recorder.startRun({ experiment: unique("reg-exp"), runName: "r" });
    await run.logJsonArtifact("model/model.json", { kind: "logistic", w: [1, 2] });
    await run.end("FINISHED");
    runId = run.runId;
  });

  it("gets or creates a registered model once", async () => {
    const a = await registry.getOrCreateRegisteredModel(name);
    const b = await registry.getOrCreateRegisteredModel(name);
    expect(a.name).toBe(name);
    expect(b.creation_timestamp).toBe(a.creation_timestamp);
    expect(await registry.getRegisteredModel(unique("none"))).toBeNull();
  });

  it("creates READY versions from runs:/ and proxied sources, with tags, description and aliases", async () => {
    const v1 = await registry.createModelVersion({ name, source: `runs:/${runId}/model`, runId, tags: { k: "1" } });
    const run = await client.getRun(runId);
    const v2 = await registry.createModelVersion({
      name,
      source: `${run.info.artifact_uri}/model`,
      runId,
      description: "second",
    });
    expect([v1.status, v2.status]).toEqual(["READY", "READY"]);
    expect([v1.version, v2.version]).toEqual(["1", "2"]);
    await registry.setModelVersionTags(name, "2", { "gate.x": "pass" });
    await registry.setModelVersionDescription(name, "1", "first");
    await registry.setAlias(name, "champion", "1");
    await registry.setAlias(name, "challenger", "2");
    expect((await registry.getAlias(name, "champion"))?.version).toBe("1");
    expect(tagRecord((await registry.getAlias(name, "challenger"))?.tags)).toEqual({ "gate.x": "pass" });
    expect((await registry.searchModelVersions(name)).map((v) => v.version)).toEqual(["2", "1"]);
    expect((await registry.getModelVersion(name, "1"))?.description).toBe("first");
    expect(await registry.deleteAlias(name, "challenger")).toBe(true);
    expect(await registry.deleteAlias(name, "challenger")).toBe(false);
    expect(await registry.getAlias(name, "challenger")).toBeNull();
    for (const ref of [`${name}@champion`, `${name}/2`]) {
      const loaded = await loadModelArtifact(ref, { client });
      expect(loaded.json).toEqual({ kind: "logistic", w: [1, 2] });
      expect(loaded.runId).toBe(runId);
    }
  });

  it("is visible the same through the Python mlflow client", () => {
    const out = python(
      [
        "import mlflow, json",
        "c = mlflow.MlflowClient()",
        `v = c.get_model_version_by_alias("${name}", "champion")`,
        `w = c.get_model_version("${name}", "2")`,
        `p = mlflow.artifacts.download_artifacts(artifact_uri=c.get_model_version_download_uri("${name}", "2"))`,
        "m = json.load(open(p + '/model.json'))",
        "print(json.dumps({'champion': v.version, 'desc': v.description, 'tags': w.tags, 'model': m}))",
      ].join("\n"),
    );
    expect(JSON.parse(out)).toEqual({
      champion: "1",
      desc: "first",
      tags: { "gate.x": "pass" },
      model: { kind: "logistic", w: [1, 2] },
    });
  });

  it("parses model references and names the missing alias", async () => {
    expect(parseModelRef("models:/spy-daily@champion")).toEqual({
      name: "spy-daily",
      alias: "champion",
      version: null,
    });
    expect(parseModelRef("spy-daily/12")).toEqual({ name: "spy-daily", alias: null, version: "12" });
    expect(() => parseModelRef("spy-daily")).toThrow(/expected <name>@<alias>/);
    await expect(loadModelArtifact(`${name}@nobody`, { client })).rejects.toThrow(
      /no version of .* has the alias nobody/,
    );
  });
});

describe("promotion gates", () => {
  const experiment = unique("promo");
  const name = unique("spy-daily");
  const runs: Record<string, string> = {};

  it("knows which metrics are lower-is-better", () => {
    expect(["oos_logloss", "brier", "ece"].map(defaultDirection)).toEqual(["min", "min", "min"]);
    expect(["oos_auc", "sharpe", "max_drawdown"].map(defaultDirection)).toEqual(["max", "max", "max"]);
  });

  it("makes the first run that passes (b) and (c) the champion", async () => {
    runs.a = await recordRun(experiment, name, { holdout: 0.68, oos: 0.685, dsr: 0.7, control: 0.695 });
    const r = await promoteRun(client, runs.a);
    expect(r).toMatchObject({ name, version: "1", champion: true, previousChampion: null, model: "gbm" });
    expect(r.gates.map((g) => [g.gate, g.passed])).toEqual([
      ["beats_champion", true],
      ["min_deflated_sharpe", true],
      ["beats_control", true],
      ["run_checks", true],
    ]);
    expect((await registry.getAlias(name, "champion"))?.version).toBe("1");
  });

  it("does not register a run its own checks refused: exit 1 and why; --force registers it as forced", async () => {
    runs.b = await recordRun(experiment, name, { holdout: 0.7, oos: 0.71, dsr: 0.1, control: 0.65, gates: "refused" });
    await expect(promoteRun(client, runs.b)).rejects.toThrow(
      /not registered: the runner's checks refused: signal \(OOS AUC 0\.4999 .*\)\. Pass --force/,
    );
    const cli = wsp("promote", runs.b);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toBe("");
    expect(cli.stderr).toMatch(/^error: run \w+ is not registered: the runner's checks refused: signal/);
    expect((await registry.searchModelVersions(name)).map((v) => v.version)).toEqual(["1"]);
    const forced = wsp("promote", runs.b, "--force");
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain(`${name} version 2 (run ${runs.b}, model gbm) FORCED`);
    const r = await promoteRun(client, runs.b, { force: true });
    expect(r.forced).toBe(true);
    expect(r).toMatchObject({ version: "2", champion: false, previousChampion: "1" });
    expect(r.gates.every((g) => !g.passed)).toBe(true);
    expect((await registry.getAlias(name, "champion"))?.version).toBe("1");
    const v = await registry.getAlias(name, "challenger");
    expect(v?.version).toBe("2");
    const tags = tagRecord(v?.tags);
    expect(tags).toMatchObject({
      "gate.beats_champion": "fail",
      "gate.beats_champion.value": "0.7",
      "gate.beats_champion.threshold": "0.678",
      "gate.min_deflated_sharpe": "fail",
      "gate.min_deflated_sharpe.value": "0.1",
      "gate.min_deflated_sharpe.threshold": "0.5",
      "gate.beats_control": "fail",
      "gate.beats_control.value": "0.71",
      "gate.beats_control.threshold": "0.648",
      "gate.run_checks": "fail",
      "wsp.verdict": "challenger",
      "wsp.metric.oos_logloss": "0.71",
      "wsp.metric.holdout_logloss": "0.7",
      "wsp.forced": "true",
    });
    expect(tags["wsp.forced.reason"]).toMatch(/^the runner's checks refused: signal \(OOS AUC 0\.4999/);
    // The alias line first, the forced registration right below it.
    const [first, second] = (v?.description ?? "").split("\n");
    expect(first).toBe("Kept as challenger: beats_champion, min_deflated_sharpe, beats_control, run_checks failed.");
    expect(second).toMatch(/^FORCED: registered although the runner's checks refused: signal/);
    expect(v?.description).toContain(
      "DSR P[SR>SR0] 0.1 as logged (the run records no Sharpe inputs to recompute it) needs >= 0.5",
    );
    expect(v?.description).toContain(
      "- run_checks: FAIL: the runner's checks refused: signal (OOS AUC 0.4999 is -0.01 null standard deviations above 0.5)",
    );
    const runTags = tagRecord((await client.getRun(runs.b)).data.tags);
    expect(runTags["wsp.registered_version"]).toBe(`${name}/2`);
  });

  it("lets a run better by the margin replace the champion", async () => {
    runs.c = await recordRun(experiment, name, { holdout: 0.67, oos: 0.68, dsr: 0.6, control: 0.69 });
    const r = await promoteRun(client, runs.c);
    expect(r).toMatchObject({ version: "3", champion: true, previousChampion: "1" });
    expect((await registry.getAlias(name, "champion"))?.version).toBe("3");
    expect(tagRecord((await registry.getModelVersion(name, "3"))?.tags)["wsp.evaluated_against"]).toBe("1");
  });

  it("keeps a run better by less than the margin as challenger (through `wsp promote`)", async () => {
    runs.d = await recordRun(experiment, name, { holdout: 0.669, oos: 0.675, dsr: 0.9, control: 0.7 });
    const res = wsp("promote", runs.d);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(`${name} version 4`);
    expect(res.stdout).toContain("- beats_champion: FAIL");
    expect(res.stdout).toContain("- min_deflated_sharpe: PASS");
    expect(res.stdout).toContain(`challenger: ${name}@challenger = v4; champion stays v3`);
    expect((await registry.getAlias(name, "champion"))?.version).toBe("3");
    expect((await registry.getAlias(name, "challenger"))?.version).toBe("4");
  });

  it("a version that lost its alias no longer claims it in its description", async () => {
    // v1 lost champion to v3, v2 lost challenger to v4; their gate lines stay as evaluated.
    const day = new Date().toISOString().slice(0, 10);
    const v1 = (await registry.getModelVersion(name, "1"))?.description ?? "";
    const v2 = (await registry.getModelVersion(name, "2"))?.description ?? "";
    expect(v1.split("\n")[0]).toBe(`No alias: champion moved to version 3 on ${day}. Every gate had passed.`);
    expect(v2.split("\n")[0]).toBe(
      `No alias: challenger moved to version 4 on ${day}. Its gates: beats_champion, min_deflated_sharpe, beats_control, run_checks failed.`,
    );
    expect(v2).not.toContain("Kept as challenger");
    // v2 was registered with --force: the rewrite keeps that line.
    expect(v2.split("\n")[1]).toMatch(/^FORCED: registered although the runner's checks refused: signal/);
    expect(v2).toContain("DSR P[SR>SR0] 0.1 as logged (the run records no Sharpe inputs to recompute it) needs >= 0.5");
    // The holders keep theirs.
    expect((await registry.getModelVersion(name, "3"))?.description).toMatch(/^Promoted to champion/);
    expect((await registry.getModelVersion(name, "4"))?.description).toMatch(/^Kept as challenger: beats_champion/);
  });

  it("promoting the champion's run again re-uses its version", async () => {
    const r = await promoteRun(client, runs.c);
    expect(r).toMatchObject({ version: "3", champion: true });
    expect((await registry.searchModelVersions(name)).length).toBe(4);
    expect((await registry.getModelVersion(name, "3"))?.description).toContain(
      "holdout_logloss 0.67 vs champion v1 gbm.holdout_logloss 0.68",
    );
  });

  it("loads the champion's model JSON and shows the registry in `wsp models`", async () => {
    const champ = await loadModelArtifact(`${name}@champion`, { client });
    expect(champ).toMatchObject({
      version: "3",
      runId: runs.c,
      aliases: ["champion"],
      json: { kind: "gbm", holdout: 0.67 },
    });
    expect(JSON.parse(new TextDecoder().decode(await champ.runArtifact("model/rf/model.json")))).toEqual({
      kind: "rf",
    });
    const show = wsp("models", "show", name);
    expect(show.status).toBe(0);
    expect(show.stdout).toContain(`${name}  champion=v3 challenger=v4`);
    expect(show.stdout).toMatch(/v3 \[champion\] {2}READY .* model gbm {2}oos_logloss=0\.68 {2}holdout_logloss=0\.67/);
    expect(show.stdout).toContain("Promoted to champion: every gate passed.");
    const list = wsp("models", "list");
    expect(list.stdout).toMatch(new RegExp(`${name} {2}latest v4 {2}champion=v3 challenger=v4`));
  });

  it("applies gates (b) and (c) when there is no champion yet: no control run, no champion", async () => {
    const other = unique("no-control");
    const id = await recordRun(experiment, other, { holdout: 0.6, oos: 0.6, dsr: 0.9, control: null });
    const r = await promoteRun(client, id);
    expect(r.champion).toBe(false);
    expect(r.gates.find((g) => g.gate === "beats_control")?.detail).toMatch(/no control run/);
    expect(await registry.getAlias(other, "champion")).toBeNull();
    expect((await registry.getAlias(other, "challenger"))?.version).toBe("1");
  });

  it("refuses a run without wsp.promote_model or without its model.json", async () => {
    const run = await recorder.startRun({ experiment, runName: "bare" });
    await run.end("FINISHED");
    await expect(promoteRun(client, run.runId)).rejects.toThrow(/tag wsp\.promote_model is missing/);
    const run2 = await recorder.startRun({ experiment, runName: "no-model", tags: { "wsp.promote_model": "gbm" } });
    await run2.end("FINISHED");
    await expect(promoteRun(client, run2.runId)).rejects.toThrow(
      /no model\.json in model\/gbm or model among its artifacts/,
    );
  });
});

describe("promotion gates: deflated Sharpe basis", () => {
  it("reads deflated_sharpe_<promotion.dsr_basis>; a tag overrides the logged basis", async () => {
    const experiment = unique("promo-basis");
    const name = unique("basis");
    const dsrBasis = { basis: "active" as const, active: 0.2, absolute: 0.9 };
    const runId = await recordRun(experiment, name, { holdout: 0.68, oos: 0.685, dsr: 0.2, control: 0.695, dsrBasis });
    const r = await promoteRun(client, runId);
    const gate = r.gates.find((g) => g.gate === "min_deflated_sharpe");
    expect(gate).toMatchObject({ passed: false, value: 0.2 });
    expect(gate?.detail).toBe(
      "DSR P[SR>SR0] (active returns) 0.2 as logged (the run records no Sharpe inputs to recompute it) needs >= 0.5",
    );
    expect(r.champion).toBe(false);
    await client.setTag(runId, "promotion.dsr_basis", "absolute");
    const again = await promoteRun(client, runId);
    expect(again.gates.find((g) => g.gate === "min_deflated_sharpe")).toMatchObject({ passed: true, value: 0.9 });
  });

  it("reads a run recorded before the basis existed: its deflated_sharpe is absolute, never taken as active", async () => {
    const experiment = unique("promo-legacy");
    const name = unique("legacy");
    // Only `deflated_sharpe` (absolute returns), as runs logged it before deflated_sharpe_<basis>.
    const runId = await recordRun(experiment, name, { holdout: 0.68, oos: 0.685, dsr: 0.9, control: 0.695 });
    expect((await promoteRun(client, runId)).gates.find((g) => g.gate === "min_deflated_sharpe")).toMatchObject({
      passed: true,
      value: 0.9,
    });
    await client.setTag(runId, "promotion.dsr_basis", "absolute");
    expect((await promoteRun(client, runId)).gates.find((g) => g.gate === "min_deflated_sharpe")?.value).toBe(0.9);
    await client.setTag(runId, "promotion.dsr_basis", "active");
    const active = (await promoteRun(client, runId)).gates.find((g) => g.gate === "min_deflated_sharpe");
    expect(active?.passed).toBe(false);
    expect(active?.detail).toBe(
      "DSR P[SR>SR0] (active returns) missing as logged (the run records no Sharpe inputs to recompute it) needs >= 0.5",
    );
  });
});

describe("runs promote refuses before any gate", () => {
  it("says a FAILED run failed (with its error) and a child run is a child, naming its parent", async () => {
    const experiment = unique("promo-refuse");
    const failed = await recorder.startRun({ experiment, runName: "broken" });
    await failed.end("FAILED", new Error("features: no column is usable"));
    await expect(promoteRun(client, failed.runId)).rejects.toThrow(
      `run ${failed.runId} failed: Error: features: no column is usable; only a FINISHED run can be promoted`,
    );
    const name = unique("refuse");
    const parentId = await recordRun(experiment, name, { holdout: 0.68, oos: 0.685, dsr: 0.7, control: 0.695 });
    const children = await client.searchAllRuns({
      experimentIds: [(await client.getRun(parentId)).info.experiment_id],
      filter: `tags.\`mlflow.parentRunId\` = '${parentId}'`,
    });
    const child = children[0].info.run_id;
    const res = wsp("promote", child);
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(
      `error: run ${child} is a child run ("control") of parent run ${parentId}; models are registered from the parent: wsp promote ${parentId}\n`,
    );
    expect(await registry.getRegisteredModel(name)).toBeNull();
  });

  it("refuses a run without the shuffled-label control unless allowed", async () => {
    const experiment = unique("promo-nocontrol");
    const name = unique("nocontrol");
    const id = await recordRun(experiment, name, {
      holdout: 0.68,
      oos: 0.685,
      dsr: 0.7,
      control: null,
      tags: { "wsp.control": "none" },
    });
    await expect(promoteRun(client, id)).rejects.toThrow(
      /not registered: its config switched the shuffled-label control off .*pass --allow-no-control$/,
    );
    expect(await registry.getRegisteredModel(name)).toBeNull();
    const res = wsp("promote", id, "--allow-no-control");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("- beats_control: FAIL: no control run");
    expect((await registry.getAlias(name, "challenger"))?.version).toBe("1");
  });
});

describe("promotion: the deflated Sharpe at decision time", () => {
  it("recomputes it from the run's Sharpe inputs and the ledger as it stands, and records both", async () => {
    const experiment = unique("promo-dsr");
    const name = unique("dsr");
    const inputs = { sr: 0.09, nObs: 500, skew: -0.3, kurtosis: 5 };
    const trial = (config: string, variant: string, sharpe: number) =>
      // The absolute Sharpes differ from the active ones, so a gate on the wrong basis shows.
      trialEntry(trialKey(config, "data", variant), { variant, sharpe: 2 * sharpe, activeSharpe: sharpe, nObs: 500 });
    // The run's own three variants, as the runner writes them.
    await writeTrials(client, experiment, [
      trial("a", "gbm", 0.09),
      trial("a", "rf", 0.05),
      trial("a", "ensemble", 0.07),
    ]);
    const atRun = ledgerStats(await readLedger(client, experiment), inputs.nObs);
    const logged = deflatedSharpe({ ...inputs, nTrials: atRun.count, sharpeVariance: atRun.activeSharpeVariance }).dsr;
    const fake: FakeExperimentRun = {
      holdout: 0.68,
      oos: 0.685,
      dsr: logged,
      control: 0.695,
      dsrBasis: { basis: "active", active: logged, absolute: 0.99 },
      metrics: {
        "sharpe_inputs.active.sr": inputs.sr,
        "sharpe_inputs.active.n_obs": inputs.nObs,
        "sharpe_inputs.active.skew": inputs.skew,
        "sharpe_inputs.active.kurtosis": inputs.kurtosis,
        trials: 3,
      },
    };
    // A run promoted on the ledger of its day: champion.
    const early = await recordRun(experiment, name, fake);
    expect((await promoteRun(client, early)).champion).toBe(true);
    const id = await recordRun(experiment, name, fake);
    expect(logged).toBeGreaterThan(0.5);
    // Later experiments in the same MLflow experiment: a sweep of 40 variants.
    await writeTrials(
      client,
      experiment,
      Array.from({ length: 40 }, (_, i) => trial("sweep", `v${i}`, (i - 20) / 200)),
    );
    expect((await readLedger(client, experiment)).size).toBe(43);
    // The variance (ddof 1) of the 43 active Sharpes, computed here.
    const active = [0.09, 0.05, 0.07, ...Array.from({ length: 40 }, (_, i) => (i - 20) / 200)];
    const mean = active.reduce((a, b) => a + b) / active.length;
    const activeVariance = active.reduce((a, b) => a + (b - mean) ** 2, 0) / (active.length - 1);
    const expected = deflatedSharpe({ ...inputs, nTrials: 43, sharpeVariance: activeVariance }).dsr;
    expect(expected).toBeLessThan(0.5);
    const r = await promoteRun(client, id);
    const gate = r.gates.find((g) => g.gate === "min_deflated_sharpe");
    expect(gate?.passed).toBe(false);
    expect(Math.abs((gate?.value ?? Number.NaN) - expected)).toBeLessThanOrEqual(1e-12);
    expect(gate?.detail).toMatch(
      /^DSR P\[SR>SR0\] \(active returns\) 0\.\d+ now \(ledger: 43 trials, Sharpe variance [\d.e-]+; logged 0\.\d+ with 3 trials\) needs >= 0\.5$/,
    );
    const tags = tagRecord((await registry.getModelVersion(name, r.version))?.tags);
    expect(Number(tags["wsp.dsr.logged"])).toBeCloseTo(logged, 5);
    expect(Number(tags["wsp.dsr.decision"])).toBeCloseTo(expected, 5);
    expect([tags["wsp.dsr.logged_trials"], tags["wsp.dsr.decision_trials"]]).toEqual(["3", "43"]);
    // Re-promoting the champion's run decides nothing: it stays champion and says so, although its
    // deflated Sharpe would fail now.
    const again = await promoteRun(client, early);
    expect(again.gates.find((g) => g.gate === "min_deflated_sharpe")?.passed).toBe(false);
    expect(again).toMatchObject({ version: "1", champion: true, previousChampion: "1" });
    expect(wsp("promote", early).stdout).toContain(`champion: ${name}@champion = v1 (was v1)`);
    expect((await registry.getAlias(name, "champion"))?.version).toBe("1");
  });
});

describe("promotion: the holdout ledger", () => {
  it("counts decisions per holdout window and past the limit requires a forward window", async () => {
    const experiment = unique("promo-holdout");
    const name = unique("holdout");
    const window = (start: string, end: string) => ({
      "wsp.holdout.start": `${start}T00:00:00.000Z`,
      "wsp.holdout.end": `${end}T00:00:00.000Z`,
    });
    const run = (holdout: number, tags: Record<string, string>) =>
      recordRun(experiment, name, {
        holdout,
        oos: holdout,
        dsr: 0.9,
        control: 0.7,
        tags,
        promotion: { holdout_reuse_limit: 2 },
      });
    const first = await promoteRun(client, await run(0.68, window("2024-07-24", "2026-07-23")));
    expect(first.description).toContain(
      `Final holdout 2024-07-24..2026-07-23: promotion decision 1 of at most 2 it may serve for ${name}.`,
    );
    const second = await promoteRun(client, await run(0.67, window("2024-07-24", "2026-07-23")));
    expect(second.description).toContain("promotion decision 2 of at most 2");
    expect(tagRecord((await registry.getModelVersion(name, second.version))?.tags)).toMatchObject({
      "wsp.holdout.window": "2024-07-24..2026-07-23",
      "wsp.holdout.decisions": "2",
    });
    // One tag per window and promoted run.
    expect(tagRecord((await registry.getRegisteredModel(name))?.tags)).toMatchObject({
      [`wsp.holdout.2024-07-24_2026-07-23.${first.runId}`]: "1",
      [`wsp.holdout.2024-07-24_2026-07-23.${second.runId}`]: "1",
    });
    // The same window again, and a window shifted by a month (mostly the same data): refused.
    for (const w of [window("2024-07-24", "2026-07-23"), window("2024-08-26", "2026-08-21")]) {
      const id = await run(0.66, w);
      await expect(promoteRun(client, id)).rejects.toThrow("the final holdout 2024-0" /* either window */);
      const cli = wsp("promote", id);
      expect(cli.status).toBe(1);
      expect(cli.stderr).toContain(
        "has served 2 promotion decisions for " +
          name +
          ", the limit (promotion.holdout_reuse_limit = 2): it has become a selection set. Promote a run with a forward window, a final holdout that starts after 2026-07-23",
      );
    }
    // An earlier window that overlaps none recorded is no way out: the runs behind the used-up
    // holdout trained on it. Past the limit only data after that holdout is a holdout.
    const backward = await run(0.66, window("2022-01-03", "2023-12-29"));
    await expect(promoteRun(client, backward)).rejects.toThrow(
      `run ${backward} is not registered: the final holdout 2022-01-03..2023-12-29 starts before the end of the final holdout 2024-07-24..2026-07-23, which has served 2 promotion decisions for ${name}, the limit (promotion.holdout_reuse_limit = 2)`,
    );
    expect((await registry.searchModelVersions(name)).length).toBe(2);
    // Re-promoting the champion's own run decides nothing: not refused, not counted.
    expect((await promoteRun(client, second.runId)).champion).toBe(true);
    // A forward window: a holdout on data after the used-up one.
    const forward = await promoteRun(client, await run(0.66, window("2026-07-24", "2026-12-31")));
    expect(forward.description).toContain("Final holdout 2026-07-24..2026-12-31: promotion decision 1 of at most 2");
    expect(tagRecord((await registry.getRegisteredModel(name))?.tags)).toMatchObject({
      [`wsp.holdout.2024-07-24_2026-07-23.${second.runId}`]: "1",
      [`wsp.holdout.2026-07-24_2026-12-31.${forward.runId}`]: "1",
    });
  });

  it("counts every decision when promotions of one model run at once", async () => {
    const experiment = unique("promo-holdout-race");
    const name = unique("holdout-race");
    const run = (holdout: number) =>
      recordRun(experiment, name, {
        holdout,
        oos: holdout,
        dsr: 0.9,
        control: 0.75,
        tags: { "wsp.holdout.start": "2024-07-24T00:00:00.000Z", "wsp.holdout.end": "2026-07-23T00:00:00.000Z" },
      });
    await promoteRun(client, await run(0.68));
    // Three challengers (none beats the champion) promoted at the same moment, as jobs would.
    const ids = await Promise.all([0.7, 0.71, 0.72].map(run));
    await Promise.all(ids.map((id) => promoteRun(client, id)));
    const fifth = await promoteRun(client, await run(0.73));
    expect(fifth.description).toContain("promotion decision 5 of at most 5");
    await expect(promoteRun(client, await run(0.74))).rejects.toThrow("has served 5 promotion decisions");
  });
});
