import { SplitError, type SplitPlan } from "./splitPlan";

function checkShapes(where: string, plan: SplitPlan, perSplit: readonly Float64Array[], width: number): void {
  if (perSplit.length !== plan.splits.length) {
    throw new SplitError(`${where}: got predictions for ${perSplit.length} splits, the plan has ${plan.splits.length}`);
  }
  plan.splits.forEach((s, i) => {
    if (perSplit[i].length !== s.test.length * width) {
      throw new SplitError(
        `${where}: split ${i} has ${perSplit[i].length} prediction values, expected ${s.test.length * width} (${s.test.length} test rows × ${width})`,
      );
    }
  });
}

/**
 * Out-of-fold predictions: each split's test predictions (aligned with `split.test`, `width`
 * values per row, e.g. K class probabilities) scattered into one array over `nRows` label
 * rows; rows no split tests stay NaN. A row tested by two splits is an error (CPCV tests rows
 * repeatedly: use `pathPredictions`).
 */
export function outOfFold(plan: SplitPlan, perSplit: readonly Float64Array[], nRows: number, width = 1): Float64Array {
  checkShapes("outOfFold", plan, perSplit, width);
  const out = new Float64Array(nRows * width).fill(Number.NaN);
  const seen = new Uint8Array(nRows);
  plan.splits.forEach((s, i) => {
    const src = perSplit[i];
    for (let j = 0; j < s.test.length; j++) {
      const r = s.test[j];
      if (seen[r]) throw new SplitError(`outOfFold: row ${r} is tested by more than one split (split ${i} again)`);
      seen[r] = 1;
      for (let c = 0; c < width; c++) out[r * width + c] = src[j * width + c];
    }
  });
  return out;
}

/**
 * CPCV backtest paths: for each path, the predictions of the split the path assigns to each
 * group, over `nRows` label rows (NaN outside the usable rows). Every usable row gets exactly
 * one prediction per path, each made by a model that did not train on it.
 */
export function pathPredictions(
  plan: SplitPlan,
  perSplit: readonly Float64Array[],
  nRows: number,
  width = 1,
): Float64Array[] {
  if (!plan.paths || !plan.groups)
    throw new SplitError("pathPredictions: the plan has no backtest paths (only cpcv plans do)");
  checkShapes("pathPredictions", plan, perSplit, width);
  const groups = plan.groups;
  return plan.paths.map((path) => {
    const out = new Float64Array(nRows * width).fill(Number.NaN);
    for (let g = 0; g < groups.length; g++) {
      const s = path[g];
      const test = plan.splits[s].test;
      const src = perSplit[s];
      // Test rows are ascending, as are the group's rows: walk both once.
      let j = 0;
      for (const r of groups[g]) {
        while (test[j] < r) j++;
        for (let c = 0; c < width; c++) out[r * width + c] = src[j * width + c];
      }
    }
    return out;
  });
}
