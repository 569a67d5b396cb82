import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { binaryModuleText, compileTreeKernel, KERNEL_BINARY_MODULE } from "../../scripts/buildWasm";
import { binCounts, binIntoKernel, binOf, fitBinCuts } from "../../src/models/binning";
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import { wasmArena } from "../../src/models/kernelArena";
import { joinTask, postTask } from "../../src/models/kernelTasks";
import { firstMessage, startWorker } from "../../src/models/workers";
import { treeKernelModule } from "../../src/models/wasm/treeKernelModule";
import type { WasmApi } from "../../src/models/wasm/wasmApi";
import { spyFeatures } from "./spyFeatures";

const spy = spyFeatures();
const X = spy.X;
const F = X.names.length;
const S = (F + 3) & ~3;
const n = X.nRows;
const cuts = fitBinCuts(X, 255);

/** A kernel memory holding SPY's binned features (row stride S), with missing values planted. */
function setup() {
  const a = wasmArena(treeKernelModule(), {
    bins: ["u8", n * S],
    binsCol: ["u8", n * S],
    gh: ["f64", 3 * n],
    rows: ["i32", n],
    scratch: ["i32", n],
    hist: ["f64", 3 * S * 512],
    nBins: ["i32", F],
    feats: ["i32", F],
    out: ["f64", 12],
    acc: ["f64", S * 256],
    column: ["f64", n],
    cutTable: ["f64", 256],
  });
  binIntoKernel(X, cuts, a, [{ ptr: a.bins.byteOffset, stride: S, first: 0, end: F }]);
  // Every 13th row misses feature 5 (bin 255), so partitions and splits meet missing values.
  for (let i = 0; i < n; i += 13) a.bins[i * S + 5] = 255;
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) a.binsCol[f * n + i] = a.bins[i * S + f];
  a.nBins.set(binCounts(cuts));
  for (let f = 0; f < F; f++) a.feats[f] = f;
  for (let i = 0; i < n; i++) {
    a.gh[2 * i] = spy.bigMove[i] - 0.4;
    a.gh[2 * i + 1] = 0.24 + (i % 7) * 0.001;
    a.rows[i] = i;
  }
  return a;
}

/** The histogram of rows[begin..end) by plain JS loops, (g, h) per bin. */
function referenceHist(bins: Uint8Array, gh: Float64Array, rows: Int32Array, begin: number, end: number) {
  const h = new Float64Array(S * 512);
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    for (let f = 0; f < F; f++) {
      const p = f * 512 + 2 * bins[r * S + f];
      h[p] += gh[2 * r];
      h[p + 1] += gh[2 * r + 1];
    }
  }
  return h;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  let bad = 0;
  for (let j = 0; j < a.length; j++) if (Math.abs(a[j] - b[j]) > tol * Math.max(1, Math.abs(b[j]))) bad++;
  return bad;
};

describe("WebAssembly tree kernel", () => {
  it("the committed binary is the compiled AssemblyScript source (npm run build:wasm)", async () => {
    const wasm = await compileTreeKernel();
    expect(readFileSync(KERNEL_BINARY_MODULE, "utf8")).toBe(binaryModuleText(wasm));
  });

  it("a second instantiation on the same memory (a worker thread's) leaves every array as it was", () => {
    const a = setup();
    const before = new Uint8Array(a.memory.buffer.slice(a.bins.byteOffset));
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    new wasm.Instance(treeKernelModule(), { env: { memory: a.memory } });
    expect(new Uint8Array(a.memory.buffer.slice(a.bins.byteOffset))).toEqual(before);
    expect(a.bins.byteOffset).toBeGreaterThanOrEqual(65536);
  });

  it("sizes an absurd arena without 32-bit overflow and names its largest array", () => {
    // gbm's histogram slots for max_depth 100000000 on 204 features: 8.4e13 bytes. A 32-bit
    // `& ~63` once wrapped this to "the training arrays need -0.17 GiB".
    const slots = 100_000_000 + 4;
    expect(() => wasmArena(treeKernelModule(), { rows: ["i32", 1000], hist: ["f64", slots * 204 * 512] })).toThrow(
      "tree kernel: the training arrays need 77819.83 GiB (the largest, hist, 77819.83 GiB), beyond WebAssembly's 4 GiB memory",
    );
    expect(() => wasmArena(treeKernelModule(), { hist: ["f64", 2 ** 60] })).toThrow(
      /^tree kernel: array hist cannot hold \d+ elements/,
    );
  });

  it("sortFinite equals Float64Array.prototype.sort (negatives, −0 before +0, ties, subnormals)", () => {
    const vals = [...X.data.subarray(0, 30_000), -0, 0, -0, 5e-324, -5e-324, -1e308, 1e308, 0.1, 0.1];
    const a = wasmArena(treeKernelModule(), {
      buf: ["f64", vals.length],
      tmp: ["f64", vals.length],
      counts: ["i32", 2048],
    });
    a.buf.set(vals);
    a.kernel.sortFinite(a.buf.byteOffset, vals.length, a.tmp.byteOffset, a.counts.byteOffset);
    const want = Float64Array.from(vals).sort();
    expect(a.buf).toEqual(want);
    expect(Object.is(a.buf[want.indexOf(0)], -0)).toBe(true);
  });

  it("binIntoKernel gives binOf's bins in both layouts (row-major in two feature blocks), missing values in bin 255", () => {
    const data = Float64Array.from(X.data);
    for (let i = 0; i < n; i += 17) data[3 * n + i] = i % 2 ? Number.NaN : Number.NEGATIVE_INFINITY;
    const m = { ...X, data };
    const c = fitBinCuts(m, 255);
    // Features [0, 4) in a block of stride 4, [4, F) in one of stride S − 4 right after it.
    const a = wasmArena(treeKernelModule(), {
      bins: ["u8", n * S],
      binsCol: ["u8", n * F],
      column: ["f64", n],
      cutTable: ["f64", 256],
    });
    const p0 = a.bins.byteOffset;
    binIntoKernel(m, c, a, [
      { ptr: p0, stride: 4, first: 0, end: 4 },
      { ptr: p0 + 4 * n - 4, stride: S - 4, first: 4, end: F },
    ]);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < F; f++) {
        const want = binOf(c[f], data[f * n + i]);
        const rowMajor = f < 4 ? a.bins[i * 4 + f] : a.bins[4 * n + i * (S - 4) + f - 4];
        if (rowMajor !== want || a.binsCol[f * n + i] !== want) bad++;
      }
    }
    expect(bad).toBe(0);
    expect(a.bins[3]).toBe(255);
  });

  it("partition is stable, follows bin ≤ b and sends missing values the default way", () => {
    const a = setup();
    for (const defaultLeft of [0, 1]) {
      for (let i = 0; i < n; i++) a.rows[i] = i;
      const mid = a.kernel.partition(
        a.binsCol.byteOffset + 5 * n,
        a.rows.byteOffset,
        0,
        n,
        100,
        defaultLeft,
        a.scratch.byteOffset,
      );
      let bad = 0;
      for (let i = 1; i < n; i++) if (i !== mid && a.rows[i] <= a.rows[i - 1]) bad++;
      for (let i = 0; i < n; i++) {
        const b = a.bins[a.rows[i] * S + 5];
        const left = b === 255 ? defaultLeft === 1 : b <= 100;
        if (left !== i < mid) bad++;
      }
      expect(bad).toBe(0);
      expect(mid).toBeGreaterThan(0);
      expect(mid).toBeLessThan(n);
    }
  });

  it("float histograms match plain loops; parent − smaller child equals the larger child", () => {
    const a = setup();
    const slot = S * 512;
    const k = a.kernel;
    const mid = k.partition(a.binsCol.byteOffset + 7 * n, a.rows.byteOffset, 0, n, 90, 0, a.scratch.byteOffset);
    const h = a.hist.byteOffset;
    const args = [a.bins.byteOffset, S, a.gh.byteOffset, a.rows.byteOffset] as const;
    k.histF(...args, 0, n, a.feats.byteOffset, 0, F, h);
    k.histF(...args, 0, mid, a.feats.byteOffset, 0, F, h + slot * 8);
    expect(close(a.hist.subarray(0, slot), referenceHist(a.bins, a.gh, a.rows, 0, n), 1e-12)).toBe(0);
    k.histF(...args, mid, n, a.feats.byteOffset, 0, F, h + 2 * slot * 8);
    k.subtract(h, h + slot * 8, a.feats.byteOffset, 0, F);
    expect(close(a.hist.subarray(0, slot), a.hist.subarray(2 * slot, 3 * slot), 1e-9)).toBe(0);
    // One thread's feature range (features 3..6) equals the full build on that range.
    k.histF(...args, mid, n, a.feats.byteOffset, 3, 7, h + slot * 8);
    expect(a.hist.subarray(slot + 3 * 512, slot + 7 * 512)).toEqual(
      a.hist.subarray(2 * slot + 3 * 512, 2 * slot + 7 * 512),
    );
  });

  it("quantised histograms decode to the exact sums of the dequantised gradients", () => {
    const a = setup();
    // gq in −40..40, hq in 1..30 packed as gq·2^sb + hq (sb = 20 bits: sums of n rows stay below).
    const sb2 = 2 ** 20;
    const gScale = 0.01;
    const hScale = 0.001;
    const deq = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const gq = ((i * 7919) % 81) - 40;
      const hq = 1 + ((i * 104729) % 30);
      a.gh[2 * n + i] = gq * sb2 + hq;
      deq[2 * i] = gq * gScale;
      deq[2 * i + 1] = hq * hScale;
    }
    expect(F).toBeGreaterThanOrEqual(8);
    const ref = referenceHist(a.bins, deq, a.rows, 0, n);
    const args = [a.bins.byteOffset, S, a.gh.byteOffset + 16 * n, a.rows.byteOffset, 0, n, a.feats.byteOffset] as const;
    // All features (the u32 path) and features 1..F−2 (byte-wise head and tail around the words).
    a.kernel.histQ(...args, 0, F, a.hist.byteOffset, sb2, gScale, hScale, a.acc.byteOffset);
    expect(close(a.hist.subarray(0, F * 512), ref.subarray(0, F * 512), 1e-12)).toBe(0);
    a.hist.fill(0);
    a.kernel.histQ(...args, 1, F - 1, a.hist.byteOffset, sb2, gScale, hScale, a.acc.byteOffset);
    expect(close(a.hist.subarray(512, (F - 1) * 512), ref.subarray(512, (F - 1) * 512), 1e-12)).toBe(0);
    expect(a.hist.subarray(0, 512).every((v) => v === 0)).toBe(true);
    expect(a.hist.subarray((F - 1) * 512, F * 512).every((v) => v === 0)).toBe(true);
  });

  it("bestSplit finds the brute-force best split, missing values tried on both sides", () => {
    const a = setup();
    const k = a.kernel;
    k.histF(
      a.bins.byteOffset,
      S,
      a.gh.byteOffset,
      a.rows.byteOffset,
      0,
      n,
      a.feats.byteOffset,
      0,
      F,
      a.hist.byteOffset,
    );
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      G += a.gh[2 * i];
      H += a.gh[2 * i + 1];
    }
    for (const [lambda, alpha, mcw] of [
      [1, 0, 1],
      [5, 0.5, 20],
    ]) {
      k.bestSplit(
        a.hist.byteOffset,
        a.feats.byteOffset,
        0,
        F,
        a.nBins.byteOffset,
        G,
        H,
        lambda,
        alpha,
        mcw,
        a.out.byteOffset,
      );
      const score = (g: number, h: number) => {
        const t = Math.sign(g) * Math.max(0, Math.abs(g) - alpha);
        return (t * t) / (h + lambda);
      };
      // Brute force: every (feature, bin, missing side) from the raw rows.
      let best = Number.NEGATIVE_INFINITY;
      let arg: number[] = [];
      for (let f = 0; f < F; f++) {
        for (let b = 0; b < a.nBins[f] - 1; b++) {
          for (const dl of [0, 1]) {
            let gl = 0;
            let hl = 0;
            for (let i = 0; i < n; i++) {
              const v = a.bins[i * S + f];
              if (v === 255 ? dl === 1 : v <= b) {
                gl += a.gh[2 * i];
                hl += a.gh[2 * i + 1];
              }
            }
            if (hl < mcw || H - hl < mcw) continue;
            const gain = 0.5 * (score(gl, hl) + score(G - gl, H - hl) - score(G, H));
            if (gain > best + 1e-9) {
              best = gain;
              arg = [f, b];
            }
          }
        }
      }
      expect(a.out[0]).toBeCloseTo(best, 6);
      expect([a.out[1], a.out[2]]).toEqual(arg);
    }
  });

  it("a worker's failure reaches the main thread with the worker's own error text", async () => {
    const a = wasmArena(treeKernelModule(), {
      rows: ["i32", 1000],
      scratch: ["i32", 1000],
      gh: ["f64", 2],
      out: ["f64", 24],
    });
    const ctl = new Int32Array(new SharedArrayBuffer(8));
    const task = new Float64Array(new SharedArrayBuffer(30 * 8));
    const cfg = new Float64Array(new SharedArrayBuffer(13 * 8));
    const ch = new MessageChannel();
    const { kernel: _, memory, ...arrays } = a;
    const entry = `
const d = workerData;
const kernel = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
parentPort.postMessage("ready");
gbmWorkerLoop({ ...d.arrays, kernel }, 0, 1, d.ctl, d.task, d.cfg, d.errors);`;
    const data = { module: treeKernelModule(), memory, arrays, ctl, task, cfg, errors: ch.port2 };
    const worker = startWorker(entry, data, [ch.port2]);
    await firstMessage(worker);
    try {
      // A partition part whose column lies far outside the memory: the kernel traps in the worker.
      task.set([2 ** 31, 0, 1000, 10, 0], 22);
      const seq = postTask(ctl, task, 1);
      const readError = () => {
        const m = receiveMessageOnPort(ch.port1);
        return m ? String(m.message) : undefined;
      };
      expect(() => joinTask(ctl, task, 1, seq, readError)).toThrow(
        /worker thread 0 failed during a task: RuntimeError: memory access out of bounds/,
      );
    } finally {
      task[13] = 1;
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      await worker.terminate();
      ch.port1.close();
    }
  });
});
