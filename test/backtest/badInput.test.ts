import { describe, expect, it } from "vitest";
import { backtestReport, parseEngineConfig, simulate, sweep } from "../../src/backtest";
import { handBars, RISING, signalAt, spy } from "./_helpers";

describe("bad input gives errors naming the field and the index or dates", () => {
  const bars = handBars(RISING);

  it("signals not aligned with prices", () => {
    expect(() => simulate({ bars, signal: new Int8Array(5) })).toThrow(
      /signal for HAND has length 5, expected 6.*2024-01-01/,
    );
    expect(() => sweep(bars, new Int8Array(13), 2, { backtest: { guards: null } })).toThrow(/6 x 2 = 12/);
  });

  it("signal values other than -1, 0, 1", () => {
    expect(() => simulate({ bars, signal: signalAt(6, { 3: 2 }) })).toThrow(/index 3 \(2024-01-04.*is 2/);
  });

  it("NaN prices", () => {
    const rows = RISING.map((r) => [...r]);
    rows[4][3] = Number.NaN;
    expect(() => simulate({ bars: handBars(rows), signal: new Int8Array(6) })).toThrow(/close\[4\] \(2024-01-05.*NaN/);
  });

  it("negative sizes", () => {
    const size = new Float64Array(6);
    size[2] = -0.5;
    expect(() => simulate({ bars, signal: new Int8Array(6), size })).toThrow(/size for HAND: value at index 2.*-0\.5/);
    expect(() => parseEngineConfig({ sizing: { fraction: -1 } })).toThrow(/sizing\.fraction/);
  });

  it("thresholds outside [0, 1]", () => {
    expect(() => parseEngineConfig({ signals: { long_above: 1.5 } })).toThrow(/signals\.long_above/);
    expect(() => parseEngineConfig({ signals: { short_above: -0.1 } })).toThrow(/signals\.short_above/);
  });

  it("probabilities outside [0, 1]", () => {
    const probability = new Float64Array(6).fill(0.5);
    probability[1] = 1.2;
    expect(() => simulate({ bars, signal: new Int8Array(6), probability })).toThrow(
      /probability for HAND: value at index 1/,
    );
  });

  it("a stress window outside the data names the window and the data range", () => {
    const sim = simulate({ bars, signal: new Int8Array(6) });
    expect(() => backtestReport(sim, { stress: ["covid_2020"] })).toThrow(
      /covid_2020 \(2020-02-19\.\.2020-04-30\) lies outside the data \(2024-01-02\.\.2024-01-06\)/,
    );
  });

  it("portfolio tickers on different timestamps", () => {
    const other = handBars(RISING.slice(0, 5), { ticker: "B" });
    expect(() =>
      simulate([
        { bars, signal: new Int8Array(6) },
        { bars: other, signal: new Int8Array(5) },
      ]),
    ).toThrow(/bars B: 5 bars, expected 6/);
  });

  it("Kelly sizing without probabilities; a benchmark on other dates", () => {
    expect(() => simulate({ bars, signal: new Int8Array(6) }, { sizing: { kind: "kelly" } })).toThrow(
      /kelly needs a probability column for HAND/,
    );
    const sim = simulate({ bars, signal: new Int8Array(6) });
    expect(() => backtestReport(sim, { benchmark: spy() })).toThrow(/benchmark SPY has 8448 bars, expected/);
  });
});
