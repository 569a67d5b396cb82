/**
 * The `schedule:` block of a promoted config (experiments/promoted/<model>.yaml): when its model
 * is retrained. A cron pattern in a time zone (default weekly, Sunday 02:00 America/New_York, the
 * product plan's retraining cadence) or a fixed interval `every` in milliseconds (tests). `paused`
 * keeps the block while no scheduler fires it (`wsp schedules pause`).
 */
import { z } from "zod";

export const DEFAULT_RETRAIN_CRON = "0 2 * * 0";
export const DEFAULT_RETRAIN_TIMEZONE = "America/New_York";

/** Five fields (minute hour day month weekday) or six (seconds first), as BullMQ's cron parser reads them. */
const CRON_FIELD = /^[0-9A-Za-z*/,?LW#-]+$/;

const cron = z.string().refine((s) => {
  const fields = s.trim().split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => CRON_FIELD.test(f));
}, "expected a cron pattern of 5 fields (minute hour day month weekday) or 6 (seconds first)");

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "expected an IANA time zone such as America/New_York");

/** A fixed interval (tests), or a cron pattern in a time zone. */
export type ScheduleConfig = { every: number; paused: boolean } | { cron: string; timezone: string; paused: boolean };

/**
 * A schedule block's schema whose cron pattern and time zone default to `defaults` when neither
 * `every` nor `cron` is given: the retrain's `schedule:` here, the forecast's `forecast_schedule:`
 * (forecastScheduleConfig.ts) with its own default.
 */
export function scheduleBlockSchema(defaults: { cron: string; timezone: string }) {
  return z
    .object({
      /** Milliseconds between firings (at least a second, at most a year); instead of cron. */
      every: z
        .number()
        .int()
        .min(1000)
        .max(366 * 24 * 3600 * 1000)
        .optional(),
      cron: cron.optional(),
      timezone: timezone.optional(),
      /** Kept while no scheduler fires it (`wsp schedules pause`). */
      paused: z.boolean().default(false),
    })
    .strict()
    .superRefine((s, ctx) => {
      if (s.every !== undefined && (s.cron !== undefined || s.timezone !== undefined)) {
        ctx.addIssue({ code: "custom", path: ["every"], message: "give every (ms) or cron and timezone, not both" });
      }
    })
    .transform(
      (s): ScheduleConfig =>
        s.every !== undefined
          ? { every: s.every, paused: s.paused }
          : { cron: s.cron ?? defaults.cron, timezone: s.timezone ?? defaults.timezone, paused: s.paused },
    );
}

export const scheduleConfigSchema = scheduleBlockSchema({
  cron: DEFAULT_RETRAIN_CRON,
  timezone: DEFAULT_RETRAIN_TIMEZONE,
});

/** The block a promoted config gets when its run's config had none. */
export const DEFAULT_SCHEDULE: ScheduleConfig = {
  cron: DEFAULT_RETRAIN_CRON,
  timezone: DEFAULT_RETRAIN_TIMEZONE,
  paused: false,
};

/** "every 5000 ms" / "0 2 * * 0 America/New_York", for listings. */
export function describeSchedule(s: ScheduleConfig): string {
  return "every" in s ? `every ${s.every} ms` : `${s.cron} ${s.timezone}`;
}
