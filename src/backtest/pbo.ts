/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV;
 * Bailey, Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting", J. of
 * Computational Finance 2017). The T x N matrix of variant returns is cut into S equal blocks
 * of consecutive rows; for every choice of S/2 blocks as in-sample, the variant with the best
 * in-sample Sharpe is ranked out of sample; PBO is the share of splits where that variant's
 * relative rank is at or below the median (logit <= 0).
 */
export interface PboResult {
  pbo: number;
  /** logit(w) per split, w = out-of-sample rank / (N + 1) of the in-sample best. */
  logits: Float64Array;
  splits: number;
}

/**
 * @param matrix column-major returns, nRows x nCols (column c occupies [c*nRows, (c+1)*nRows))
 * @param blocks S, even, 2..24; rows beyond the last full block at the start are dropped
 */
export function probabilityOfBacktestOverfitting(
  matrix: Float64Array,
  nRows: number,
  nCols: number,
  blocks = 16,
): PboResult {
  if (matrix.length !== nRows * nCols) {
    throw new Error(`pbo: matrix has ${matrix.length} values, expected nRows*nCols = ${nRows * nCols}`);
  }
  if (!Number.isInteger(blocks) || blocks < 2 || blocks > 24 || blocks % 2 !== 0) {
    throw new Error(`pbo: blocks must be an even integer in [2, 24], got ${blocks}`);
  }
  if (nCols < 2) throw new Error(`pbo: need at least 2 variants (columns), got ${nCols}`);
  const size = Math.floor(nRows / blocks);
  if (size < 2) throw new Error(`pbo: ${nRows} rows are too few for ${blocks} blocks of >= 2 rows`);
  const skip = nRows - size * blocks;
  // Per block and column: sum and sum of squares, so each split costs O(S * N).
  const sum = new Float64Array(blocks * nCols);
  const sq = new Float64Array(blocks * nCols);
  for (let c = 0; c < nCols; c++) {
    const off = c * nRows + skip;
    for (let b = 0; b < blocks; b++) {
      let s = 0;
      let q = 0;
      for (let i = b * size; i < (b + 1) * size; i++) {
        const v = matrix[off + i];
        if (!Number.isFinite(v)) throw new Error(`pbo: matrix value at row ${skip + i}, column ${c} is ${v}`);
        s += v;
        q += v * v;
      }
      sum[b * nCols + c] = s;
      sq[b * nCols + c] = q;
    }
  }
  const half = blocks / 2;
  const rows = half * size;
  const sharpe = (s: number, q: number) => {
    const mu = s / rows;
    const v = (q - s * mu) / (rows - 1);
    return v > 0 ? mu / Math.sqrt(v) : 0;
  };
  const logits: number[] = [];
  const inS = new Float64Array(nCols);
  const inQ = new Float64Array(nCols);
  const outS = new Float64Array(nCols);
  const outQ = new Float64Array(nCols);
  const full = 1 << blocks;
  for (let mask = 0; mask < full; mask++) {
    let bits = 0;
    for (let m = mask; m; m &= m - 1) bits++;
    if (bits !== half) continue;
    inS.fill(0);
    inQ.fill(0);
    outS.fill(0);
    outQ.fill(0);
    for (let b = 0; b < blocks; b++) {
      const ts = mask & (1 << b) ? inS : outS;
      const tq = mask & (1 << b) ? inQ : outQ;
      const o = b * nCols;
      for (let c = 0; c < nCols; c++) {
        ts[c] += sum[o + c];
        tq[c] += sq[o + c];
      }
    }
    let best = 0;
    let bestIs = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < nCols; c++) {
      const s = sharpe(inS[c], inQ[c]);
      if (s > bestIs) {
        bestIs = s;
        best = c;
      }
    }
    const target = sharpe(outS[best], outQ[best]);
    let below = 0;
    let ties = 0;
    for (let c = 0; c < nCols; c++) {
      if (c === best) continue;
      const s = sharpe(outS[c], outQ[c]);
      if (s < target) below++;
      else if (s === target) ties++;
    }
    const w = (1 + below + ties / 2) / (nCols + 1);
    logits.push(Math.log(w / (1 - w)));
  }
  let overfit = 0;
  for (const l of logits) if (l <= 0) overfit++;
  return { pbo: overfit / logits.length, logits: Float64Array.from(logits), splits: logits.length };
}
