/**
 * `models[].search:` a hyper-parameter search over one model entry's params, run inside every
 * training fold (pipeline/foldFitter.ts, src/models/hyperSearch.ts):
 *
 *   - kind: gbm
 *     params: { n_trees: 60 }           # fixed in every variant
 *     search:
 *       method: random                  # or grid (every combination of the lists)
 *       space: { max_depth: [2, 3, 4], learning_rate: { low: 0.02, high: 0.3, log: true } }
 *       max_trials: 8                   # random: variants drawn (seeded); grid: refused if larger
 *       seed: 1
 *       folds: 3                        # inner purged folds on the training window
 *       budget_seconds: 600             # per search (one per fold and the final refit)
 */
import { z } from "zod";
import { MAX_WINDOW_BARS } from "../data";
import { type SearchSpec, searchSpaceIssues, searchSpecSchema, searchVariants } from "../models";

export const modelSearchSchema = z.strictObject({
  method: searchSpecSchema.shape.method,
  /** Per parameter: a list of values (grid or random) or a range `{ low, high, log?, int? }` (random only). */
  space: searchSpecSchema.shape.space.refine((s) => Object.keys(s).length > 0, {
    message: "expected at least one parameter to search",
  }),
  /** Random: how many variants are drawn. Grid: the most combinations allowed (a larger grid is refused, never cut). */
  max_trials: z.number().int().min(1).max(10_000).default(20),
  seed: z.number().int().default(0),
  /** Inner purged folds cut from each training window. */
  folds: z.number().int().min(2).max(20).default(3),
  /** Bars embargoed after each inner test fold. */
  embargo: z.number().int().min(0).max(MAX_WINDOW_BARS).default(5),
  metric: searchSpecSchema.shape.metric,
  /** Wall-clock seconds per search after which no further variant starts (the first always runs). */
  budget_seconds: z.number().positive().optional(),
});

export type ModelSearch = z.output<typeof modelSearchSchema>;

/** The search of a model entry as the model stage's spec: the entry's params are every variant's base. */
export function searchSpecOf(kind: string, params: unknown, search: ModelSearch): SearchSpec {
  return {
    kind: kind as SearchSpec["kind"],
    base: (params ?? {}) as Record<string, unknown>,
    space: search.space,
    method: search.method,
    n_iter: search.max_trials,
    seed: search.seed,
    folds: search.folds,
    embargo: search.embargo,
    metric: search.metric,
    budget_seconds: search.budget_seconds,
  };
}

/**
 * What the schema alone cannot see, as issues at paths relative to the entry: the kind must be
 * searchable, each value a valid parameter of the kind, and a grid no larger than `max_trials`.
 */
export function modelSearchIssues(
  kind: string,
  params: unknown,
  search: ModelSearch,
): { path: (string | number)[]; message: string }[] {
  const spec = searchSpecSchema.safeParse(searchSpecOf(kind, params, search));
  if (!spec.success) {
    const kinds = searchSpecSchema.shape.kind.options.join(", ");
    return [{ path: ["search"], message: `a ${kind} model cannot be searched (searchable kinds: ${kinds})` }];
  }
  const issues = searchSpaceIssues(spec.data).map((i) => ({
    path: ["search", ...(i.path[0] === "base" ? [] : i.path)],
    message: i.message,
  }));
  if (issues.length > 0 || search.method !== "grid") return issues;
  const size = searchVariants(spec.data).length;
  if (size > search.max_trials) {
    return [
      {
        path: ["search", "max_trials"],
        message: `the grid has ${size} combinations, more than max_trials ${search.max_trials}; raise max_trials or use method: random`,
      },
    ];
  }
  return [];
}
