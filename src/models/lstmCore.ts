/**
 * The LSTM training loop as one self-contained function of (tf, job): the main thread calls it
 * with the imported tfjs, and worker threads run its source text with their own tfjs (eval
 * workers cannot load .ts files, see workers.ts), so both paths train with the same code.
 * Determinism: seeded initialisers, a seeded permutation per epoch (tfjs' own shuffle is
 * unseeded, so it is off), no dropout; on the single-threaded wasm backend two runs with the
 * same seed give bit-identical weights.
 */

export interface LstmJob {
  /** Training windows, N × window × features, row-major, already scaled. */
  x: Float32Array;
  /** Labels 0..K−1 per window. */
  y: Float32Array;
  evalX: Float32Array | null;
  evalY: Float32Array | null;
  window: number;
  features: number;
  units: number;
  /** 1 (binary, sigmoid) or K (softmax). */
  outputs: number;
  seed: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
  patience: number;
}

export interface LstmTrained {
  weights: Float32Array[];
  shapes: number[][];
  evalLoss: number[];
  bestEpoch: number;
  epochs: number;
  secondsPerEpoch: number;
}

// biome-ignore lint/suspicious/noExplicitAny: tfjs is passed in (main-thread import or a worker's require), typed loosely on purpose
type Tf = any;

export async function lstmTrainCore(tf: Tf, job: LstmJob): Promise<LstmTrained> {
  const L = job.window;
  const F = job.features;
  const K = job.outputs;
  const build = () => {
    const m = tf.sequential();
    m.add(
      tf.layers.lstm({
        units: job.units,
        inputShape: [L, F],
        kernelInitializer: tf.initializers.glorotUniform({ seed: job.seed }),
        // glorotUniform rather than orthogonal: tfjs' orthogonal warns and slows above 2,000 weights.
        recurrentInitializer: tf.initializers.glorotUniform({ seed: job.seed + 1 }),
        biasInitializer: "zeros",
        unitForgetBias: true,
        recurrentActivation: "sigmoid",
      }),
    );
    m.add(
      tf.layers.dense({
        units: K,
        activation: K === 1 ? "sigmoid" : "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: job.seed + 2 }),
      }),
    );
    m.compile({
      optimizer: tf.train.adam(job.learningRate),
      loss: K === 1 ? "binaryCrossentropy" : "categoricalCrossentropy",
    });
    return m;
  };
  const model = build();
  const n = job.y.length;
  const stride = L * F;
  const target = (y: Float32Array, idx: Int32Array) => {
    const t = new Float32Array(idx.length * K);
    for (let i = 0; i < idx.length; i++) {
      if (K === 1) t[i] = y[idx[i]];
      else t[i * K + y[idx[i]]] = 1;
    }
    return t;
  };
  const logLossOf = (p: Float32Array, y: Float32Array) => {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const q = K === 1 ? (y[i] === 1 ? p[i] : 1 - p[i]) : p[i * K + y[i]];
      s -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, q)));
    }
    return s / y.length;
  };
  let state = job.seed >>> 0 || 1;
  const rand = () => {
    // xorshift32: a fixed, seedable sequence for the epoch permutations.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const evalLoss: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: Float32Array[] | null = null;
  let epoch = 0;
  const t0 = Date.now();
  const xPerm = new Float32Array(job.x.length);
  for (; epoch < job.epochs; epoch++) {
    const perm = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    for (let i = 0; i < n; i++) xPerm.set(job.x.subarray(perm[i] * stride, (perm[i] + 1) * stride), i * stride);
    const xs = tf.tensor3d(xPerm, [n, L, F]);
    const ys = tf.tensor2d(target(job.y, perm), [n, K]);
    await model.fit(xs, ys, { batchSize: job.batchSize, epochs: 1, shuffle: false, verbose: 0 });
    xs.dispose();
    ys.dispose();
    if (job.evalX && job.evalY) {
      const ex = tf.tensor3d(job.evalX, [job.evalY.length, L, F]);
      const pt = model.predict(ex);
      const p = (await pt.data()) as Float32Array;
      ex.dispose();
      pt.dispose();
      const loss = logLossOf(p, job.evalY);
      evalLoss.push(loss);
      if (loss < best) {
        best = loss;
        bestEpoch = epoch;
        bestWeights = model.getWeights().map((w: Tf) => Float32Array.from(w.dataSync()));
      } else if (epoch - bestEpoch >= job.patience) {
        epoch++;
        break;
      }
    }
  }
  const secondsPerEpoch = (Date.now() - t0) / 1000 / Math.max(1, epoch);
  const weightsNow = model.getWeights();
  const shapes = weightsNow.map((w: Tf) => [...w.shape]);
  const weights = bestWeights ?? weightsNow.map((w: Tf) => Float32Array.from(w.dataSync()));
  model.dispose();
  return { weights, shapes, evalLoss, bestEpoch: job.evalX ? bestEpoch : epoch - 1, epochs: epoch, secondsPerEpoch };
}
