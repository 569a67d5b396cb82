/**
 * The `drift_schedule:` block of a promoted config: when its champion's drift check runs (the
 * `drift` job). The same shape as `schedule:` (scheduleConfig.ts): a cron pattern in a time zone,
 * default 16:45 America/New_York on weekdays, half an hour after the forecast schedule's default
 * (the day's signals are stored by then), or `every` in milliseconds (tests); `paused` keeps the
 * block while no scheduler fires it.
 */
import { type ScheduleConfig, scheduleBlockSchema } from "./scheduleConfig";

export const DEFAULT_DRIFT_CRON = "45 16 * * 1-5";
export const DEFAULT_DRIFT_TIMEZONE = "America/New_York";

export const driftScheduleConfigSchema = scheduleBlockSchema({
  cron: DEFAULT_DRIFT_CRON,
  timezone: DEFAULT_DRIFT_TIMEZONE,
});

/** The block a promoted config gets when its run's config had none. */
export const DEFAULT_DRIFT_SCHEDULE: ScheduleConfig = {
  cron: DEFAULT_DRIFT_CRON,
  timezone: DEFAULT_DRIFT_TIMEZONE,
  paused: false,
};
