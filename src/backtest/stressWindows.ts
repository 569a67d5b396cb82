/** The named stress windows of docs/architecture.md ("Shared definitions"), inclusive session dates. */
export const STRESS_WINDOW_NAMES = ["gfc_2008", "covid_2020", "rates_2022h1", "rally_2023"] as const;
export type StressWindowName = (typeof STRESS_WINDOW_NAMES)[number];

export interface StressWindow {
  readonly name: StressWindowName;
  /** First session date, YYYY-MM-DD. */
  readonly start: string;
  /** Last session date, YYYY-MM-DD (inclusive). */
  readonly end: string;
}

export const STRESS_WINDOWS: Readonly<Record<StressWindowName, StressWindow>> = {
  gfc_2008: { name: "gfc_2008", start: "2008-09-01", end: "2009-03-31" },
  covid_2020: { name: "covid_2020", start: "2020-02-19", end: "2020-04-30" },
  rates_2022h1: { name: "rates_2022h1", start: "2022-01-01", end: "2022-06-30" },
  rally_2023: { name: "rally_2023", start: "2023-01-01", end: "2023-12-31" },
};

/** UTC epoch ms of 00:00 of a YYYY-MM-DD date. */
export function dateToMs(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new Error(`stress window: invalid date ${date}, expected YYYY-MM-DD`);
  return ms;
}

export function msToDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
