/**
 * The model `wsp forecast` and `wsp serve` use when none is named: the champion of the one model
 * with a promoted config (experiments/promoted/). With none or several, the caller must name it.
 */
import { listPromotedConfigs, promotedDir } from "../promotedConfig";

export function defaultModel(dir = promotedDir()): string {
  const names = listPromotedConfigs(dir).map((p) => p.name);
  if (names.length === 1) return names[0];
  throw new Error(
    names.length === 0
      ? `no promoted model in ${dir}: name one with --model <name|name@alias|name/version>, or promote a run first (\`wsp promote <run-id>\`)`
      : `several promoted models (${names.join(", ")}): name one with --model`,
  );
}
