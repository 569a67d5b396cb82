/**
 * One NaN close in SPY daily (bar 1000 of 8,448): the rolling volatility is NaN only for the
 * windows whose returns read it and recovers after, and the labels report how many rows the NaN
 * removed (`lostToNaN`), exactly the rows a clean series labels and the dirty one does not.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Bars } from "../../src/data/bars";
import { type LabelSet, labelCount, labelsConfigSchema, labelsFromConfig, rollingVolatility } from "../../src/labels";
import { loadDaily } from "./realBars";

const spy = loadDaily("SPY");
const K = 1000;
const dirtyClose = spy.close.slice();
dirtyClose[K] = Number.NaN;
const dirty: Bars = { ...spy, close: dirtyClose };

describe("a NaN close in the labels' inputs", () => {
  it("rollingVolatility: NaN for bars K .. K+window, equal to the clean series elsewhere (was NaN to the end)", () => {
    const w = 20;
    const clean = rollingVolatility(spy.close, w);
    const got = rollingVolatility(dirtyClose, w);
    expect(spy.close.length).toBeGreaterThan(8000);
    for (let i = 0; i < got.length; i++) {
      // Close K spoils returns K and K+1: the windows ending at K .. K+w hold one of them.
      const spoiled = i >= K && i <= K + w;
      const ok = spoiled ? Number.isNaN(got[i]) : Object.is(got[i], clean[i]);
      if (!ok) expect.fail(`at ${i}: ${got[i]} vs clean ${clean[i]}`);
    }
    let nan = 0;
    for (const v of got) if (Number.isNaN(v)) nan++;
    expect(nan).toBe(w + (w + 1)); // warm-up + the spoiled windows
  });

  const configs = [
    "kind: triple_barrier\nhorizon: 10\nbarriers: { upper: 2.0, lower: 2.0, scale: vol_20 }\noutput: binary\n",
    "kind: fixed_horizon\nhorizon: 10\nclasses: 3\nthreshold: 0.5\nscale: vol_20\n",
    "kind: fixed_horizon\nhorizon: 5\nclasses: 2\n",
  ];
  it.each(configs)("labels report the rows NaN removed, and only those differ: %s", (yaml) => {
    const cfg = labelsConfigSchema.parse(parse(yaml));
    const clean: LabelSet = labelsFromConfig(spy, cfg);
    const got: LabelSet = labelsFromConfig(dirty, cfg);
    expect(clean.lostToNaN).toBe(0);
    let removed = 0;
    for (let t = 0; t < spy.close.length; t++) {
      if (Number.isNaN(got.y[t])) {
        if (!Number.isNaN(clean.y[t])) removed++;
      } else if (got.y[t] !== clean.y[t] || got.endIdx[t] !== clean.endIdx[t]) {
        expect.fail(
          `row ${t}: label ${got.y[t]} (end ${got.endIdx[t]}) vs clean ${clean.y[t]} (end ${clean.endIdx[t]})`,
        );
      }
    }
    expect(got.lostToNaN).toBe(removed);
    expect(labelCount(got)).toBe(labelCount(clean) - got.lostToNaN);
    // The rows ending at K and, when volatility-scaled, the 21 starting at K .. K+20: a few
    // dozen at most, never the thousands that followed the NaN before.
    expect(got.lostToNaN).toBeGreaterThan(0);
    expect(got.lostToNaN).toBeLessThanOrEqual(10 + 21);
  });
});
