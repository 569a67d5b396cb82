/**
 * The `schedule:` block: the weekly default, an interval for tests, and errors that name the YAML
 * path; `forecast_schedule:`, the same shape with its weekday after-the-close default.
 */
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  describeSchedule,
  driftScheduleConfigSchema,
  forecastScheduleConfigSchema,
  scheduleConfigSchema,
  trialConfigHash,
} from "../../src/pipeline";
import { plantedSignalConfig } from "./plantedSignal";

const withSchedule = (schedule: unknown) =>
  plantedSignalConfig("schedule-test", "m", (doc) => doc.setIn(["schedule"], doc.createNode(schedule)));

describe("schedule:", () => {
  it("defaults to Sunday 02:00 America/New_York, or an interval in ms", () => {
    expect(scheduleConfigSchema.parse({})).toEqual({ cron: "0 2 * * 0", timezone: "America/New_York", paused: false });
    expect(withSchedule({ every: 5000 }).config.schedule).toEqual({ every: 5000, paused: false });
    expect(describeSchedule(scheduleConfigSchema.parse({ cron: "30 1 * * 1-5", timezone: "Europe/London" }))).toBe(
      "30 1 * * 1-5 Europe/London",
    );
    expect(plantedSignalConfig("schedule-test", "m").config.schedule).toBeUndefined();
  });

  it("does not change the trial identity", () => {
    expect(trialConfigHash(withSchedule({ every: 5000 }).config)).toBe(
      trialConfigHash(plantedSignalConfig("schedule-test", "m").config),
    );
  });

  it("refuses a bad pattern, time zone or interval, naming the path", () => {
    const bad = (schedule: unknown) => {
      try {
        withSchedule(schedule);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).message;
      }
      throw new Error("accepted");
    };
    expect(bad({ cron: "every sunday" })).toContain("schedule.cron: expected a cron pattern of 5 fields");
    expect(bad({ cron: "0 2 * * 0", timezone: "Mars/Olympus" })).toContain(
      'schedule.timezone: expected an IANA time zone such as America/New_York, got "Mars/Olympus"',
    );
    expect(bad({ every: 10 })).toMatch(/schedule\.every: .*1000/);
    expect(bad({ every: 5000, cron: "0 2 * * 0" })).toContain(
      "schedule.every: give every (ms) or cron and timezone, not both",
    );
  });
});

describe("forecast_schedule:", () => {
  const withForecast = (block: unknown) =>
    plantedSignalConfig("schedule-test", "m", (doc) => doc.setIn(["forecast_schedule"], doc.createNode(block)));

  it("defaults to 16:15 America/New_York on weekdays, or an interval in ms", () => {
    expect(forecastScheduleConfigSchema.parse({})).toEqual({
      cron: "15 16 * * 1-5",
      timezone: "America/New_York",
      paused: false,
    });
    expect(withForecast({ timezone: "Europe/London" }).config.forecast_schedule).toEqual({
      cron: "15 16 * * 1-5",
      timezone: "Europe/London",
      paused: false,
    });
    expect(withForecast({ every: 5000, paused: true }).config.forecast_schedule).toEqual({ every: 5000, paused: true });
  });

  it("does not change the trial identity, and refuses what schedule: refuses, naming its path", () => {
    expect(trialConfigHash(withForecast({ every: 5000 }).config)).toBe(
      trialConfigHash(plantedSignalConfig("schedule-test", "m").config),
    );
    expect(() => withForecast({ every: 5000, cron: "0 2 * * 0" })).toThrow(
      "forecast_schedule.every: give every (ms) or cron and timezone, not both",
    );
    expect(() => withForecast({ cron: "after the close" })).toThrow("forecast_schedule.cron: expected a cron pattern");
    expect(() => withForecast({ at: "16:15" })).toThrow("forecast_schedule");
  });
});

describe("drift_schedule:", () => {
  const withDrift = (block: unknown) =>
    plantedSignalConfig("schedule-test", "m", (doc) => doc.setIn(["drift_schedule"], doc.createNode(block)));

  it("defaults to 16:45 America/New_York on weekdays (after the forecast), keeps the trial identity", () => {
    expect(driftScheduleConfigSchema.parse({})).toEqual({
      cron: "45 16 * * 1-5",
      timezone: "America/New_York",
      paused: false,
    });
    expect(withDrift({ every: 5000 }).config.drift_schedule).toEqual({ every: 5000, paused: false });
    expect(trialConfigHash(withDrift({ every: 5000 }).config)).toBe(
      trialConfigHash(plantedSignalConfig("schedule-test", "m").config),
    );
    expect(() => withDrift({ cron: "daily" })).toThrow("drift_schedule.cron: expected a cron pattern");
  });
});
