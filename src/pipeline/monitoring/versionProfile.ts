/**
 * The reference profile of a registered version (`name@alias`, `name/version`): its logged
 * model's `reference_profile.json` (the `reference profile` record step), or, for a version
 * registered before profiles existed, one computed now from its run, as that step would have:
 *
 * - the run's `config.yaml` read back and the runner's phases re-run through `splits` on its
 *   data (the training window is the split plan's rows: the labelled rows before the final
 *   holdout, which the final model was fitted on). Data read from the store is cut at the run's
 *   last bar (the last row of its `backtest/returns.csv`), so bars ingested since do not move
 *   the window; the re-run's holdout must then be the run's own (`wsp.holdout.start`/`.end`),
 *   else the data changed and no profile is made;
 * - the prediction distribution from the run's `predictions/holdout.csv` (the selected variant's,
 *   which is the one registered: the final model's own out-of-sample predictions; `oof.csv` for a
 *   run without a final holdout), the baseline from its `<variant>.oos_accuracy` / `oos_ece`
 *   metrics, the top features from `shap/summary.json` (a single model's; the ensemble's
 *   member-weighted ranking exists only in profiles recorded at training).
 *
 * Every failure names the version, its run and what is missing.
 */
import {
  buildReferenceProfile,
  parseReferenceProfile,
  REFERENCE_PROFILE_FILE,
  type ReferenceProfile,
} from "../../monitoring";
import {
  holdoutWindowOf,
  loadModelArtifact,
  type MlflowClient,
  MlflowError,
  RUN_TAGS,
  tagRecord,
} from "../../tracking";
import { readModelConfig } from "../modelConfig";
import { loadRegisteredModel } from "../loadRegisteredModel";
import { rankedNames, windowColumns, windowOf } from "../referenceProfileArtifact";
import { runPhases } from "../runExperiment";
import { parseReturnsCsv, RETURNS_ARTIFACT } from "../returnsArtifact";
import { type StoreChoice, type StoreQuery, withStoreQuery } from "../storeSource";

export interface VersionProfileOptions {
  /** The store, for a run whose config reads `data.source: store`. */
  store?: StoreChoice;
  /** Where `bundled` data is read (default: found from the working directory). */
  dataDir?: string;
}

export interface VersionProfile {
  profile: ReferenceProfile;
  /** Read from the version's logged model, or computed from its run's data. */
  source: "artifact" | "computed";
  model: { name: string; version: string; runId: string | null };
}

function isMissing(err: unknown): boolean {
  return err instanceof MlflowError && (err.status === 404 || err.errorCode === "RESOURCE_DOES_NOT_EXIST");
}

/** The version's profile: its artifact, else computed from its run (see the file's comment). */
export async function loadReferenceProfile(
  client: MlflowClient,
  ref: string,
  opts: VersionProfileOptions = {},
): Promise<VersionProfile> {
  const artifact = await loadModelArtifact(ref, { client });
  const model = { name: artifact.name, version: artifact.version, runId: artifact.runId };
  let bytes: Uint8Array;
  try {
    bytes = await artifact.modelFile(REFERENCE_PROFILE_FILE);
  } catch (err) {
    if (!isMissing(err)) throw err;
    return { profile: await computeReferenceProfile(client, ref, opts), source: "computed", model };
  }
  const where = `${artifact.source}/${REFERENCE_PROFILE_FILE} (${artifact.name} v${artifact.version})`;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`${where}: not JSON (${(err as Error).message})`);
  }
  return { profile: parseReferenceProfile(json, where), source: "artifact", model };
}

/** A run artifact the computation needs; missing, an error naming the run and the file. */
async function runFile(client: MlflowClient, runId: string, path: string, what: string): Promise<string | null> {
  try {
    return new TextDecoder().decode(await client.downloadArtifact(runId, path));
  } catch (err) {
    if (isMissing(err)) return null;
    throw new Error(`${what}: run ${runId}'s ${path} cannot be read: ${(err as Error).message}`);
  }
}

/** The selected variant's predicted probability per row of one of the run's `predictions/*.csv`, and the rows scored. */
function predictionColumn(
  csv: string,
  variant: string,
  classes: readonly string[],
  width: number,
  where: string,
): { values: Float64Array; scored: number } {
  const lines = csv.trimEnd().split("\n");
  const header = lines[0].split(",");
  const names = width === 1 ? [`${variant}_p_${classes[1]}`] : classes.map((c) => `${variant}_p_${c}`);
  const at = names.map((n) => header.indexOf(n));
  const missing = names.filter((_, k) => at[k] < 0);
  if (missing.length > 0) throw new Error(`${where}: no column ${missing.join(", ")} (header: ${lines[0]})`);
  const labelAt = header.indexOf("label");
  const rows = lines.length - 1;
  const probs = new Float64Array(rows * width);
  let scored = 0;
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(",");
    at.forEach((col, c) => {
      probs[r * width + c] = Number(cells[col]);
    });
    if (cells[labelAt] !== "" && !Number.isNaN(probs[r * width])) scored++;
  }
  return { values: probs, scored };
}

/** The version's profile computed from its run's data and artifacts (see the file's comment). */
export async function computeReferenceProfile(
  client: MlflowClient,
  ref: string,
  opts: VersionProfileOptions = {},
): Promise<ReferenceProfile> {
  const model = await loadRegisteredModel(ref, { client });
  const what = `${model.name}/${model.version}: no ${REFERENCE_PROFILE_FILE}, and computing one`;
  if (!model.runId) throw new Error(`${what} needs its run, which the version does not name`);
  const runId = model.runId;
  const run = await client.getRun(runId);
  const tags = tagRecord(run.data.tags);
  const variant = tags[RUN_TAGS.promoteModel] ?? tags["wsp.selected_model"];
  if (!variant) throw new Error(`${what}: run ${runId} has no tag ${RUN_TAGS.promoteModel} naming its variant`);
  const loaded = await readModelConfig(client, model);
  const holdout = holdoutWindowOf(tags);
  const { data } = loaded.config;
  // A store gains bars after the run; they must not enter its window (the final holdout is cut
  // from the data's end). The run's last bar is the last row of its traded returns.
  const returns = data.source === "store" ? await runFile(client, runId, RETURNS_ARTIFACT, what) : null;
  const lastOf = (segment: "oos" | "holdout") =>
    returns
      ? (parseReturnsCsv(returns, segment, `run ${runId}'s ${RETURNS_ARTIFACT}`).ts.at(-1) ?? Number.NaN)
      : Number.NaN;
  const lasts = [lastOf("oos"), lastOf("holdout")].filter(Number.isFinite);
  const lastBar = lasts.length > 0 ? Math.max(...lasts) : undefined;
  let phases: Awaited<ReturnType<typeof runPhases<"splits">>>;
  try {
    phases = await withStoreQuery(data.source, opts.store ?? {}, (query) => {
      const fromStore: StoreQuery | undefined =
        query && lastBar !== undefined ? (t, tf, from, to) => query(t, tf, from, Math.min(to, lastBar + 1)) : query;
      return runPhases(loaded, "splits", { progress: false, fromStore, dataDir: opts.dataDir });
    });
  } catch (err) {
    const series = `tickers ${data.tickers.join(", ")}${data.context.length > 0 ? `, context ${data.context.join(", ")}` : ""}`;
    throw new Error(
      `${what} from run ${runId}'s data failed: data.source ${data.source} (${series}) cannot be loaded: ${(err as Error).message}`,
    );
  }
  const { labels, rows, splits } = phases;
  const { plan } = splits;
  if (holdout && plan.holdout.length > 0) {
    const start = rows.panel.ts[plan.holdout[0]];
    const end = rows.panel.ts[plan.holdout[plan.holdout.length - 1]];
    if (start !== holdout.start || end !== holdout.end) {
      throw new Error(
        `${what} from run ${runId}'s data failed: its data now gives the final holdout ${new Date(start).toISOString()}..${new Date(end).toISOString()}, the run's was ${new Date(holdout.start).toISOString()}..${new Date(holdout.end).toISOString()} (the data changed since)`,
      );
    }
  }
  // The final holdout's predictions (the final model's own out of sample), as the record step
  // takes them; out-of-fold ones only for a run without a final holdout.
  const which = plan.holdout.length > 0 ? "holdout" : "oof";
  const scoredRows = which === "holdout" ? plan.holdout : plan.rows;
  const predWhere = `run ${runId}'s predictions/${which}.csv`;
  const csv = await runFile(client, runId, `predictions/${which}.csv`, what);
  if (csv === null) throw new Error(`${what} needs ${predWhere} (the ${which} predictions), which is missing`);
  const preds = predictionColumn(csv, variant, labels.classes, labels.width, `${what}: ${predWhere}`);
  if (preds.values.length !== scoredRows.length * labels.width) {
    throw new Error(
      `${what}: ${predWhere} has ${preds.values.length / labels.width} rows, the run's ${which} ${scoredRows.length}`,
    );
  }
  const oofCsv = await runFile(client, runId, "predictions/oof.csv", what);
  if (oofCsv === null) throw new Error(`${what} needs run ${runId}'s predictions/oof.csv, which is missing`);
  const scoredOof = predictionColumn(
    oofCsv,
    variant,
    labels.classes,
    labels.width,
    `${what}: predictions/oof.csv`,
  ).scored;
  const metric = (key: string) => Number(run.data.metrics?.find((m) => m.key === key)?.value ?? Number.NaN);
  const shapText = variant === "ensemble" ? null : await runFile(client, runId, "shap/summary.json", what);
  const shap = shapText ? (JSON.parse(shapText) as { feature: string; value: number }[]) : null;
  return buildReferenceProfile({
    variant,
    window: windowOf(rows.panel, plan.rows),
    features: {
      names: model.featureNames,
      columns: windowColumns(rows.panel, plan.rows, model.featureNames, `${what} from run ${runId}`),
    },
    probabilities: { values: preds.values, width: labels.width },
    baseline: { accuracy: metric(`${variant}.oos_accuracy`), ece: metric(`${variant}.oos_ece`), rows: scoredOof },
    topFeatures: shap
      ? rankedNames({ names: shap.map((s) => s.feature), values: Float64Array.from(shap, (s) => s.value) })
      : null,
  });
}
