/**
 * The first rows of the kinds table (kinds.ts): the kinds a blend (the `ensemble` kind,
 * blendModel.ts) may hold. They live apart from the rest of the table so that the blend can
 * build and load its members without importing itself.
 */
import { z } from "zod";
import { GbmModel } from "./gbm";
import { gbmParamsSchema } from "./gbmParams";
import { LogisticModel, logisticParamsSchema, type SavedLogistic } from "./logistic";
import { MljsRfModel, mljsRfParamsSchema, type SavedMljsRf } from "./mljsRf";
import { issuesAt, type KindRow, kindRow, MODEL_SCHEMA_VERSION, type Model, type SavedModel } from "./model";
import { RfModel, rfParamsSchema } from "./rf";
import { loadModel } from "./serialise";
import type { SavedTreeModel } from "./treeModel";
import { count, cores, dataOf, dominant, NS } from "./workCost";

/** Rows in the order the config's errors list the kinds. */
export const MEMBER_KINDS = {
  gbm: kindRow({
    params: gbmParamsSchema.prefault({}),
    create: (p) => new GbmModel(p),
    load: (saved) => loadModel(saved as SavedTreeModel),
    capabilities: { treeShap: true, multiClass: true, needsSequences: false, pyfunc: true, sampleWeights: true },
    work: (p, shape, path) => {
      const { rows, features: F, classes, fits } = shape;
      const levels = p.max_depth > 0 ? p.max_depth : Math.log2(p.max_leaves + 1);
      const treesPerRound = classes > 2 ? classes : 1;
      const seconds = (2 * NS * rows * F * levels * p.n_trees * treesPerRound * fits) / cores();
      // The histogram slots (one per open node on the growth stack, 512 doubles per feature)
      // dominate the engine's memory once the data is small: see gbmArena.ts.
      const slots = (p.max_leaves > 0 ? p.max_leaves : p.max_depth + 1) + 3;
      const histBytes = slots * (Math.ceil(F / 4) * 4) * 512 * 8;
      const dataBytes = rows * (3 * F + 8 * (6 + 2 * treesPerRound));
      return {
        seconds,
        bytes: histBytes + dataBytes,
        treeEngine: true,
        timeParam: dominant(path, { n_trees: p.n_trees / 100, max_depth: p.max_depth / 6 }),
        memoryParam: histBytes > dataBytes ? `${path}.params.${p.max_leaves > 0 ? "max_leaves" : "max_depth"}` : null,
        formula: `gbm: ${count(p.n_trees)} trees × ${Math.round(levels)} levels on ${dataOf(shape)}`,
      };
    },
  }),
  rf: kindRow({
    params: rfParamsSchema.prefault({}),
    create: (p) => new RfModel(p),
    load: (saved) => loadModel(saved as SavedTreeModel),
    capabilities: { treeShap: true, multiClass: false, needsSequences: false, pyfunc: true, sampleWeights: true },
    work: (p, shape, path) => {
      const { rows, features: F, fits } = shape;
      const mf = p.max_features;
      const mtry =
        mf === "sqrt" ? Math.sqrt(F) : mf === "log2" ? Math.log2(F) : mf === "all" ? F : mf < 1 ? mf * F : mf;
      const levels = p.max_depth > 0 ? Math.min(p.max_depth, Math.log2(rows)) : Math.log2(Math.max(2, rows));
      return {
        seconds: (25 * NS * rows * Math.min(F, mtry) * levels * p.n_trees * fits) / cores(),
        bytes: rows * F * 2 + 3 * F * 512 * 8,
        treeEngine: true,
        timeParam: dominant(path, { n_trees: p.n_trees / 100 }),
        memoryParam: null,
        formula: `rf: ${count(p.n_trees)} trees × ${Math.round(levels)} levels on ${dataOf(shape)}`,
      };
    },
  }),
  logistic: kindRow({
    params: logisticParamsSchema.prefault({}),
    create: (p) => new LogisticModel(p),
    load: (saved) => LogisticModel.load(saved as SavedLogistic),
    capabilities: { treeShap: false, multiClass: true, needsSequences: false, pyfunc: true, sampleWeights: true },
    work: (p, shape, path) => {
      const { rows, features: F, classes, fits } = shape;
      const width = classes > 2 ? classes : 1;
      return {
        seconds: 0.65 * NS * rows * F * width * p.max_iter * fits,
        bytes: rows * F * 8,
        treeEngine: false,
        timeParam: dominant(path, { max_iter: p.max_iter / 1000 }),
        memoryParam: null,
        formula: `logistic: up to ${count(p.max_iter)} iterations on ${dataOf(shape)}`,
      };
    },
  }),
  mljs_rf: kindRow({
    params: mljsRfParamsSchema.prefault({}),
    create: (p) => new MljsRfModel(p),
    load: (saved) => MljsRfModel.load(saved as SavedMljsRf),
    capabilities: { treeShap: false, multiClass: true, needsSequences: false, pyfunc: false, sampleWeights: false },
    work: (p, shape, path) => {
      const { rows, features: F, fits } = shape;
      const levels = Math.min(p.max_depth, Math.log2(Math.max(2, rows)));
      return {
        seconds: 8000 * NS * rows * F * p.max_features * levels * p.n_trees * fits,
        bytes: rows * F * 8,
        treeEngine: false,
        timeParam: dominant(path, { n_trees: p.n_trees / 50, max_depth: p.max_depth / 10 }),
        memoryParam: null,
        formula: `mljs_rf: ${count(p.n_trees)} trees × ${Math.round(levels)} levels on ${dataOf(shape)}`,
      };
    },
  }),
};

type Variant<T extends Record<string, KindRow>, X extends z.ZodRawShape> = {
  [K in keyof T & string]: z.ZodObject<{ kind: z.ZodLiteral<K> } & X & { params: T[K]["params"] }, z.core.$strict>;
}[keyof T & string];

/** `{ kind, ...extra, params }` for each row of `table`, as a discriminated union's options. */
export function specOptions<T extends Record<string, KindRow>, X extends z.ZodRawShape>(
  table: T,
  extra: X,
): [Variant<T, X>, ...Variant<T, X>[]] {
  return Object.entries(table).map(([kind, row]) =>
    z.strictObject({ kind: z.literal(kind), ...extra, params: row.params }),
  ) as unknown as [Variant<T, X>, ...Variant<T, X>[]];
}

export const memberSpecSchema = z.discriminatedUnion("kind", specOptions(MEMBER_KINDS, {}));

export type MemberSpec = z.input<typeof memberSpecSchema>;

export function createMember(spec: MemberSpec, path: string): Model {
  const r = memberSpecSchema.safeParse(spec);
  if (!r.success) throw new Error(issuesAt(r.error, path));
  const { kind, params } = r.data;
  return MEMBER_KINDS[kind].create(params as never, path);
}

export function loadMember(saved: SavedModel, path: string): Model {
  if (saved?.schemaVersion !== MODEL_SCHEMA_VERSION)
    throw new Error(
      `${path}.schemaVersion: ${String(saved?.schemaVersion)} is not supported (expected ${MODEL_SCHEMA_VERSION})`,
    );
  if (!Object.hasOwn(MEMBER_KINDS, saved.kind))
    throw new Error(
      `${path}.kind: "${String(saved.kind)}" cannot be an ensemble member (${Object.keys(MEMBER_KINDS).join(", ")})`,
    );
  return MEMBER_KINDS[saved.kind as keyof typeof MEMBER_KINDS].load(saved, path);
}
