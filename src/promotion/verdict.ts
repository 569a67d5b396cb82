/** The promotion verdict: the gates, the alias the version takes, and the text a reader sees. */
import type { Direction } from "./config";
import { type DsrDecision, decideGates, type Gate, type PromotionEvidence } from "./gates";
import { type HoldoutUse, holdoutLine } from "./holdout";

export const CHAMPION = "champion";
export const CHALLENGER = "challenger";

export interface PromotionVerdict {
  gates: Gate[];
  /** Every gate passed: the version takes `champion`, else `challenger`. */
  champion: boolean;
  dsr: DsrDecision;
  /** The version's description: the standing, a forced line, the metric, the holdout, one line per gate. */
  description: string;
}

/** The reasons as text, one line per gate, for the version's description and the CLI. */
export function describeGates(result: {
  gates: Gate[];
  champion: boolean;
  metric: string;
  direction: Direction;
  holdout?: string;
  forced?: string;
}): string {
  const head = result.champion
    ? "Promoted to champion: every gate passed."
    : `Kept as challenger: ${result.gates
        .filter((g) => !g.passed)
        .map((g) => g.gate)
        .join(", ")} failed.`;
  const lines = result.gates.map((g) => `- ${g.gate}: ${g.passed ? "PASS" : "FAIL"}: ${g.detail}`);
  // The alias line comes first, where a reader looks for the version's standing and where a moved
  // alias rewrites it (tracking/promotion.ts); a forced registration says so right below it.
  return [
    head,
    ...(result.forced ? [`FORCED: registered although ${result.forced}.`] : []),
    `Metric ${result.metric} (${result.direction === "min" ? "lower" : "higher"} is better).`,
    ...(result.holdout ? [result.holdout] : []),
    ...lines,
  ].join("\n");
}

/** Decides the promotion of the run `e` describes, registered as `name`, on its holdout `use`. */
export function decidePromotion(e: PromotionEvidence, name: string, use: HoldoutUse | null): PromotionVerdict {
  const { gates, dsr } = decideGates(e);
  const champion = gates.every((g) => g.passed);
  const description = describeGates({
    gates,
    champion,
    metric: e.settings.metric,
    direction: e.settings.direction,
    holdout: holdoutLine(name, use),
    forced: e.runChecks.refused ?? undefined,
  });
  return { gates, champion, dsr, description };
}
