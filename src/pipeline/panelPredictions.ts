/**
 * A registered version's calibrated probabilities on rows of a panel the runner's phases built
 * (a retrain's forward window, a model's backtest): its feature columns picked by name, its
 * calibration applied as the run applied it (per regime: the panel's trend regime ids, which
 * must be the scheme it was calibrated on). A version saved without calibration gives its raw
 * probabilities.
 */
import { fromColumns, takeRows } from "../models";
import type { RegisteredModel } from "./loadRegisteredModel";
import type { Panel } from "./panel";

export function predictPanelRows(
  model: RegisteredModel,
  panel: Pick<Panel, "names" | "columns">,
  rows: Int32Array,
  regimes: { scheme: string; ids: Float64Array },
): Float64Array {
  const ref = `${model.name}/${model.version}`;
  const index = new Map(panel.names.map((n, j) => [n, j]));
  const missing = model.featureNames.filter((n) => !index.has(n));
  if (missing.length > 0) throw new Error(`${ref} reads features the config does not build: ${missing.join(", ")}`);
  const X = takeRows(
    fromColumns(
      model.featureNames,
      model.featureNames.map((n) => panel.columns[index.get(n) as number]),
    ),
    rows,
  );
  if (!model.calibration) return model.predictRawProba(X);
  const regime = model.calibration.regime;
  if (!regime) return model.predictProba(X);
  if (regime.scheme !== regimes.scheme) {
    throw new Error(`${ref} is calibrated per ${regime.scheme} regime; the config computes ${regimes.scheme}`);
  }
  return model.predictProba(
    X,
    Float64Array.from(rows, (r) => regimes.ids[r]),
  );
}
