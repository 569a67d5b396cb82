/**
 * Public surface of src/explain: what a model uses and needs, on out-of-fold rows only. Only the
 * pipeline, the CLI and notebooks import it.
 */
export { meanAbsShap, type PermutationOptions, permutationImportance } from "./importance";
