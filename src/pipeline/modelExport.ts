/**
 * A run's model variant (one model of the zoo, or the ensemble) as the files of an MLflow 3
 * logged model, self-contained so that the directory alone predicts:
 *
 *   MLmodel                      flavors, signature (feature columns in, class probabilities out)
 *   model.json                   the model; for the ensemble its record (the combiner: linear
 *                                weights or the stacking meta-model), members by path:
 *   members/<name>/model.json    each ensemble member
 *   calibration.json             the calibration the run applied to that variant's holdout
 *   input_example.json           a few real final-holdout rows (and serving_input_example.json)
 *   code/wsp_pyfunc.py           the `python_function` loader, when every member has one
 *
 * `python_function` exists for the kinds with the `pyfunc` capability in src/models/kinds.ts (gbm,
 * rf, logistic: src/tracking/pyfunc/wsp_pyfunc.py, pure numpy, the same arithmetic as
 * `loadRegisteredModel`). A variant with another member (the
 * LSTM) declares that it has none: no `python_function` flavor, the `wsp` flavor's
 * `python_function` field and the model's tag `wsp.python_function` say why.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { combinerToJSON, PYFUNC_KINDS } from "../models";
import { flattenParams, type ColumnSpec, mlModelFiles, type LogModelInput } from "../tracking";
import { findRepoRoot } from "../services";
import { calibrationArtifact } from "./calibrationArtifact";
import type { ExperimentResult } from "./runExperiment";

/** The input column holding the regime id per row, when the calibration is per regime (as wsp_pyfunc.py reads it). */
export const REGIME_COLUMN = "regime";

/** The MLflow release whose MLmodel layout these files follow. */
const MLFLOW_FORMAT_VERSION = "3.17.2";

/** Rows of the input example. */
const EXAMPLE_ROWS = 5;

/** The loader's source, shipped inside every model that has the flavor. */
export function pyfuncSource(): string {
  return readFileSync(join(findRepoRoot(), "src", "tracking", "pyfunc", "wsp_pyfunc.py"), "utf8");
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The logged model of `variant` ("ensemble" or a model's name). `metrics`: the run's metrics for
 * this variant (keys as the run logged them), linked to the model too.
 */
export function variantModel(
  r: ExperimentResult,
  variant: string,
  metrics: Record<string, number>,
  metricsTimestamp: number,
): LogModelInput {
  const ensemble = variant === "ensemble" ? r.ensemble : null;
  if (variant === "ensemble" && !ensemble) throw new Error("variantModel: the run has no ensemble");
  const memberNames = ensemble ? ensemble.members : [variant];
  const members = memberNames.map((name) => {
    const m = r.models.find((x) => x.name === name);
    if (!m) throw new Error(`variantModel: no model named ${name}`);
    return m;
  });
  const weights = ensemble ? Array.from(ensemble.weights) : [1];
  const calibration = calibrationArtifact(r, variant);
  const featureNames = members[0].model.featureNames;
  const needsRegime = calibration.members.some((m) => (m.calibrator?.perRegime.length ?? 0) > 0);
  const unsupported = members.filter((m) => !PYFUNC_KINDS.some((k) => k === m.kind)).map((m) => m.kind);
  const pyfunc = unsupported.length === 0;
  const pyfuncNote = pyfunc
    ? "wsp_pyfunc"
    : `none: ${[...new Set(unsupported)].join(", ")} has no Python implementation (only ${PYFUNC_KINDS.join(", ")})`;

  const files: LogModelInput["files"] = [];
  if (ensemble) {
    files.push({
      path: "model.json",
      content: json({
        kind: "ensemble",
        fit_on: "oof",
        blend: ensemble.kind,
        // What blends the calibrated members (stacking: the meta-model); `weight` below is each
        // member's share, the blend weight itself for a linear combiner.
        combiner: combinerToJSON(ensemble.combiner),
        members: members.map((m, i) => ({
          name: m.name,
          kind: m.kind,
          weight: weights[i],
          path: `members/${m.name}/model.json`,
        })),
        calibration: r.config.calibration.method,
      }),
    });
    for (const m of members) files.push({ path: `members/${m.name}/model.json`, content: json(m.model.toJSON()) });
  } else {
    files.push({ path: "model.json", content: json(members[0].model.toJSON()) });
  }
  files.push({ path: "calibration.json", content: json(calibration) });
  if (pyfunc) files.push({ path: "code/wsp_pyfunc.py", content: pyfuncSource() });

  const inputs: ColumnSpec[] = featureNames.map((name) => ({ name, type: "double", required: true }));
  if (needsRegime) inputs.push({ name: REGIME_COLUMN, type: "double", required: true });
  const classes = r.width === 1 ? [r.classes[1]] : [...r.classes];
  const outputs: ColumnSpec[] = classes.map((c) => ({ name: `p_${c}`, type: "double", required: true }));

  const flavors: Record<string, Record<string, unknown>> = {};
  if (pyfunc) flavors.python_function = { loader_module: "wsp_pyfunc", code: "code" };
  flavors.wsp = {
    kind: ensemble ? "ensemble" : members[0].kind,
    ...(ensemble ? { blend: ensemble.kind } : {}),
    members: members.map((m, i) => ({ name: m.name, kind: m.kind, weight: weights[i] })),
    data: "model.json",
    calibration: "calibration.json",
    classes: [...r.classes],
    loader: "loadRegisteredModel (src/pipeline)",
    python_function: pyfuncNote,
  };
  files.unshift(
    ...mlModelFiles({
      flavors,
      inputs,
      outputs,
      example: inputExample(r, featureNames, needsRegime),
      mlflowVersion: MLFLOW_FORMAT_VERSION,
    }),
  );

  const params: Record<string, string> = ensemble
    ? Object.fromEntries(members.map((m, i) => [`weight.${m.name}`, String(weights[i])]))
    : {};
  members.forEach((m) => {
    const cfg = r.config.models[r.models.indexOf(m)];
    for (const [k, v] of Object.entries(flattenParams({ kind: m.kind, params: cfg?.params ?? {} }))) {
      params[ensemble ? `${m.name}.${k}` : k] = String(v);
    }
  });
  if (ensemble) params["ensemble.kind"] = ensemble.kind;
  params["calibration.method"] = calibration.method;
  return {
    name: variant,
    modelType: "classifier",
    params,
    tags: {
      "wsp.variant": variant,
      "wsp.members": members.map((m) => `${m.name}:${m.kind}`).join(","),
      "wsp.python_function": pyfunc ? "true" : pyfuncNote,
    },
    files,
    metrics,
    metricsTimestamp,
  };
}

/** The last rows of the final holdout whose features are all finite (real rows a caller would send). */
function inputExample(
  r: ExperimentResult,
  featureNames: readonly string[],
  withRegime: boolean,
): { columns: string[]; rows: number[][] } | null {
  const cols = featureNames.map((name) => {
    const i = r.panel.names.indexOf(name);
    if (i < 0) throw new Error(`variantModel: feature ${name} is not a panel column`);
    return r.panel.columns[i];
  });
  const rows: number[][] = [];
  const holdout = Array.from(r.plan.holdout);
  for (let j = holdout.length - 1; j >= 0 && rows.length < EXAMPLE_ROWS; j--) {
    const row = holdout[j];
    const values = cols.map((c) => c[row]);
    if (!values.every(Number.isFinite)) continue;
    if (withRegime) values.push(r.regimes.ids[row]);
    rows.unshift(values);
  }
  if (rows.length === 0) return null;
  return { columns: withRegime ? [...featureNames, REGIME_COLUMN] : [...featureNames], rows };
}
