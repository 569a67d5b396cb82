/** The instants a request may name: which forms pass, and what they mean in epoch ms. */
import { describe, expect, it } from "vitest";
import { parseIsoInstant } from "../../src/serving/isoInstant";

describe("parseIsoInstant", () => {
  it.each([
    ["2024-01-31", Date.UTC(2024, 0, 31)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["2024-01-31T14:30Z", Date.UTC(2024, 0, 31, 14, 30)],
    ["2024-01-31T14:30:05Z", Date.UTC(2024, 0, 31, 14, 30, 5)],
    ["2024-01-31T14:30:05.25Z", Date.UTC(2024, 0, 31, 14, 30, 5, 250)],
    ["2024-01-31T14:30:05.57Z", Date.UTC(2024, 0, 31, 14, 30, 5, 570)],
    ["2024-01-31T14:30:05.123456789Z", Date.UTC(2024, 0, 31, 14, 30, 5, 123)],
    ["2024-01-31T09:30:00-05:00", Date.UTC(2024, 0, 31, 14, 30)],
    ["2024-01-01T03:00:00+05:30", Date.UTC(2023, 11, 31, 21, 30)],
    ["0050-06-01", Date.parse("0050-06-01T00:00:00.000Z")],
  ])("%s → its epoch ms, whole", (text, ms) => {
    expect(parseIsoInstant(text)).toBe(ms);
  });

  it.each([
    "2023-02-29",
    "2024-04-31",
    "2024-13-01",
    "2024-00-10",
    "2024-01-00",
    "2024-01-31T24:00Z",
    "2024-01-31T12:60Z",
    "2024-01-31T12:00:60Z",
    "2024-01-31T14:30:00",
    "2024-01-31 14:30:00Z",
    "2024-01-31T14:30:00+15:00",
    "2024-01-31T14:30:00+05:60",
    "2024-1-31",
    "20240131",
    "yesterday",
    "",
  ])("refuses %j", (text) => {
    expect(parseIsoInstant(text)).toBeNull();
  });
});
