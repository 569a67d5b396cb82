/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2), ported from the
 * reference C implementation in the `shap` package. Self-contained like kernel.ts because worker
 * threads receive it as source text.
 *
 * Trees arrive flattened: node arrays concatenated, `nodeStart[t]` the first node of tree t,
 * children as tree-local indices. phi is row-major n × nOutputs × (nFeat + 1); the last slot of
 * each output is left for the caller's expected value (XGBoost's pred_contribs layout).
 */
export function treeShapRows(
  x: Float64Array,
  n: number,
  rowBegin: number,
  rowEnd: number,
  nFeat: number,
  nOutputs: number,
  nodeStart: Int32Array,
  treeOutput: Int32Array,
  feature: Int32Array,
  threshold: Float64Array,
  defaultLeft: Uint8Array,
  left: Int32Array,
  right: Int32Array,
  value: Float64Array,
  cover: Float64Array,
  maxDepth: number,
  phi: Float64Array,
  phiRowOffset: number,
): void {
  const size = ((maxDepth + 2) * (maxDepth + 3)) / 2 + maxDepth + 3;
  const pf = new Int32Array(size);
  const pz = new Float64Array(size);
  const po = new Float64Array(size);
  const pw = new Float64Array(size);
  const row = new Float64Array(nFeat);
  const stride = nFeat + 1;

  // Divisions dominate the leaf loops: multiply by precomputed reciprocals instead.
  const inv = new Float64Array(maxDepth + 4);
  for (let i = 1; i < inv.length; i++) inv[i] = 1 / i;

  const extend = (p: number, ud: number, zf: number, of: number, fi: number): void => {
    pf[p + ud] = fi;
    pz[p + ud] = zf;
    po[p + ud] = of;
    pw[p + ud] = ud === 0 ? 1 : 0;
    const r = inv[ud + 1];
    for (let i = ud - 1; i >= 0; i--) {
      pw[p + i + 1] += of * pw[p + i] * (i + 1) * r;
      pw[p + i] = zf * pw[p + i] * (ud - i) * r;
    }
  };
  const unwind = (p: number, ud: number, pi: number): void => {
    const of = po[p + pi];
    const zf = pz[p + pi];
    let nextOne = pw[p + ud];
    for (let i = ud - 1; i >= 0; i--) {
      if (of !== 0) {
        const tmp = pw[p + i];
        pw[p + i] = (nextOne * (ud + 1)) / ((i + 1) * of);
        nextOne = tmp - (pw[p + i] * zf * (ud - i)) / (ud + 1);
      } else pw[p + i] = (pw[p + i] * (ud + 1)) / (zf * (ud - i));
    }
    for (let i = pi; i < ud; i++) {
      pf[p + i] = pf[p + i + 1];
      pz[p + i] = pz[p + i + 1];
      po[p + i] = po[p + i + 1];
    }
  };
  const unwoundSum = (p: number, ud: number, pi: number): number => {
    const of = po[p + pi];
    const zf = pz[p + pi];
    let nextOne = pw[p + ud];
    let total = 0;
    const u1 = ud + 1;
    const r = inv[u1];
    if (of !== 0) {
      const a = u1 / of;
      const b = zf * r;
      for (let i = ud - 1; i >= 0; i--) {
        const tmp = nextOne * a * inv[i + 1];
        total += tmp;
        nextOne = pw[p + i] - tmp * b * (ud - i);
      }
    } else if (zf !== 0) {
      const a = u1 / zf;
      for (let i = ud - 1; i >= 0; i--) total += pw[p + i] * a * inv[ud - i];
    }
    return total;
  };

  let base = 0;
  let phiBase = 0;
  const recurse = (node: number, parentP: number, ud: number, zf: number, of: number, fi: number): void => {
    // Each level works on its own copy of the path, right after its parent's.
    const p = parentP + ud + 1;
    for (let i = 0; i < ud; i++) {
      pf[p + i] = pf[parentP + i];
      pz[p + i] = pz[parentP + i];
      po[p + i] = po[parentP + i];
      pw[p + i] = pw[parentP + i];
    }
    extend(p, ud, zf, of, fi);
    const g = base + node;
    const f = feature[g];
    if (f < 0) {
      const v = value[g];
      for (let i = 1; i <= ud; i++) {
        const w = unwoundSum(p, ud, i);
        phi[phiBase + pf[p + i]] += w * (po[p + i] - pz[p + i]) * v;
      }
      return;
    }
    const xv = row[f];
    const goLeft = xv - xv !== 0 ? defaultLeft[g] === 1 : xv <= threshold[g];
    const hot = goLeft ? left[g] : right[g];
    const cold = goLeft ? right[g] : left[g];
    const w = cover[g];
    const hotZero = cover[base + hot] / w;
    const coldZero = cover[base + cold] / w;
    let inZero = 1;
    let inOne = 1;
    let k = 0;
    for (; k <= ud; k++) if (pf[p + k] === f) break;
    let d = ud;
    if (k <= ud) {
      inZero = pz[p + k];
      inOne = po[p + k];
      unwind(p, ud, k);
      d -= 1;
    }
    recurse(hot, p, d + 1, hotZero * inZero, inOne, f);
    recurse(cold, p, d + 1, coldZero * inZero, 0, f);
  };

  for (let i = rowBegin; i < rowEnd; i++) {
    for (let f = 0; f < nFeat; f++) row[f] = x[f * n + i];
    for (let t = 0; t < nodeStart.length - 1; t++) {
      base = nodeStart[t];
      phiBase = ((i - phiRowOffset) * nOutputs + treeOutput[t]) * stride;
      if (feature[base] < 0) continue;
      // Slot 0 is the root's dummy element (feature −1), as in the reference implementation.
      pf[0] = -1;
      recurse(0, -1, 0, 1, 1, -1);
    }
  }
}
