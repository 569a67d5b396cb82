import { z } from "zod";

/** The `calibration:` block of an experiment config (docs/architecture.md). */
export const calibrationConfigSchema = z
  .object({
    method: z.enum(["platt", "isotonic", "temperature", "none"]),
    per_regime: z.boolean().default(false),
    /** Rows a regime needs for its own calibrator; smaller regimes use the pooled one. */
    min_regime_rows: z.number().int().min(1).default(200),
  })
  .strict();

export type CalibrationConfig = z.infer<typeof calibrationConfigSchema>;
