/**
 * The kinds table: every model kind by its `kind` name, with its parameter schema (defaults and
 * bounds), factory, loader from saved JSON, capabilities and work estimate. Everything that
 * lists kinds derives from it: the experiment config's `models:` entries, the runner's factory
 * and checks, the zoo (zoo.ts), the blend's members and the search (memberKinds.ts), the
 * python_function check of a logged model and the up-front work estimate. To add a kind, add
 * its row here (or in memberKinds.ts when a blend may hold it) and its name to `MODEL_KINDS`.
 */
import { BlendModel, blendParamsSchema, type SavedBlend } from "./blendModel";
import { LstmModel, lstmParamsSchema, type SavedLstm } from "./lstm";
import { MEMBER_KINDS } from "./memberKinds";
import { type KindCapabilities, type KindRow, kindRow, type ModelKind } from "./model";
import { count, dataOf, dominant, NS } from "./workCost";

/** Kinds that are one model: the experiment config's `models:` entries, in the order its errors list them. */
export const SINGLE_KINDS = {
  ...MEMBER_KINDS,
  lstm: kindRow({
    params: lstmParamsSchema.prefault({}),
    create: (p, path) => new LstmModel(p, `${path}.params`),
    load: (saved) => LstmModel.load(saved as SavedLstm),
    capabilities: { treeShap: false, multiClass: true, needsSequences: true, pyfunc: false, sampleWeights: false },
    work: (p, shape, path) => {
      const { rows, features: F, fits } = shape;
      // Per window and epoch: `window` steps of 4 gates over (features + units) inputs, forward
      // and backward (about 3× the forward multiply-adds), at about 8 ns each in tfjs-wasm.
      const perWindow = p.window * 4 * p.units * (F + p.units) * 3;
      return {
        seconds: 8 * NS * rows * perWindow * p.epochs * fits,
        bytes: rows * p.window * F * 4 * 3,
        treeEngine: false,
        timeParam: dominant(path, { epochs: p.epochs / 30, window: p.window / 20, units: p.units / 32 }),
        memoryParam: `${path}.params.window`,
        formula: `lstm: ${count(p.epochs)} epochs × windows of ${p.window} bars × ${p.units} units on ${dataOf(shape)}`,
      };
    },
  }),
};

export type SingleKind = keyof typeof SINGLE_KINDS;

/**
 * Every kind. `ensemble` (a blend fitted on inner folds) is no config `models:` entry: a run
 * blends its models itself from their out-of-fold predictions (pipeline/oofBlendWeights.ts).
 */
export const MODEL_KIND_TABLE = {
  ...SINGLE_KINDS,
  ensemble: kindRow({
    params: blendParamsSchema,
    create: (p, path) => new BlendModel(p, `${path}.params`),
    load: (saved) => BlendModel.load(saved as SavedBlend),
    // A blend's logged model has the python_function flavor when all its members do
    // (pipeline/modelExport.ts asks per member); the kind itself has no Python loader.
    // It passes sample weights on to its members (an mljs_rf member refuses them).
    capabilities: { treeShap: false, multiClass: true, needsSequences: false, pyfunc: false, sampleWeights: true },
    work: null,
  }),
} satisfies { [K in ModelKind]: KindRow };

export function kindCapabilities(kind: ModelKind): KindCapabilities {
  return MODEL_KIND_TABLE[kind].capabilities;
}

/** Kinds whose logged model gets MLflow's python_function flavor. */
export const PYFUNC_KINDS: readonly ModelKind[] = (Object.keys(MODEL_KIND_TABLE) as ModelKind[]).filter(
  (k) => MODEL_KIND_TABLE[k].capabilities.pyfunc,
);
