/**
 * Walking a tree to its leaf: by training bins (leafOfBinned, also run in worker threads, see
 * kernelFns.ts) and by raw feature values (addTreeRaw, prediction). Bin 255 is the missing-value
 * bin (a literal: see kernelFns.ts).
 */

/**
 * Leaf index reached by binned row r (training-time traversal, identical to raw thresholds);
 * row r's bin of feature f is bins[r·rowStride + f·featStride] (row- or column-major).
 */
export function leafOfBinned(
  bins: Uint8Array,
  rowStride: number,
  featStride: number,
  r: number,
  feature: Int32Array,
  bin: Int32Array,
  defaultLeft: Uint8Array,
  left: Int32Array,
  right: Int32Array,
): number {
  let node = 0;
  while (feature[node] >= 0) {
    const b = bins[r * rowStride + feature[node] * featStride];
    node = (b === 255 ? defaultLeft[node] === 1 : b <= bin[node]) ? left[node] : right[node];
  }
  return node;
}

/**
 * Adds one tree's output for n rows to out[i * stride + off]; feature f of row i is
 * x[f * fStride + i * rStride] (column-major: fStride = rows, rStride = 1; a row-major block:
 * fStride = 1, rStride = features). Non-finite values follow the learned default direction.
 */
export function addTreeRaw(
  x: Float64Array,
  n: number,
  fStride: number,
  rStride: number,
  feature: Int32Array,
  threshold: Float64Array,
  defaultLeft: Uint8Array,
  left: Int32Array,
  right: Int32Array,
  value: Float64Array,
  out: Float64Array,
  stride: number,
  off: number,
): void {
  for (let i = 0; i < n; i++) {
    let node = 0;
    const base = i * rStride;
    while (feature[node] >= 0) {
      const v = x[feature[node] * fStride + base];
      // v <= t is false for NaN; ±Infinity are treated as missing like NaN.
      if (v - v !== 0) node = defaultLeft[node] === 1 ? left[node] : right[node];
      else node = v <= threshold[node] ? left[node] : right[node];
    }
    out[i * stride + off] += value[node];
  }
}
