/**
 * The `forecast_schedule:` block of a promoted config: when its champion scores every ticker it
 * was trained on (the `forecast` job) and stores the signals. The same shape as `schedule:`
 * (scheduleConfig.ts): a cron pattern in a time zone, default 16:15 America/New_York on weekdays
 * (a quarter of an hour after the US close, once the day's bar can be ingested), or `every` in
 * milliseconds (tests); `paused` keeps the block while no scheduler fires it.
 */
import { type ScheduleConfig, scheduleBlockSchema } from "./scheduleConfig";

export const DEFAULT_FORECAST_CRON = "15 16 * * 1-5";
export const DEFAULT_FORECAST_TIMEZONE = "America/New_York";

export const forecastScheduleConfigSchema = scheduleBlockSchema({
  cron: DEFAULT_FORECAST_CRON,
  timezone: DEFAULT_FORECAST_TIMEZONE,
});

/** The block a promoted config gets when its run's config had none. */
export const DEFAULT_FORECAST_SCHEDULE: ScheduleConfig = {
  cron: DEFAULT_FORECAST_CRON,
  timezone: DEFAULT_FORECAST_TIMEZONE,
  paused: false,
};
