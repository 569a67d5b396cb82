/**
 * The planted-signal fixture for tests that need a run the gates accept (promotion, jobs,
 * serving): experiments/fixtures/planted-signal.yaml with its own MLflow experiment and
 * registered model name, so suites sharing one server do not see each other's runs.
 */
import { readFileSync } from "node:fs";
import { type Document, parseDocument } from "yaml";
import { type LoadedConfig, parseConfig } from "../../src/pipeline";

export const PLANTED_SIGNAL_CONFIG = "experiments/fixtures/planted-signal.yaml";

/**
 * The fixture config, tracked under `experiment` (registered model `modelName`, default
 * `<experiment>-model`); `edit` changes the YAML document before it is parsed (another member,
 * say), so the config hash is the edited config's.
 */
export function plantedSignalConfig(
  experiment: string,
  modelName = `${experiment}-model`,
  edit?: (doc: Document) => void,
): LoadedConfig {
  const doc = parseDocument(readFileSync(PLANTED_SIGNAL_CONFIG, "utf8"));
  doc.setIn(["tracking", "experiment"], experiment);
  doc.setIn(["tracking", "model_name"], modelName);
  edit?.(doc);
  return parseConfig(doc.toString(), PLANTED_SIGNAL_CONFIG);
}
