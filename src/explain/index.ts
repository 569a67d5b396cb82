/**
 * Public surface of src/explain: what a cross-validated model uses and needs, on out-of-fold
 * rows only. Importance by feature group (families from the feature plan), TreeSHAP and
 * permutation importance fold-weighted over purged CV folds, ablation by group against the
 * null spread, and the shuffled-label null. Only the pipeline, the CLI and notebooks import it.
 */
export { type Ablation, ablateGroup, type NullSpreadOptions, type ShuffledNull, shuffledLabelNull } from "./ablation";
export { columnsByGroup, type FeatureGroups, featureGroups } from "./featureGroups";
export { type GroupImportance, groupImportance } from "./groupImportance";
export { meanAbsShap, type PermutationOptions, permutationImportance } from "./importance";
export { fitOof, matrixOf, type OofFits, type OofScore, testedRows } from "./oofFits";
export { foldWeighted, oofPermutationImportance, oofShapImportance } from "./oofImportance";
export { type UsableLabels, usableLabels } from "./usableRows";
export {
  ABLATION_STEPS,
  type AblationStepName,
  type AblationStepPlan,
  DEFAULT_ABLATION_STEPS,
  planAblationSteps,
} from "./ablationSteps";
export { columnsByComponent, type FeatureComponent } from "./featureComponents";
export { ShapPrunedModel } from "./shapPruned";
