/**
 * Expansion of a features config into an ordered plan of steps, each naming the columns it
 * makes. Deterministic: the same config and base timeframe give the same columns in the same
 * order. Checks everything that does not need the data (indicator names, parameters, outputs,
 * transforms, timeframes); what depends on the input (volume, context coverage) is checked when
 * computing.
 */
import { TIMEFRAMES, type Timeframe } from "../data";
import { chainsOf, checkEntry, outputsOf, resolveParams, snake } from "./entryCheck";
import type { IndicatorDescriptor, Params } from "./indicators/descriptor";
import { type Excluded, applyExclusions, resolveExclusions } from "./featureExclusion";
import type { ColumnStep, PlanStep, Source } from "./planSteps";
import { familiesOf } from "./featureFamilies";
import { featureIndicator } from "./featureRegistry";
import { presetEntries } from "./featureSets";
import { FeatureSpecError } from "./featureSpecError";
import type { FeatureEntry } from "./featureEntry";
import type { FeaturesConfig } from "./featuresConfig";
import { type Transform, chainName } from "./transforms";

export { checkEntry } from "./entryCheck";

export type { ChainPlan, ColumnStep, IndicatorStep, OutputPlan, PlanStep, Source } from "./planSteps";

/** A column step whose column is not made by an earlier step (batch and stream say it alike). */
export function missingColumnError(step: ColumnStep, names: readonly string[]): FeatureSpecError {
  return new FeatureSpecError(
    step.path,
    `no column ${step.column} to transform; columns so far: ${names.join(", ") || "none"}`,
  );
}

/** `<indicator>[_<output>]_<param values>`: `rsi_14`, `macd_hist_12_26_9`, `beta_SPY_60`. */
export function columnBaseName(def: IndicatorDescriptor, params: Params, output: string): string {
  const parts = [def.name];
  if (output !== "value" && output !== def.name) parts.push(snake(output));
  for (const p of def.params) parts.push(String(params[p.name]));
  return parts.join("_");
}

function prefixOf(source: Source): string {
  if (source.kind === "timeframe") return `${source.timeframe}:`;
  if (source.kind === "context") return `${source.ticker}/`;
  return "";
}

function rank(tf: Timeframe): number {
  return TIMEFRAMES.indexOf(tf);
}

/** The ordered plan of a parsed config for bars of `baseTimeframe`, `features.exclude` applied. */
export function planFeatures(config: FeaturesConfig, baseTimeframe: Timeframe): PlanStep[] {
  return featurePlan(config, baseTimeframe).steps;
}

export interface FeaturePlan {
  steps: PlanStep[];
  /** What `features.exclude` removed (the regime columns included). */
  excluded: Excluded;
  /** Family of every column the config makes before the exclusions (featureFamilies.ts). */
  families: ReadonlyMap<string, string>;
}

/** The plan, the exclusions and the families every column belongs to. */
export function featurePlan(config: FeaturesConfig, baseTimeframe: Timeframe): FeaturePlan {
  const all = planAll(config, baseTimeframe);
  const families = familiesOf(all, config.regimes);
  const excluded = resolveExclusions(config.exclude, families);
  return { steps: applyExclusions(all, excluded), excluded, families };
}

function planAll(config: FeaturesConfig, baseTimeframe: Timeframe): PlanStep[] {
  config.timeframes.forEach((tf, i) => {
    if (rank(tf) < rank(baseTimeframe)) {
      throw new FeatureSpecError(
        `features.timeframes[${i}]`,
        `${tf} is finer than the bars (${baseTimeframe}); expected ${TIMEFRAMES.filter((t) => rank(t) >= rank(baseTimeframe)).join(", ")}`,
      );
    }
  });
  const higher = [...new Set(config.timeframes)].filter((tf) => tf !== baseTimeframe);
  const entries: { entry: FeatureEntry; path: string; optional: boolean }[] = [];
  if (typeof config.set === "string") {
    const preset = presetEntries(config.set, { benchmark: config.benchmark, vix: config.vix });
    for (const [i, entry] of preset.entries()) {
      entries.push({ entry, path: `features.set(${config.set})[${i}]`, optional: entry.optional === true });
    }
  } else {
    for (const [i, entry] of config.set.entries()) entries.push({ entry, path: `features.set[${i}]`, optional: false });
  }
  for (const [i, entry] of config.extra.entries()) {
    entries.push({ entry, path: `features.extra[${i}]`, optional: false });
  }

  // Pass 0 on the bars themselves (and entries with their own timeframe or context), then one
  // pass per higher timeframe: base columns first, then `1w:` ones, in entry order.
  const steps: PlanStep[] = [];
  for (let pass = 0; pass <= higher.length; pass++) {
    for (const { entry, path, optional } of entries) {
      const errors = checkEntry(entry);
      if (errors.length > 0) throw new FeatureSpecError(path, errors.join("; "));
      const chainLists = chainsOf(entry.transforms) as Transform[][];
      if ("column" in entry) {
        if (pass > 0) continue;
        if (chainLists.some((c) => c.some((t) => t.kind === "cs_rank"))) {
          throw new FeatureSpecError(
            path,
            "cs_rank needs the indicator recomputed per universe member: put it on an indicator entry",
          );
        }
        steps.push({
          kind: "column",
          path: `${path} (column ${entry.column})`,
          column: entry.column,
          chains: chainLists.map((c) => ({ transforms: c, name: chainName(c, entry.column) })),
        });
        continue;
      }
      const def = featureIndicator(entry.indicator) as IndicatorDescriptor;
      let source: Source;
      if (pass > 0) {
        if (entry.context !== undefined || entry.timeframe !== undefined || def.baseOnly) continue;
        source = { kind: "timeframe", timeframe: higher[pass - 1] };
      } else if (entry.context !== undefined) source = { kind: "context", ticker: entry.context };
      else if (entry.timeframe !== undefined) {
        if (rank(entry.timeframe) < rank(baseTimeframe)) {
          throw new FeatureSpecError(
            `${path}.timeframe`,
            `${entry.timeframe} is finer than the bars (${baseTimeframe})`,
          );
        }
        source =
          entry.timeframe === baseTimeframe ? { kind: "base" } : { kind: "timeframe", timeframe: entry.timeframe };
      } else source = { kind: "base" };
      const params = resolveParams(def, entry.params) as Params;
      const prefix = prefixOf(source);
      steps.push({
        kind: "indicator",
        path: `${path} (${def.name}${prefix ? ` on ${prefix.slice(0, -1)}` : ""})`,
        def,
        params,
        source,
        optional,
        outputs: (outputsOf(def, entry.outputs) as string[]).map((output) => {
          const base = columnBaseName(def, params, output);
          return {
            output,
            name: prefix + base,
            raw: entry.raw,
            chains: chainLists.map((c) => ({ transforms: c, name: prefix + chainName(c, base) })),
          };
        }),
      });
    }
  }
  return steps;
}
