import { MAX_WINDOW_BARS } from "../data";
import { z } from "zod";
import { combinatorialPurgedCV } from "./combinatorialPurgedCV";
import { parseDuration } from "./duration";
import { holdoutSplit } from "./holdoutSplit";
import { purgedKFold } from "./purgedKFold";
import type { LabelSpans, SplitPlan } from "./splitPlan";
import { walkForward } from "./walkForward";

const duration = z.string().refine(
  (s) => {
    try {
      parseDuration(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: "expected an ISO-8601 duration such as P18M, P3M or P10D" },
);
const common = {
  /** Bars after each test block, or an ISO-8601 duration. */
  embargo: z.union([z.number().int().min(0).max(MAX_WINDOW_BARS), duration]).default(0),
  /** Trailing stretch no split ever touches (the headline number's data). */
  final_holdout: duration.optional(),
};

/** The `validation:` block of an experiment config (docs/architecture.md). All kinds purge by label end time. */
export const validationConfigSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("holdout"), test: z.union([duration, z.number().gt(0).lt(1)]), ...common }).strict(),
  z
    .object({
      kind: z.literal("walk_forward"),
      train: duration,
      test: duration,
      step: duration.optional(),
      mode: z.enum(["rolling", "expanding"]).default("rolling"),
      ...common,
    })
    .strict(),
  z.object({ kind: z.literal("purged_kfold"), folds: z.number().int().min(2).max(100), ...common }).strict(),
  z
    .object({
      kind: z.literal("cpcv"),
      groups: z.number().int().min(2).max(100),
      test_groups: z.number().int().min(1).max(99),
      ...common,
    })
    .strict()
    .refine((c) => c.test_groups < c.groups, {
      message: "test_groups must be smaller than groups",
      path: ["test_groups"],
    }),
]);

export type ValidationConfig = z.infer<typeof validationConfigSchema>;

/** Builds the splits a parsed `validation:` block describes. */
export function splitsFromConfig(spans: LabelSpans, c: ValidationConfig): SplitPlan {
  const common = { embargo: c.embargo, finalHoldout: c.final_holdout };
  switch (c.kind) {
    case "holdout":
      return holdoutSplit(spans, { test: c.test, ...common });
    case "walk_forward":
      return walkForward(spans, { train: c.train, test: c.test, step: c.step, mode: c.mode, ...common });
    case "purged_kfold":
      return purgedKFold(spans, { folds: c.folds, ...common });
    case "cpcv":
      return combinatorialPurgedCV(spans, { groups: c.groups, testGroups: c.test_groups, ...common });
  }
}
