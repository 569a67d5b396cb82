/**
 * The numeric kernel of the tree engine: histogram build, split search, in-place partition,
 * tree growth, binned prediction and a seeded RNG.
 *
 * Every function here is self-contained (it calls only other functions of this file and
 * globals) because worker threads receive this file's functions as source text
 * (`Function.prototype.toString`, see workerSource.ts): that works identically under tsx,
 * vitest and tslab's CommonJS output, needs no path to a worker file and no TS loader in the
 * worker. Constants are therefore literals: 255 = the missing-value bin, 512 = doubles per
 * feature in a histogram (256 bins × (gradient, hessian)).
 */

/** mulberry32; state is a one-element Uint32Array so callers share and advance it. */
export function rngNext(state: Uint32Array): number {
  state[0] = (state[0] + 0x6d2b79f5) >>> 0;
  let t = state[0];
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * Adds rows[begin..end) into the histogram of features feats[fBegin..fEnd). Row-major bins:
 * one row's bins are contiguous (row stride nFeat, which may include padding), so the inner
 * loop over features reads one cache line.
 */
export function buildHist(
  bins: Uint8Array,
  nFeat: number,
  gh: Float64Array,
  rows: Int32Array,
  begin: number,
  end: number,
  feats: Int32Array,
  fBegin: number,
  fEnd: number,
  hist: Float64Array,
  histOff: number,
): void {
  for (let k = fBegin; k < fEnd; k++) {
    const o = histOff + feats[k] * 512;
    hist.fill(0, o, o + 512);
  }
  if (fEnd > fBegin && feats[fEnd - 1] - feats[fBegin] === fEnd - fBegin - 1) {
    // A contiguous feature range (every thread's share when all features are used): no
    // indirection through feats, measured ~1.5x faster than the general loop.
    const f0 = feats[fBegin];
    const f1 = feats[fEnd - 1] + 1;
    if ((nFeat & 3) === 0 && (bins.byteOffset & 3) === 0) {
      // Row stride a multiple of 4 (gbm pads its rows): four features' bins come in one
      // Uint32 load (little-endian: the lowest byte is the lowest feature), another ~1.3x
      // over four byte loads. Features before the first / after the last whole word of the
      // range go one byte at a time. Each bin still adds rows in order (bit-identical sums).
      const w32 = new Uint32Array(bins.buffer, bins.byteOffset, bins.length >> 2);
      const stride4 = nFeat >> 2;
      let a0 = (f0 + 3) & ~3;
      let a1 = f1 & ~3;
      if (a1 < a0) {
        a0 = f1;
        a1 = f1;
      }
      const q0 = a0 >> 2;
      const nw = (a1 - a0) >> 2;
      const oA = histOff + a0 * 512;
      for (let i = begin; i < end; i++) {
        const r = rows[i];
        const g = gh[2 * r];
        const h = gh[2 * r + 1];
        const base = r * nFeat;
        for (let f = f0; f < a0; f++) {
          const p = histOff + f * 512 + (bins[base + f] << 1);
          hist[p] += g;
          hist[p + 1] += h;
        }
        let q = r * stride4 + q0;
        const qe = q + nw;
        let o = oA;
        for (; q < qe; q++, o += 2048) {
          const w = w32[q];
          const p0 = o + ((w & 255) << 1);
          const p1 = o + 512 + ((w >>> 7) & 510);
          const p2 = o + 1024 + ((w >>> 15) & 510);
          const p3 = o + 1536 + ((w >>> 23) & 510);
          hist[p0] += g;
          hist[p0 + 1] += h;
          hist[p1] += g;
          hist[p1 + 1] += h;
          hist[p2] += g;
          hist[p2 + 1] += h;
          hist[p3] += g;
          hist[p3 + 1] += h;
        }
        for (let f = a1; f < f1; f++) {
          const p = histOff + f * 512 + (bins[base + f] << 1);
          hist[p] += g;
          hist[p + 1] += h;
        }
      }
      return;
    }
    // Unrolled by four features (V8 does not unroll), ~1.3x.
    const f4 = f0 + ((f1 - f0) & ~3);
    const o0 = histOff + f0 * 512;
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const g = gh[2 * r];
      const h = gh[2 * r + 1];
      const base = r * nFeat;
      let o = o0;
      let f = f0;
      for (; f < f4; f += 4, o += 2048) {
        const p0 = o + (bins[base + f] << 1);
        const p1 = o + 512 + (bins[base + f + 1] << 1);
        const p2 = o + 1024 + (bins[base + f + 2] << 1);
        const p3 = o + 1536 + (bins[base + f + 3] << 1);
        hist[p0] += g;
        hist[p0 + 1] += h;
        hist[p1] += g;
        hist[p1 + 1] += h;
        hist[p2] += g;
        hist[p2 + 1] += h;
        hist[p3] += g;
        hist[p3 + 1] += h;
      }
      for (; f < f1; f++, o += 512) {
        const p = o + (bins[base + f] << 1);
        hist[p] += g;
        hist[p + 1] += h;
      }
    }
    return;
  }
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    const base = r * nFeat;
    for (let k = fBegin; k < fEnd; k++) {
      const f = feats[k];
      const p = histOff + f * 512 + (bins[base + f] << 1);
      hist[p] += g;
      hist[p + 1] += h;
    }
  }
}

/**
 * Quantised-gradient histogram build: gh[qOff + r] holds row r's packed integer pair
 * gq·2^sb + hq (hq ≥ 0), so each (row, feature) update is ONE add into the bin's gradient
 * slot; all sums are integers below 2^53 (exact, order-free). Afterwards every bin is decoded
 * in place into (gq·gScale, hq·hScale), the layout findBestSplit and subtractHist read.
 */
export function buildHistQ(
  bins: Uint8Array,
  nFeat: number,
  gh: Float64Array,
  qOff: number,
  rows: Int32Array,
  begin: number,
  end: number,
  feats: Int32Array,
  fBegin: number,
  fEnd: number,
  hist: Float64Array,
  histOff: number,
  sb2: number,
  gScale: number,
  hScale: number,
): void {
  if (fEnd <= fBegin) return;
  if (feats[fEnd - 1] - feats[fBegin] === fEnd - fBegin - 1 && (nFeat & 3) === 0 && (bins.byteOffset & 3) === 0) {
    // Contiguous features: packed sums go to a compact 256-per-feature accumulator (half the
    // cache footprint of the (g, h) layout), decoded into the histogram slot afterwards.
    const f0 = feats[fBegin];
    const f1 = feats[fEnd - 1] + 1;
    const acc = new Float64Array((f1 - f0) * 256);
    const w32 = new Uint32Array(bins.buffer, bins.byteOffset, bins.length >> 2);
    const stride4 = nFeat >> 2;
    let a0 = (f0 + 3) & ~3;
    let a1 = f1 & ~3;
    if (a1 < a0) {
      a0 = f1;
      a1 = f1;
    }
    const q0 = a0 >> 2;
    const nw = (a1 - a0) >> 2;
    const oA = (a0 - f0) * 256;
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const v = gh[qOff + r];
      const base = r * nFeat;
      for (let f = f0; f < a0; f++) acc[(f - f0) * 256 + bins[base + f]] += v;
      let q = r * stride4 + q0;
      const qe = q + nw;
      let o = oA;
      for (; q < qe; q++, o += 1024) {
        const w = w32[q];
        acc[o + (w & 255)] += v;
        acc[o + 256 + ((w >>> 8) & 255)] += v;
        acc[o + 512 + ((w >>> 16) & 255)] += v;
        acc[o + 768 + (w >>> 24)] += v;
      }
      for (let f = a1; f < f1; f++) acc[(f - f0) * 256 + bins[base + f]] += v;
    }
    for (let f = f0; f < f1; f++) {
      const o = histOff + f * 512;
      const a = (f - f0) * 256;
      for (let b = 0; b < 256; b++) {
        const s = acc[a + b];
        const gq = Math.floor(s / sb2);
        hist[o + 2 * b] = gq * gScale;
        hist[o + 2 * b + 1] = (s - gq * sb2) * hScale;
      }
    }
    return;
  }
  for (let k = fBegin; k < fEnd; k++) {
    const o = histOff + feats[k] * 512;
    hist.fill(0, o, o + 512);
  }
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const v = gh[qOff + r];
    const base = r * nFeat;
    for (let k = fBegin; k < fEnd; k++) {
      const f = feats[k];
      hist[histOff + f * 512 + (bins[base + f] << 1)] += v;
    }
  }
  for (let k = fBegin; k < fEnd; k++) {
    const o = histOff + feats[k] * 512;
    for (let p = o; p < o + 512; p += 2) {
      const s = hist[p];
      if (s === 0) continue;
      const gq = Math.floor(s / sb2);
      hist[p] = gq * gScale;
      hist[p + 1] = (s - gq * sb2) * hScale;
    }
  }
}

/** hist[dst] -= hist[src] for the given features: the sibling's histogram from its parent's. */
export function subtractHist(
  hist: Float64Array,
  dstOff: number,
  srcOff: number,
  feats: Int32Array,
  fBegin: number,
  fEnd: number,
): void {
  for (let k = fBegin; k < fEnd; k++) {
    const o = feats[k] * 512;
    const d = dstOff + o;
    const s = srcOff + o;
    for (let j = 0; j < 512; j++) hist[d + j] -= hist[s + j];
  }
}

/** Score of a node with gradient sum g and hessian sum h: T_alpha(g)^2 / (h + lambda). */
export function nodeScore(g: number, h: number, lambda: number, alpha: number): number {
  let t = g;
  if (alpha > 0) t = g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
  return (t * t) / (h + lambda);
}

/**
 * Best split over features feats[fBegin..fEnd) of one node's histogram. Writes
 * [gain, feature, bin, defaultLeft, gLeft, hLeft] at out[outOff..]; gain is -Infinity when
 * no split satisfies min child weight. Missing values (bin 255) are tried on both sides
 * (XGBoost's learned default direction) whenever the node has any.
 */
export function findBestSplit(
  hist: Float64Array,
  histOff: number,
  feats: Int32Array,
  fBegin: number,
  fEnd: number,
  nBins: Int32Array,
  gSum: number,
  hSum: number,
  lambda: number,
  alpha: number,
  minChildWeight: number,
  out: Float64Array,
  outOff: number,
): void {
  const parent = nodeScore(gSum, hSum, lambda, alpha);
  let bestGain = Number.NEGATIVE_INFINITY;
  let bestF = -1;
  let bestB = -1;
  let bestDl = 0;
  let bestGl = 0;
  let bestHl = 0;
  const l1 = alpha > 0;
  for (let k = fBegin; k < fEnd; k++) {
    const f = feats[k];
    const o = histOff + f * 512;
    const nb = nBins[f];
    const mh = hist[o + 511];
    const mg = hist[o + 510];
    const hasMissing = mh > 0;
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < nb; b++) {
      const hb = hist[o + 2 * b + 1];
      // An empty bin leaves both sides unchanged: its split equals the previous bin's.
      if (hb === 0 && b > 0) continue;
      gl += hist[o + 2 * b];
      hl += hb;
      // Missing values go right.
      const hr = hSum - hl;
      if (hl >= minChildWeight && hr >= minChildWeight && hl > 0 && hr > 0) {
        const gr = gSum - gl;
        const sc = l1
          ? nodeScore(gl, hl, lambda, alpha) + nodeScore(gr, hr, lambda, alpha)
          : (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
        const gain = 0.5 * (sc - parent);
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
        if (hl2 >= minChildWeight && hr2 >= minChildWeight && hr2 > 0) {
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
  out[outOff] = bestGain;
  out[outOff + 1] = bestF;
  out[outOff + 2] = bestB;
  out[outOff + 3] = bestDl;
  out[outOff + 4] = bestGl;
  out[outOff + 5] = bestHl;
}

/**
 * Stable in-place partition of rows[begin..end) by (bin, defaultLeft) of the feature at
 * bins[r * stride + offset]; returns the first index of the right child. Callers pass the
 * column-major copy (stride 1): ascending rows then read one column forwards. Stability keeps rows ascending, so histogram builds walk
 * the bin matrix forwards.
 */
export function partitionRows(
  bins: Uint8Array,
  stride: number,
  offset: number,
  rows: Int32Array,
  begin: number,
  end: number,
  bin: number,
  defaultLeft: number,
  scratch: Int32Array,
): number {
  let l = begin;
  let s = 0;
  // Branch-free: left/right are unpredictable, so write both and advance one (measured faster),
  // and the side comes from a 256-entry table (bin 255 = missing → the default direction):
  // the comparisons compiled to branches, measured ~2x slower.
  const side = new Uint8Array(256);
  for (let b = 0; b < 255; b++) side[b] = b <= bin ? 1 : 0;
  side[255] = defaultLeft === 1 ? 1 : 0;
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const goLeft = side[bins[r * stride + offset]];
    rows[l] = r;
    scratch[s] = r;
    l += goLeft;
    s += 1 - goLeft;
  }
  for (let i = 0; i < s; i++) rows[l + i] = scratch[i];
  return l;
}

/**
 * One node task, run by every thread on its own feature range: build node A's histogram
 * (into slot A), then for node B either subtract (B's slot holds the parent, B = parent − A)
 * or build it directly; then search the best split of each node that may split.
 * task layout: [aBegin, aEnd, aSlot, aSplit, aG, aH, bMode, bBegin, bEnd, bSlot, bSplit, bG, bH]
 * with bMode 0 = no node B, 1 = subtract, 2 = build.
 */
export function runNodeTask(
  bins: Uint8Array,
  nFeat: number,
  gh: Float64Array,
  rows: Int32Array,
  hist: Float64Array,
  nBins: Int32Array,
  feats: Int32Array,
  fBegin: number,
  fEnd: number,
  task: Float64Array,
  lambda: number,
  alpha: number,
  minChildWeight: number,
  out: Float64Array,
  outOff: number,
): void {
  const slotSize = nFeat * 512;
  const aOff = task[2] * slotSize;
  // task[16..19] = [2^sb (0 = float gradients), gScale, hScale, offset of the packed lane in gh]
  const sb2 = task[16];
  if (sb2 > 0)
    buildHistQ(
      bins,
      nFeat,
      gh,
      task[19],
      rows,
      task[0],
      task[1],
      feats,
      fBegin,
      fEnd,
      hist,
      aOff,
      sb2,
      task[17],
      task[18],
    );
  else buildHist(bins, nFeat, gh, rows, task[0], task[1], feats, fBegin, fEnd, hist, aOff);
  if (task[3] === 1) {
    findBestSplit(hist, aOff, feats, fBegin, fEnd, nBins, task[4], task[5], lambda, alpha, minChildWeight, out, outOff);
  } else out[outOff] = Number.NEGATIVE_INFINITY;
  const bMode = task[6];
  if (bMode === 0) return;
  const bOff = task[9] * slotSize;
  if (bMode === 1) subtractHist(hist, bOff, aOff, feats, fBegin, fEnd);
  else if (sb2 > 0)
    buildHistQ(
      bins,
      nFeat,
      gh,
      task[19],
      rows,
      task[7],
      task[8],
      feats,
      fBegin,
      fEnd,
      hist,
      bOff,
      sb2,
      task[17],
      task[18],
    );
  else buildHist(bins, nFeat, gh, rows, task[7], task[8], feats, fBegin, fEnd, hist, bOff);
  if (task[10] === 1) {
    findBestSplit(
      hist,
      bOff,
      feats,
      fBegin,
      fEnd,
      nBins,
      task[11],
      task[12],
      lambda,
      alpha,
      minChildWeight,
      out,
      outOff + 6,
    );
  } else out[outOff + 6] = Number.NEGATIVE_INFINITY;
}

/**
 * Grows one tree over rows[0..nRows) (bins row-major for histograms, binsCol column-major
 * for partitions) (rows is partitioned in place; on return each leaf owns
 * a contiguous segment). Best-first when maxLeaves > 0 (the open leaf with the largest gain
 * splits next), otherwise depth-first: with no leaf limit the order does not change the tree.
 *
 * cfg: [maxDepth, maxLeaves, minChildWeight, lambda, alpha, minSplitGain, learningRate,
 *       leafMode (0 Newton step −T(G)/(H+λ)·lr, 1 mean G/H), mtry (0 = all of feats per node),
 *       nThreads]
 * With nThreads > 1 the caller runs in the main thread and `remote` drives the worker threads
 * (feature-parallel node tasks over shared memory); remote is null otherwise.
 *
 * Returns the tree as plain arrays (see the `nodes` object below).
 */
export function growTree(
  bins: Uint8Array,
  binsCol: Uint8Array,
  nFeat: number,
  gh: Float64Array,
  rows: Int32Array,
  nRows: number,
  nBins: Int32Array,
  feats: Int32Array,
  nFeats: number,
  hist: Float64Array,
  nSlots: number,
  cfg: Float64Array,
  rng: Uint32Array,
  scratch: Int32Array,
  remote: {
    ctl: Int32Array;
    task: Float64Array;
    out: Float64Array;
    feats: Int32Array;
    nWorkers: number;
  } | null,
) {
  const maxDepth = cfg[0];
  const maxLeaves = cfg[1];
  const mcw = cfg[2];
  const lambda = cfg[3];
  const alpha = cfg[4];
  const minSplitGain = cfg[5];
  const lr = cfg[6];
  const leafMode = cfg[7];
  const mtry = cfg[8];
  const nThreads = remote === null ? 1 : remote.nWorkers + 1;

  const feature: number[] = [];
  const bin: number[] = [];
  const defaultLeft: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const gain: number[] = [];
  const cover: number[] = [];
  const value: number[] = [];
  const segBegin: number[] = [];
  const segEnd: number[] = [];
  const depth: number[] = [];
  const sumG: number[] = [];
  // Per open node: its best split (6 numbers) and its histogram slot (−1 = none).
  const splitInfo: number[] = [];
  const slotOf: number[] = [];

  const freeSlots: number[] = [];
  for (let s = nSlots - 1; s >= 0; s--) freeSlots.push(s);
  const nodeFeats = mtry > 0 ? new Int32Array(nFeats) : feats;
  const task = remote === null ? new Float64Array(20) : remote.task;
  // Quantised gradients (cfg[10] = 2^sb > 0, see buildHistQ): handed to every thread via the task.
  const sb2 = cfg.length > 13 ? cfg[10] : 0;
  task[16] = sb2;
  task[17] = sb2 > 0 ? cfg[11] : 0;
  task[18] = sb2 > 0 ? cfg[12] : 0;
  task[19] = sb2 > 0 ? cfg[13] : 0;
  const localOut = new Float64Array(12);
  const mergeOut = new Float64Array(12);

  const newNode = (b: number, e: number, g: number, h: number, d: number): number => {
    const id = feature.length;
    feature.push(-1);
    bin.push(0);
    defaultLeft.push(0);
    left.push(-1);
    right.push(-1);
    gain.push(0);
    cover.push(h);
    sumG.push(g);
    let t = g;
    if (leafMode === 0) {
      if (alpha > 0) t = g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
      value.push((-t / (h + lambda)) * lr);
    } else value.push(h > 0 ? g / h : 0);
    segBegin.push(b);
    segEnd.push(e);
    depth.push(d);
    for (let j = 0; j < 6; j++) splitInfo.push(0);
    splitInfo[id * 6] = Number.NEGATIVE_INFINITY;
    slotOf.push(-1);
    return id;
  };
  const canSplit = (id: number): boolean =>
    (maxDepth <= 0 || depth[id] < maxDepth) && cover[id] >= 2 * mcw && segEnd[id] - segBegin[id] >= 2;

  // Runs the task in `task` on all threads and merges the per-thread best splits.
  const execute = (twoNodes: boolean): void => {
    let nf = nFeats;
    let fl: Int32Array = feats;
    if (mtry > 0) {
      // Random forest: a fresh feature sample per node (partial Fisher–Yates over feats).
      for (let k = 0; k < nFeats; k++) nodeFeats[k] = feats[k];
      const m = Math.min(mtry, nFeats);
      for (let k = 0; k < m; k++) {
        const j = k + Math.floor(rngNext(rng) * (nFeats - k));
        const tmp = nodeFeats[k];
        nodeFeats[k] = nodeFeats[j];
        nodeFeats[j] = tmp;
      }
      nf = m;
      fl = nodeFeats;
    }
    // Small tasks stay on this thread: waking a worker costs more than it saves (the split
    // found is the same, ties still go to the lowest feature position).
    const work = (task[1] - task[0] + (task[6] === 2 ? task[8] - task[7] : 0)) * nf;
    if (remote === null || work < 65536) {
      runNodeTask(bins, nFeat, gh, rows, hist, nBins, fl, 0, nf, task, lambda, alpha, mcw, localOut, 0);
      for (let j = 0; j < 12; j++) mergeOut[j] = localOut[j];
      return;
    }
    const ctl = remote.ctl;
    task[13] = 0;
    task[14] = nf;
    const seq = (Atomics.load(ctl, 0) + 1) | 0;
    Atomics.store(ctl, 0, seq);
    Atomics.notify(ctl, 0);
    // Thread k's share starts at feature position (⌊k·nf/threads⌋ + 2) & ~3: a multiple of 4,
    // so with all features each share reads whole Uint32 words of bins (gbmWorkerLoop agrees).
    const myEnd = Math.min(nf, (Math.floor(nf / nThreads) + 2) & ~3);
    runNodeTask(bins, nFeat, gh, rows, hist, nBins, fl, 0, myEnd, task, lambda, alpha, mcw, localOut, 0);
    for (let j = 0; j < 12; j++) mergeOut[j] = localOut[j];
    for (let w = 0; w < remote.nWorkers; w++) {
      while (true) {
        const done = Atomics.load(ctl, 1 + w);
        if (done === seq) break;
        Atomics.wait(ctl, 1 + w, done);
      }
      if (task[15] !== 0) throw new Error(`gbm: worker thread ${task[15] - 1} failed during a node task`);
      const o = w * 12;
      for (let c = 0; c < (twoNodes ? 2 : 1); c++) {
        // Ties keep the lower thread (lower feature positions): deterministic for any thread count.
        if (remote.out[o + c * 6] > mergeOut[c * 6]) {
          for (let j = 0; j < 6; j++) mergeOut[c * 6 + j] = remote.out[o + c * 6 + j];
        }
      }
    }
  };

  const open: number[] = [];
  const takeSlot = (): number => (freeSlots.length > 0 ? (freeSlots.pop() as number) : -1);
  const release = (id: number): void => {
    if (slotOf[id] >= 0) {
      freeSlots.push(slotOf[id]);
      slotOf[id] = -1;
    }
  };
  const accept = (id: number, c: number): void => {
    for (let j = 0; j < 6; j++) splitInfo[id * 6 + j] = mergeOut[c * 6 + j];
    if (splitInfo[id * 6] > minSplitGain && splitInfo[id * 6] > 0) {
      open.push(id);
      // A per-node feature sample makes the histogram useless to the children.
      if (mtry > 0) release(id);
    } else release(id);
  };

  let gRoot = 0;
  let hRoot = 0;
  if (sb2 > 0) {
    // Exact integer sums, decoded as the histogram bins are.
    const qOff = cfg[13];
    let s = 0;
    for (let i = 0; i < nRows; i++) s += gh[qOff + rows[i]];
    const gq = Math.floor(s / sb2);
    gRoot = gq * cfg[11];
    hRoot = (s - gq * sb2) * cfg[12];
  } else {
    for (let i = 0; i < nRows; i++) {
      const r = rows[i];
      gRoot += gh[2 * r];
      hRoot += gh[2 * r + 1];
    }
  }
  const root = newNode(0, nRows, gRoot, hRoot, 0);
  let nLeaves = 1;
  if (canSplit(root)) {
    const slot = takeSlot();
    slotOf[root] = slot;
    task[0] = 0;
    task[1] = nRows;
    task[2] = slot;
    task[3] = 1;
    task[4] = gRoot;
    task[5] = hRoot;
    task[6] = 0;
    execute(false);
    accept(root, 0);
  }

  while (open.length > 0 && (maxLeaves <= 0 || nLeaves < maxLeaves)) {
    let pick = open.length - 1;
    if (maxLeaves > 0) {
      for (let k = open.length - 2; k >= 0; k--) if (splitInfo[open[k] * 6] > splitInfo[open[pick] * 6]) pick = k;
    }
    const id = open[pick];
    open[pick] = open[open.length - 1];
    open.pop();

    const f = splitInfo[id * 6 + 1];
    const b = splitInfo[id * 6 + 2];
    const dl = splitInfo[id * 6 + 3];
    const gl = splitInfo[id * 6 + 4];
    const hl = splitInfo[id * 6 + 5];
    const begin = segBegin[id];
    const end = segEnd[id];
    const mid = partitionRows(binsCol, 1, f * (binsCol.length / nFeat), rows, begin, end, b, dl, scratch);
    feature[id] = f;
    bin[id] = b;
    defaultLeft[id] = dl;
    gain[id] = splitInfo[id * 6];
    const d = depth[id] + 1;
    const l = newNode(begin, mid, gl, hl, d);
    const r = newNode(mid, end, sumG[id] - gl, cover[id] - hl, d);
    left[id] = l;
    right[id] = r;
    nLeaves++;

    const lSplit = canSplit(l);
    const rSplit = canSplit(r);
    if (!lSplit && !rSplit) {
      release(id);
      continue;
    }
    // Build the smaller child; the larger one is parent − smaller in the parent's slot
    // (only when the parent's histogram covers the same features, i.e. no per-node sampling).
    const smallIsLeft = mid - begin <= end - mid;
    const small = smallIsLeft ? l : r;
    const large = smallIsLeft ? r : l;
    const subtract = mtry <= 0 && slotOf[id] >= 0;
    let bothNeeded = lSplit && rSplit;
    let aNode = small;
    if (!bothNeeded) aNode = lSplit ? l : r;
    let aSlot = takeSlot();
    if (aSlot < 0 && !subtract) {
      release(id);
      aSlot = takeSlot();
    }
    if (aSlot < 0) {
      // Pool exhausted (cannot happen with nSlots ≥ open leaves + 1): leave both as leaves.
      release(id);
      continue;
    }
    if (bothNeeded || (subtract && aNode === large)) {
      // Either both children need histograms, or only the large one does and subtraction
      // is cheaper than building it: A = small built directly, B = large.
      aNode = small;
      bothNeeded = true;
    }
    slotOf[aNode] = aSlot;
    task[0] = segBegin[aNode];
    task[1] = segEnd[aNode];
    task[2] = aSlot;
    task[3] = canSplit(aNode) ? 1 : 0;
    task[4] = sumG[aNode];
    task[5] = cover[aNode];
    if (bothNeeded) {
      const bNode = aNode === l ? r : l;
      let bSlot: number;
      if (subtract) {
        bSlot = slotOf[id];
        slotOf[id] = -1;
        task[6] = 1;
      } else {
        release(id);
        bSlot = takeSlot();
        task[6] = 2;
      }
      slotOf[bNode] = bSlot;
      task[7] = segBegin[bNode];
      task[8] = segEnd[bNode];
      task[9] = bSlot;
      task[10] = canSplit(bNode) ? 1 : 0;
      task[11] = sumG[bNode];
      task[12] = cover[bNode];
      execute(true);
      accept(aNode, 0);
      accept(bNode, 1);
    } else {
      release(id);
      task[6] = 0;
      execute(false);
      accept(aNode, 0);
    }
  }
  for (const id of open) release(id);

  return { feature, bin, defaultLeft, left, right, gain, cover, value, segBegin, segEnd };
}

/** Worker loop for feature-parallel GBM node tasks; `w` is this worker's index. */
export function gbmWorkerLoop(
  w: number,
  nWorkers: number,
  bins: Uint8Array,
  nFeat: number,
  gh: Float64Array,
  rows: Int32Array,
  hist: Float64Array,
  nBins: Int32Array,
  feats: Int32Array,
  ctl: Int32Array,
  task: Float64Array,
  cfg: Float64Array,
  out: Float64Array,
): void {
  // The main thread starts its sequence at 0; starting from the constant (not a load) means a
  // task posted before this worker ran is still seen.
  let seen = 0;
  const nThreads = nWorkers + 1;
  while (true) {
    Atomics.wait(ctl, 0, seen);
    const seq = Atomics.load(ctl, 0);
    if (seq === seen) continue;
    seen = seq;
    if (task[13] === 1) return;
    const nf = task[14];
    // Shares as in growTree's execute: thread k starts at (⌊k·nf/threads⌋ + 2) & ~3.
    const fBegin = Math.min(nf, (Math.floor(((w + 1) * nf) / nThreads) + 2) & ~3);
    const fEnd = w + 2 >= nThreads ? nf : Math.min(nf, (Math.floor(((w + 2) * nf) / nThreads) + 2) & ~3);
    try {
      runNodeTask(bins, nFeat, gh, rows, hist, nBins, feats, fBegin, fEnd, task, cfg[3], cfg[4], cfg[2], out, w * 12);
    } catch {
      // The main thread is blocked in Atomics.wait and cannot see an 'error' event: flag it here.
      task[15] = w + 1;
    }
    Atomics.store(ctl, 1 + w, seq);
    Atomics.notify(ctl, 1 + w);
  }
}

/** Leaf index reached by binned row r (training-time traversal, identical to raw thresholds). */
export function leafOfBinned(
  bins: Uint8Array,
  nFeat: number,
  r: number,
  feature: Int32Array,
  bin: Int32Array,
  defaultLeft: Uint8Array,
  left: Int32Array,
  right: Int32Array,
): number {
  let node = 0;
  while (feature[node] >= 0) {
    const b = bins[r * nFeat + feature[node]];
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

/**
 * Grows random-forest trees (one worker's share). Bootstrap multiplicities become sample
 * weights (g = w·c·y, h = w·c), so no rows are copied; Newton-free "mean" leaves give the
 * class-1 frequency and the G²/H gain is the Gini decrease. Rows a tree did not draw feed the
 * out-of-bag sums.
 */
export function rfGrowTrees(
  bins: Uint8Array,
  nFeat: number,
  nRows: number,
  nBins: Int32Array,
  y: Float64Array,
  weight: Float64Array | null,
  cfg: Float64Array,
  seeds: number[],
  bootstrap: boolean,
  oobSum: Float64Array,
  oobCount: Float64Array,
) {
  const gh = new Float64Array(2 * nRows);
  const counts = new Int32Array(nRows);
  const rows = new Int32Array(nRows);
  const scratch = new Int32Array(nRows);
  const feats = new Int32Array(nFeat);
  for (let f = 0; f < nFeat; f++) feats[f] = f;
  const hist = new Float64Array(3 * nFeat * 512);
  const binsCol = new Uint8Array(nRows * nFeat);
  for (let r = 0; r < nRows; r++) for (let f = 0; f < nFeat; f++) binsCol[f * nRows + r] = bins[r * nFeat + f];
  const rng = new Uint32Array(1);
  const trees = [];
  for (let t = 0; t < seeds.length; t++) {
    rng[0] = seeds[t] >>> 0;
    if (bootstrap) {
      counts.fill(0);
      for (let i = 0; i < nRows; i++) counts[Math.floor(rngNext(rng) * nRows)]++;
    } else counts.fill(1);
    let m = 0;
    for (let r = 0; r < nRows; r++) {
      const c = counts[r];
      const w = weight === null ? c : c * weight[r];
      gh[2 * r] = w * y[r];
      gh[2 * r + 1] = w;
      if (c > 0 && w > 0) rows[m++] = r;
    }
    const g = growTree(bins, binsCol, nFeat, gh, rows, m, nBins, feats, nFeat, hist, 3, cfg, rng, scratch, null);
    if (bootstrap) {
      const fe = Int32Array.from(g.feature);
      const bi = Int32Array.from(g.bin);
      const dl = Uint8Array.from(g.defaultLeft);
      const le = Int32Array.from(g.left);
      const ri = Int32Array.from(g.right);
      for (let r = 0; r < nRows; r++) {
        if (counts[r] !== 0) continue;
        oobSum[r] += g.value[leafOfBinned(bins, nFeat, r, fe, bi, dl, le, ri)];
        oobCount[r] += 1;
      }
    }
    trees.push({
      feature: g.feature,
      bin: g.bin,
      defaultLeft: g.defaultLeft,
      left: g.left,
      right: g.right,
      gain: g.gain,
      cover: g.cover,
      value: g.value,
    });
  }
  return trees;
}
