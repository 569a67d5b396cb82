/**
 * The tree engine's hot loops in AssemblyScript, compiled to WebAssembly by
 * `npm run build:wasm` (scripts/buildWasm.ts → treeKernelBinary.ts, checked by a test to match
 * this source). Measured on the 2-core CI machine: the quantised histogram build 0.93 vs 2.3 ns
 * per (row, feature) and the row partition 2.0 vs 6.6 ns per row against the best JS loops
 * (V8 keeps bounds checks and typed-array loads in those loops; WebAssembly's guard pages
 * make its loads bare).
 *
 * Every argument named like an array is a byte offset into the imported shared memory, where
 * the caller (kernel.ts's wasmArena) placed its typed arrays. Histogram slots hold 256
 * bins × (gradient, hessian) doubles per feature (4096 bytes); bin 255 holds missing values.
 * The functions mirror kernel.ts's contracts exactly: one thread's share of a node task works on
 * feature positions feats[fBegin..fEnd).
 */

const SLOT_FEATURE_BYTES: usize = 4096;

/** Score of a node with gradient sum g and hessian sum h: T_alpha(g)^2 / (h + lambda). */
@inline
function nodeScore(g: f64, h: f64, lambda: f64, alpha: f64): f64 {
  let t = g;
  if (alpha > 0) t = g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
  return (t * t) / (h + lambda);
}

@inline
function feat(feats: usize, k: i32): i32 {
  return load<i32>(feats + ((<usize>k) << 2));
}

/**
 * Quantised-gradient histogram: ghq holds row r's packed integer pair gq·2^sb + hq (hq ≥ 0) at
 * ghq + 8r, so each (row, feature) update is one add into a compact 256-per-feature accumulator
 * `acc` (this thread's scratch); the sums are exact integers below 2^53, so the order of rows
 * does not matter. Afterwards each bin is decoded into (gq·gScale, hq·hScale) in the slot.
 * Contiguous features with a row stride that is a multiple of 4 read four bins per u32 load.
 */
export function histQ(
  bins: usize,
  stride: i32,
  ghq: usize,
  rows: usize,
  begin: i32,
  end: i32,
  feats: usize,
  fBegin: i32,
  fEnd: i32,
  slot: usize,
  sb2: f64,
  gScale: f64,
  hScale: f64,
  acc: usize,
): void {
  const nf = fEnd - fBegin;
  if (nf <= 0) return;
  memory.fill(acc, 0, (<usize>nf) << 11);
  const f0 = feat(feats, fBegin);
  const f1 = feat(feats, fEnd - 1) + 1;
  // The word path needs the features to be exactly f0, f0 + 1, …, f1 − 1 in this order.
  let contiguous = f1 - f0 === nf && (stride & 3) === 0;
  for (let k = fBegin; contiguous && k < fEnd; k++) contiguous = feat(feats, k) === f0 + (k - fBegin);
  if (contiguous) {
    let a0 = (f0 + 3) & ~3;
    let a1 = f1 & ~3;
    if (a1 < a0) {
      a0 = f1;
      a1 = f1;
    }
    const accA = acc + ((<usize>(a0 - f0)) << 11);
    for (let i = begin; i < end; i++) {
      const r = load<i32>(rows + ((<usize>i) << 2));
      const v = load<f64>(ghq + ((<usize>r) << 3));
      const base = bins + <usize>r * <usize>stride;
      for (let f = f0; f < a0; f++) {
        const p = acc + ((<usize>(f - f0)) << 11) + ((<usize>load<u8>(base + <usize>f)) << 3);
        store<f64>(p, load<f64>(p) + v);
      }
      let o = accA;
      for (let f = a0; f < a1; f += 4) {
        const w = load<u32>(base + <usize>f);
        const p0 = o + ((<usize>(w & 255)) << 3);
        const p1 = o + 2048 + ((<usize>((w >>> 8) & 255)) << 3);
        const p2 = o + 4096 + ((<usize>((w >>> 16) & 255)) << 3);
        const p3 = o + 6144 + ((<usize>(w >>> 24)) << 3);
        store<f64>(p0, load<f64>(p0) + v);
        store<f64>(p1, load<f64>(p1) + v);
        store<f64>(p2, load<f64>(p2) + v);
        store<f64>(p3, load<f64>(p3) + v);
        o += 8192;
      }
      for (let f = a1; f < f1; f++) {
        const p = acc + ((<usize>(f - f0)) << 11) + ((<usize>load<u8>(base + <usize>f)) << 3);
        store<f64>(p, load<f64>(p) + v);
      }
    }
  } else {
    for (let i = begin; i < end; i++) {
      const r = load<i32>(rows + ((<usize>i) << 2));
      const v = load<f64>(ghq + ((<usize>r) << 3));
      const base = bins + <usize>r * <usize>stride;
      for (let k = fBegin; k < fEnd; k++) {
        const p = acc + ((<usize>(k - fBegin)) << 11) + ((<usize>load<u8>(base + <usize>feat(feats, k))) << 3);
        store<f64>(p, load<f64>(p) + v);
      }
    }
  }
  for (let k = fBegin; k < fEnd; k++) {
    const o = slot + <usize>feat(feats, k) * SLOT_FEATURE_BYTES;
    const a = acc + ((<usize>(k - fBegin)) << 11);
    for (let b: usize = 0; b < 256; b++) {
      const s = load<f64>(a + (b << 3));
      const gq = Math.floor(s / sb2);
      store<f64>(o + (b << 4), gq * gScale);
      store<f64>(o + (b << 4) + 8, (s - gq * sb2) * hScale);
    }
  }
}

/**
 * Float histogram: gh holds (g, h) of row r at gh + 16r; each bin adds its rows in row order
 * (the same sums, bit for bit, whatever the thread count).
 */
export function histF(
  bins: usize,
  stride: i32,
  gh: usize,
  rows: usize,
  begin: i32,
  end: i32,
  feats: usize,
  fBegin: i32,
  fEnd: i32,
  slot: usize,
): void {
  for (let k = fBegin; k < fEnd; k++) memory.fill(slot + <usize>feat(feats, k) * SLOT_FEATURE_BYTES, 0, 4096);
  for (let i = begin; i < end; i++) {
    const r = load<i32>(rows + ((<usize>i) << 2));
    const g = load<f64>(gh + ((<usize>r) << 4));
    const h = load<f64>(gh + ((<usize>r) << 4) + 8);
    const base = bins + <usize>r * <usize>stride;
    for (let k = fBegin; k < fEnd; k++) {
      const f = feat(feats, k);
      const p = slot + <usize>f * SLOT_FEATURE_BYTES + ((<usize>load<u8>(base + <usize>f)) << 4);
      store<f64>(p, load<f64>(p) + g);
      store<f64>(p + 8, load<f64>(p + 8) + h);
    }
  }
}

/** dst -= src over the given features: the sibling's histogram from its parent's. */
export function subtract(dst: usize, src: usize, feats: usize, fBegin: i32, fEnd: i32): void {
  for (let k = fBegin; k < fEnd; k++) {
    const o = <usize>feat(feats, k) * SLOT_FEATURE_BYTES;
    const d = dst + o;
    const s = src + o;
    for (let j: usize = 0; j < 4096; j += 16) {
      v128.store(d + j, f64x2.sub(v128.load(d + j), v128.load(s + j)));
    }
  }
}

/**
 * Best split over features feats[fBegin..fEnd) of one node's histogram slot. Writes
 * [gain, feature, bin, defaultLeft, gLeft, hLeft] as doubles at out; gain is -Infinity when
 * no split satisfies min child weight. Missing values (bin 255) are tried on both sides
 * (XGBoost's learned default direction) whenever the node has any; ties keep the first
 * candidate (lowest feature position, then lowest bin, missing-right before missing-left).
 * Gains are compared as computed here (by division) because threads' bests are merged by them:
 * any other in-thread comparison could pick another split than one thread would.
 */
export function bestSplit(
  slot: usize,
  feats: usize,
  fBegin: i32,
  fEnd: i32,
  nBins: usize,
  gSum: f64,
  hSum: f64,
  lambda: f64,
  alpha: f64,
  minChildWeight: f64,
  out: usize,
): void {
  const parent = nodeScore(gSum, hSum, lambda, alpha);
  bestGain = -Infinity;
  bestF = -1;
  bestB = -1;
  bestDl = 0;
  bestGl = 0;
  bestHl = 0;
  // A child needs a hessian above rounding noise: hSum − hl of an empty side can come out
  // ~1e-16 instead of 0, which with min_child_weight 0 would split off empty children.
  const minH = Math.max(minChildWeight, 1e-9 * hSum);
  for (let k = fBegin; k < fEnd; k++) {
    const f = feat(feats, k);
    const o = slot + <usize>f * SLOT_FEATURE_BYTES;
    const nb = load<i32>(nBins + ((<usize>f) << 2));
    if (alpha > 0 || load<f64>(o + 4088) > 0) scanScalar(o, f, nb, gSum, hSum, lambda, alpha, minH, parent);
    else scanPairs(o, f, nb, gSum, hSum, lambda, minH, parent);
  }
  store<f64>(out, bestGain);
  store<f64>(out + 8, <f64>bestF);
  store<f64>(out + 16, <f64>bestB);
  store<f64>(out + 24, <f64>bestDl);
  store<f64>(out + 32, bestGl);
  store<f64>(out + 40, bestHl);
}

// The running best split of bestSplit (globals are per instance, so per thread).
let bestGain: f64 = -Infinity;
let bestF: i32 = -1;
let bestB: i32 = -1;
let bestDl: i32 = 0;
let bestGl: f64 = 0;
let bestHl: f64 = 0;

/** One feature's candidates, one bin at a time: L1 scores and missing values on both sides. */
function scanScalar(o: usize, f: i32, nb: i32, gSum: f64, hSum: f64, lambda: f64, alpha: f64, minH: f64, parent: f64): void {
  const mg = load<f64>(o + 4080);
  const mh = load<f64>(o + 4088);
  const hasMissing = mh > 0;
  let gl: f64 = 0;
  let hl: f64 = 0;
  for (let b = 0; b < nb; b++) {
    // An empty bin gives the previous bin's candidate again, which never wins a strict >.
    gl += load<f64>(o + ((<usize>b) << 4));
    hl += load<f64>(o + ((<usize>b) << 4) + 8);
    // Missing values go right.
    const hr = hSum - hl;
    if (hl >= minH && hr >= minH && hl > 0 && hr > 0) {
      const gr = gSum - gl;
      const gain = 0.5 * (nodeScore(gl, hl, lambda, alpha) + nodeScore(gr, hr, lambda, alpha) - parent);
      if (gain > bestGain) {
        bestGain = gain;
        bestF = f;
        bestB = b;
        bestDl = 0;
        bestGl = gl;
        bestHl = hl;
      }
    }
    if (hasMissing && b < nb - 1) {
      // Missing values go left.
      const gl2 = gl + mg;
      const hl2 = hl + mh;
      const hr2 = hSum - hl2;
      if (hl2 >= minH && hr2 >= minH && hr2 > 0) {
        const gain = 0.5 * (nodeScore(gl2, hl2, lambda, alpha) + nodeScore(gSum - gl2, hr2, lambda, alpha) - parent);
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestB = b;
          bestDl = 1;
          bestGl = gl2;
          bestHl = hl2;
        }
      }
    }
  }
}

/**
 * One feature without missing values or L1: the prefix sums go bin by bin, the gains of two
 * bins at a time in f64x2 lanes (even bins in lane 0, odd in lane 1; the two divisions per bin
 * were most of the search). Each lane keeps its first maximum; the lanes then merge to the
 * feature's first maximum, exactly the candidate scanScalar's strict > would keep.
 */
function scanPairs(o: usize, f: i32, nb: i32, gSum: f64, hSum: f64, lambda: f64, minH: f64, parent: f64): void {
  const G = f64x2.splat(gSum);
  const H = f64x2.splat(hSum);
  const L = f64x2.splat(lambda);
  const P = f64x2.splat(parent);
  const half = f64x2.splat(0.5);
  const mH = f64x2.splat(minH);
  const zero = f64x2.splat(0);
  const noGain = f64x2.splat(-Infinity);
  let best = noGain;
  let bestBin = f64x2.splat(-1);
  let bestGlV = zero;
  let bestHlV = zero;
  let bins = f64x2.replace_lane(zero, 1, 1);
  const two = f64x2.splat(2);
  let gl: f64 = 0;
  let hl: f64 = 0;
  let b = 0;
  for (; b + 1 < nb; b += 2) {
    const p = o + ((<usize>b) << 4);
    const gl0 = gl + load<f64>(p);
    const hl0 = hl + load<f64>(p + 8);
    gl = gl0 + load<f64>(p + 16);
    hl = hl0 + load<f64>(p + 24);
    const GL = f64x2.replace_lane(f64x2.splat(gl0), 1, gl);
    const HL = f64x2.replace_lane(f64x2.splat(hl0), 1, hl);
    const GR = f64x2.sub(G, GL);
    const HR = f64x2.sub(H, HL);
    const sc = f64x2.add(
      f64x2.div(f64x2.mul(GL, GL), f64x2.add(HL, L)),
      f64x2.div(f64x2.mul(GR, GR), f64x2.add(HR, L)),
    );
    const valid = v128.and(
      v128.and(f64x2.ge(HL, mH), f64x2.ge(HR, mH)),
      v128.and(f64x2.gt(HL, zero), f64x2.gt(HR, zero)),
    );
    const gain = v128.bitselect(f64x2.mul(half, f64x2.sub(sc, P)), noGain, valid);
    const better = f64x2.gt(gain, best);
    best = v128.bitselect(gain, best, better);
    bestBin = v128.bitselect(bins, bestBin, better);
    bestGlV = v128.bitselect(GL, bestGlV, better);
    bestHlV = v128.bitselect(HL, bestHlV, better);
    bins = f64x2.add(bins, two);
  }
  // Lane 1 wins only with a larger gain, or an equal one at a lower bin.
  let g0 = f64x2.extract_lane(best, 0);
  let b0 = f64x2.extract_lane(bestBin, 0);
  let gl0 = f64x2.extract_lane(bestGlV, 0);
  let hl0 = f64x2.extract_lane(bestHlV, 0);
  const g1 = f64x2.extract_lane(best, 1);
  const b1 = f64x2.extract_lane(bestBin, 1);
  if (g1 > g0 || (g1 === g0 && b1 < b0)) {
    g0 = g1;
    b0 = b1;
    gl0 = f64x2.extract_lane(bestGlV, 1);
    hl0 = f64x2.extract_lane(bestHlV, 1);
  }
  if (g0 > bestGain) {
    bestGain = g0;
    bestF = f;
    bestB = <i32>b0;
    bestDl = 0;
    bestGl = gl0;
    bestHl = hl0;
  }
  // An odd last bin, scalar as in scanScalar.
  if (b < nb) {
    gl += load<f64>(o + ((<usize>b) << 4));
    hl += load<f64>(o + ((<usize>b) << 4) + 8);
    const hr = hSum - hl;
    if (hl >= minH && hr >= minH && hl > 0 && hr > 0) {
      const gr = gSum - gl;
      const gain = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent);
      if (gain > bestGain) {
        bestGain = gain;
        bestF = f;
        bestB = b;
        bestDl = 0;
        bestGl = gl;
        bestHl = hl;
      }
    }
  }
}

/**
 * Stable in-place partition of rows[begin..end) by the split (bin, defaultLeft) of one feature
 * column `col` (column-major bins: col + r is row r's bin); returns the first index of the
 * right child. Both sides are written and one cursor advances (no branch on the side);
 * right-going rows wait in scratch and are copied back, so both children keep rows ascending.
 */
export function partition(
  col: usize,
  rows: usize,
  begin: i32,
  end: i32,
  bin: i32,
  defaultLeft: i32,
  scratch: usize,
): i32 {
  let l = begin;
  let s: i32 = 0;
  for (let i = begin; i < end; i++) {
    const r = load<i32>(rows + ((<usize>i) << 2));
    const b = <i32>load<u8>(col + <usize>r);
    const goLeft: i32 = select<i32>(defaultLeft, <i32>(b <= bin), b === 255);
    store<i32>(rows + ((<usize>l) << 2), r);
    store<i32>(scratch + ((<usize>s) << 2), r);
    l += goLeft;
    s += 1 - goLeft;
  }
  memory.copy(rows + ((<usize>l) << 2), scratch, (<usize>s) << 2);
  return l;
}

/**
 * Binary log-loss gradients of rows [from, to) from e = exp(−margin) (kept per row by the
 * caller): p = 1 / (1 + e), g = (p − y)·w, h = p(1 − p)·w floored at 1e-16·w, as (g, h) pairs at
 * gh; out gets [max |g|, max h] of the range (the quantisation scales). weight = 0: every weight is 1.
 */
export function logisticGradients(expNeg: usize, y: usize, weight: usize, gh: usize, from: i32, to: i32, out: usize): void {
  let gMax: f64 = 0;
  let hMax: f64 = 0;
  for (let i = <usize>from; i < <usize>to; i++) {
    const p = 1 / (1 + load<f64>(expNeg + (i << 3)));
    const w: f64 = weight === 0 ? 1 : load<f64>(weight + (i << 3));
    const g = (p - load<f64>(y + (i << 3))) * w;
    let h = p * (1 - p) * w;
    h = h > 1e-16 ? h : 1e-16 * w;
    store<f64>(gh + (i << 4), g);
    store<f64>(gh + (i << 4) + 8, h);
    gMax = Math.max(gMax, Math.abs(g));
    hMax = Math.max(hMax, h);
  }
  store<f64>(out, gMax);
  store<f64>(out + 8, hMax);
}

/**
 * The (i + 1)-th draw of mulberry32 from state `seed` (kernel.ts's rngNext): its state only
 * advances by a constant, so any row's draw is computed directly and threads share a stream.
 */
@inline
function rngAt(seed: u32, i: u32): f64 {
  let t: u32 = seed + (i + 1) * 0x6d2b79f5;
  t = (t ^ (t >>> 15)) * (t | 1);
  t ^= t + (t ^ (t >>> 7)) * (t | 61);
  return <f64>(t ^ (t >>> 14)) / 4294967296;
}

/**
 * Stochastic rounding of the (g, h) pairs of rows [from, to) at gh to integers
 * gq = ⌊g/gScale + u⌋ and hq = max(1, ⌊h/hScale + u'⌋) (hq ≥ 1: a non-empty bin never has a
 * zero hessian), packed as gq·sb2 + hq into ghq; row i's draw is the (i + 1)-th from `seed`.
 */
export function quantizeGradients(
  gh: usize,
  ghq: usize,
  from: i32,
  to: i32,
  gScale: f64,
  hScale: f64,
  sb2: f64,
  seed: u32,
): void {
  const gInv = 1 / gScale;
  const hInv = 1 / hScale;
  for (let i = <usize>from; i < <usize>to; i++) {
    // One draw gives both rounding offsets (its high and low 16 bits).
    const u = rngAt(seed, <u32>i) * 65536;
    const uHi = Math.floor(u);
    const gq = Math.floor(load<f64>(gh + (i << 4)) * gInv + uHi * (1.0 / 65536));
    const hq = Math.max(1, Math.floor(load<f64>(gh + (i << 4) + 8) * hInv + (u - uHi)));
    store<f64>(ghq + (i << 3), gq * sb2 + hq);
  }
}

/** The exact sum of the packed quantised gradients of rows[begin..end). */
export function laneSum(ghq: usize, rows: usize, begin: i32, end: i32): f64 {
  let s: f64 = 0;
  for (let i = begin; i < end; i++) s += load<f64>(ghq + ((<usize>load<i32>(rows + ((<usize>i) << 2))) << 3));
  return s;
}

/** Sums of the (g, h) pairs of rows[begin..end), in row order, into out[0..2). */
export function segmentSums(gh: usize, rows: usize, begin: i32, end: i32, out: usize): void {
  let g: f64 = 0;
  let h: f64 = 0;
  for (let i = begin; i < end; i++) {
    const p = gh + ((<usize>load<i32>(rows + ((<usize>i) << 2))) << 4);
    g += load<f64>(p);
    h += load<f64>(p + 8);
  }
  store<f64>(out, g);
  store<f64>(out + 8, h);
}

/**
 * Leaves l0..l1 of a leaf table (4 doubles per leaf: [begin, end, a, b]): each leaf's (G, H),
 * summed over its rows in row order, into its a and b.
 */
export function leafSums(leaves: usize, l0: i32, l1: i32, gh: usize, rows: usize): void {
  for (let l = <usize>l0; l < <usize>l1; l++) {
    const e = leaves + (l << 5);
    segmentSums(gh, rows, <i32>load<f64>(e), <i32>load<f64>(e + 8), e + 16);
  }
}

/**
 * Leaves l0..l1 of a leaf table ([begin, end, v, exp(−v)] per leaf) added to their rows' binary
 * margins: margin += v, and exp(−margin) kept by multiplying with exp(−v); a product leaving
 * (1e-300, 1e300) is recomputed from the margin.
 */
export function applyLeaves(leaves: usize, l0: i32, l1: i32, rows: usize, margin: usize, expNeg: usize): void {
  for (let l = <usize>l0; l < <usize>l1; l++) {
    const e = leaves + (l << 5);
    const end = <i32>load<f64>(e + 8);
    const v = load<f64>(e + 16);
    const fv = load<f64>(e + 24);
    for (let i = <i32>load<f64>(e); i < end; i++) {
      const r = (<usize>load<i32>(rows + ((<usize>i) << 2))) << 3;
      const m = load<f64>(margin + r) + v;
      store<f64>(margin + r, m);
      const x = load<f64>(expNeg + r) * fv;
      store<f64>(expNeg + r, x > 1e-300 && x < 1e300 ? x : Math.exp(-m));
    }
  }
}

/**
 * Swaps the adjacent i32 blocks rows[a..b) and rows[b..c) (each keeps its order): the smaller
 * one waits in scratch while the larger moves (memory.copy is memmove).
 */
export function swapBlocks(rows: usize, a: i32, b: i32, c: i32, scratch: usize): void {
  const pa = rows + ((<usize>a) << 2);
  const pb = rows + ((<usize>b) << 2);
  const n1 = (<usize>(b - a)) << 2;
  const n2 = (<usize>(c - b)) << 2;
  if (n1 === 0 || n2 === 0) return;
  if (n1 <= n2) {
    memory.copy(scratch, pa, n1);
    memory.copy(pa, pb, n2);
    memory.copy(pa + n2, scratch, n1);
  } else {
    memory.copy(scratch, pb, n2);
    memory.copy(pa + n2, pa, n1);
    memory.copy(pa, scratch, n2);
  }
}

/**
 * Sorts the n finite doubles at `a` ascending in place, −0 before +0 (Float64Array.prototype.sort's
 * order): an LSD radix sort over the IEEE bits flipped to unsigned order, eight 8-bit digits,
 * digits every value shares skipped. tmp holds n doubles, counts 8 × 256 i32.
 */
export function sortFinite(a: usize, n: i32, tmp: usize, counts: usize): void {
  const nn = <usize>n;
  memory.fill(counts, 0, 8192);
  for (let i: usize = 0; i < nn; i++) {
    let k = load<u64>(a + (i << 3));
    k = (k >> 63) !== 0 ? ~k : k | 0x8000000000000000;
    store<u64>(a + (i << 3), k);
    for (let d: usize = 0; d < 8; d++) {
      const p = counts + (d << 10) + (<usize>((k >> (d << 3)) & 255) << 2);
      store<i32>(p, load<i32>(p) + 1);
    }
  }
  let src = a;
  let dst = tmp;
  const first = load<u64>(a);
  for (let d: usize = 0; d < 8; d++) {
    const c = counts + (d << 10);
    const shift = <u64>(d << 3);
    // All values share this digit: the pass would not move anything.
    if (load<i32>(c + (<usize>((first >> shift) & 255) << 2)) === n) continue;
    let sum: i32 = 0;
    for (let b: usize = 0; b < 256; b++) {
      const v = load<i32>(c + (b << 2));
      store<i32>(c + (b << 2), sum);
      sum += v;
    }
    for (let i: usize = 0; i < nn; i++) {
      const k = load<u64>(src + (i << 3));
      const p = c + (<usize>((k >> shift) & 255) << 2);
      const j = load<i32>(p);
      store<i32>(p, j + 1);
      store<u64>(dst + (<usize>j << 3), k);
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i: usize = 0; i < nn; i++) {
    const k = load<u64>(src + (i << 3));
    store<u64>(a + (i << 3), (k >> 63) !== 0 ? k & 0x7fffffffffffffff : ~k);
  }
}

/**
 * Bins one feature column x[0..n): `table` holds the feature's cuts padded with +Infinity to
 * 256 doubles, so bin = number of cuts below the value is an 8-step branch-free search;
 * non-finite values get 255. Writes both layouts: bins[i·stride + f] and col[i].
 */
export function binColumn(x: usize, n: i32, table: usize, bins: usize, stride: i32, f: i32, col: usize): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const v = load<f64>(x + (i << 3));
    let lo: usize = 0;
    lo += select<usize>(128, 0, load<f64>(table + (127 << 3)) < v);
    lo += select<usize>(64, 0, load<f64>(table + ((lo + 63) << 3)) < v);
    lo += select<usize>(32, 0, load<f64>(table + ((lo + 31) << 3)) < v);
    lo += select<usize>(16, 0, load<f64>(table + ((lo + 15) << 3)) < v);
    lo += select<usize>(8, 0, load<f64>(table + ((lo + 7) << 3)) < v);
    lo += select<usize>(4, 0, load<f64>(table + ((lo + 3) << 3)) < v);
    lo += select<usize>(2, 0, load<f64>(table + ((lo + 1) << 3)) < v);
    lo += select<usize>(1, 0, load<f64>(table + (lo << 3)) < v);
    const b = <u8>select<usize>(lo, 255, v - v === 0);
    store<u8>(bins + i * <usize>stride + <usize>f, b);
    store<u8>(col + i, b);
  }
}

// ---------------------------------------------------------------------------------------------
// Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2), ported from the
// reference C implementation in the `shap` package. The module globals below hold one call's
// arrays (globals are per instance, so per thread).

let pf: usize = 0; // path: feature (i32)
let pz: usize = 0; // path: zero fraction
let po: usize = 0; // path: one fraction
let pw: usize = 0; // path: permutation weight
let inv: usize = 0; // 1 / i for i ≤ maxDepth + 3: divisions dominate the leaf loops
let row: usize = 0; // the current row's features
let tFeature: usize = 0;
let tThreshold: usize = 0;
let tDefaultLeft: usize = 0;
let tLeft: usize = 0;
let tRight: usize = 0;
let tValue: usize = 0;
let tCover: usize = 0;
let nodeBase: i32 = 0;
let phiRow: usize = 0;

@inline
function ldf(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}
@inline
function stf(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}
@inline
function ldi(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}
@inline
function sti(p: usize, i: i32, v: i32): void {
  store<i32>(p + ((<usize>i) << 2), v);
}

function extendPath(p: i32, ud: i32, zf: f64, oneF: f64, fi: i32): void {
  sti(pf, p + ud, fi);
  stf(pz, p + ud, zf);
  stf(po, p + ud, oneF);
  stf(pw, p + ud, ud === 0 ? 1 : 0);
  const r = ldf(inv, ud + 1);
  for (let i = ud - 1; i >= 0; i--) {
    stf(pw, p + i + 1, ldf(pw, p + i + 1) + oneF * ldf(pw, p + i) * <f64>(i + 1) * r);
    stf(pw, p + i, zf * ldf(pw, p + i) * <f64>(ud - i) * r);
  }
}

function unwindPath(p: i32, ud: i32, pi: i32): void {
  const oneF = ldf(po, p + pi);
  const zf = ldf(pz, p + pi);
  let nextOne = ldf(pw, p + ud);
  for (let i = ud - 1; i >= 0; i--) {
    if (oneF !== 0) {
      const tmp = ldf(pw, p + i);
      const w = (nextOne * <f64>(ud + 1)) / (<f64>(i + 1) * oneF);
      stf(pw, p + i, w);
      nextOne = tmp - (w * zf * <f64>(ud - i)) / <f64>(ud + 1);
    } else stf(pw, p + i, (ldf(pw, p + i) * <f64>(ud + 1)) / (zf * <f64>(ud - i)));
  }
  for (let i = pi; i < ud; i++) {
    sti(pf, p + i, ldi(pf, p + i + 1));
    stf(pz, p + i, ldf(pz, p + i + 1));
    stf(po, p + i, ldf(po, p + i + 1));
  }
}

function unwoundSum(p: i32, ud: i32, pi: i32): f64 {
  const oneF = ldf(po, p + pi);
  const zf = ldf(pz, p + pi);
  let nextOne = ldf(pw, p + ud);
  let total: f64 = 0;
  const u1 = ud + 1;
  const r = ldf(inv, u1);
  if (oneF !== 0) {
    const a = <f64>u1 / oneF;
    const b = zf * r;
    for (let i = ud - 1; i >= 0; i--) {
      const tmp = nextOne * a * ldf(inv, i + 1);
      total += tmp;
      nextOne = ldf(pw, p + i) - tmp * b * <f64>(ud - i);
    }
  } else if (zf !== 0) {
    const a = <f64>u1 / zf;
    for (let i = ud - 1; i >= 0; i--) total += ldf(pw, p + i) * a * ldf(inv, ud - i);
  }
  return total;
}

function recurse(node: i32, parentP: i32, ud: i32, zf: f64, oneF: f64, fi: i32): void {
  // Each level works on its own copy of the path, right after its parent's.
  const p = parentP + ud + 1;
  for (let i = 0; i < ud; i++) {
    sti(pf, p + i, ldi(pf, parentP + i));
    stf(pz, p + i, ldf(pz, parentP + i));
    stf(po, p + i, ldf(po, parentP + i));
    stf(pw, p + i, ldf(pw, parentP + i));
  }
  extendPath(p, ud, zf, oneF, fi);
  const g = nodeBase + node;
  const f = ldi(tFeature, g);
  if (f < 0) {
    const v = ldf(tValue, g);
    for (let i = 1; i <= ud; i++) {
      const w = unwoundSum(p, ud, i);
      const q = phiRow + ((<usize>ldi(pf, p + i)) << 3);
      store<f64>(q, load<f64>(q) + w * (ldf(po, p + i) - ldf(pz, p + i)) * v);
    }
    return;
  }
  const xv = ldf(row, f);
  const goLeft = xv - xv !== 0 ? load<u8>(tDefaultLeft + <usize>g) === 1 : xv <= ldf(tThreshold, g);
  const hot = goLeft ? ldi(tLeft, g) : ldi(tRight, g);
  const cold = goLeft ? ldi(tRight, g) : ldi(tLeft, g);
  const w = ldf(tCover, g);
  const hotZero = ldf(tCover, nodeBase + hot) / w;
  const coldZero = ldf(tCover, nodeBase + cold) / w;
  let inZero: f64 = 1;
  let inOne: f64 = 1;
  let k = 0;
  for (; k <= ud; k++) if (ldi(pf, p + k) === f) break;
  let d = ud;
  if (k <= ud) {
    inZero = ldf(pz, p + k);
    inOne = ldf(po, p + k);
    unwindPath(p, ud, k);
    d -= 1;
  }
  recurse(hot, p, d + 1, hotZero * inZero, inOne, f);
  recurse(cold, p, d + 1, coldZero * inZero, 0, f);
}

/**
 * SHAP values of rows [rowBegin, rowEnd) of the column-major matrix x (n rows × nFeat) for
 * flattened trees (node arrays concatenated, nodeStart[t] = tree t's first node, children as
 * tree-local indices), added into phi: row-major rows × nOutputs × (nFeat + 1) starting at row
 * phiRowOffset; the last slot of each output is left for the caller's expected value (XGBoost's
 * pred_contribs layout). work: this thread's scratch, treeShapWorkDoubles(maxDepth, nFeat) doubles.
 */
export function treeShap(
  x: usize,
  n: i32,
  rowBegin: i32,
  rowEnd: i32,
  nFeat: i32,
  nOutputs: i32,
  nTrees: i32,
  nodeStart: usize,
  treeOutput: usize,
  feature: usize,
  threshold: usize,
  defaultLeft: usize,
  left: usize,
  right: usize,
  value: usize,
  cover: usize,
  maxDepth: i32,
  phi: usize,
  phiRowOffset: i32,
  work: usize,
): void {
  const size = <usize>(((maxDepth + 2) * (maxDepth + 3)) / 2 + maxDepth + 3);
  pf = work;
  pz = pf + (size << 3);
  po = pz + (size << 3);
  pw = po + (size << 3);
  inv = pw + (size << 3);
  row = inv + ((<usize>(maxDepth + 4)) << 3);
  for (let i = 1; i < maxDepth + 4; i++) stf(inv, i, 1 / <f64>i);
  tFeature = feature;
  tThreshold = threshold;
  tDefaultLeft = defaultLeft;
  tLeft = left;
  tRight = right;
  tValue = value;
  tCover = cover;
  const stride = <usize>(nFeat + 1);
  for (let i = rowBegin; i < rowEnd; i++) {
    for (let f = 0; f < nFeat; f++) stf(row, f, ldf(x, f * n + i));
    for (let t = 0; t < nTrees; t++) {
      nodeBase = ldi(nodeStart, t);
      if (ldi(tFeature, nodeBase) < 0) continue;
      phiRow = phi + ((<usize>((i - phiRowOffset) * nOutputs + ldi(treeOutput, t)) * stride) << 3);
      // Slot 0 is the root's dummy element (feature −1), as in the reference implementation.
      sti(pf, 0, -1);
      recurse(0, -1, 0, 1, 1, -1);
    }
  }
}
