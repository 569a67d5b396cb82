/**
 * The tree engine's functions as worker threads receive them (src/models/kernelFns.ts): every
 * engine file's exports ship, `fns` holds them, and a function calling into another module is
 * refused by name instead of failing later inside a worker.
 */
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { fitBinCuts } from "../../src/models/binning";
import { kernelFns, kernelSource, shippableSource } from "../../src/models/kernelFns";

describe("the tree engine's worker script", () => {
  it("declares every engine function and fns with the main thread's names", () => {
    const names = runInNewContext(`${kernelSource()}Object.keys(fns).sort()`, { require: () => ({}) }) as string[];
    expect(names).toEqual(Object.keys(kernelFns).sort());
    for (const f of ["growTree", "gbmWorkerLoop", "rfGrowTrees", "wasmArena", "runNodeTask", "leafOfBinned"]) {
      expect(names).toContain(f);
    }
  });

  it("refuses a function that calls another module, in this runtime's and in tslab's compiled form", () => {
    // fitBinCuts calls wasmArena from kernelArena.ts: an import, which vitest rewrites.
    expect(() => shippableSource("binning", "fitBinCuts", fitBinCuts)).toThrow(
      /binning\.ts's fitBinCuts refers to another module \(__vite_ssr_import_\d+__\.wasmArena\); call other engine files through fns/,
    );
    const tslabForm = { toString: () => "function g(a) {\n  return (0, kernelTasks_1.rowShareStart)(a, 0, 1, 2);\n}" };
    expect(() =>
      shippableSource(
        "growTree",
        "g",
        Object.assign(() => 0, tslabForm),
      ),
    ).toThrow("refers to another module (kernelTasks_1.rowShareStart)");
    const esbuildCjs = { toString: () => "function g(a) {\n  return (0, import_kernelTasks.rowShareStart)(a);\n}" };
    expect(() =>
      shippableSource(
        "growTree",
        "g",
        Object.assign(() => 0, esbuildCjs),
      ),
    ).toThrow("(import_kernelTasks.rowShareStart)");
  });

  it("refuses an export that is not a function declaration of its name", () => {
    expect(() => shippableSource("growTree", "LIMIT", 3)).toThrow("growTree.ts exports LIMIT, not a function");
    expect(() => shippableSource("growTree", "half", (x: number) => x / 2)).toThrow(
      "growTree.ts's half is not a function declaration named half",
    );
  });
});
