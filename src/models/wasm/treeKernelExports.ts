/** The WebAssembly tree kernel's exports (arguments named like arrays are byte offsets). */
export interface TreeKernel {
  histQ(
    bins: number,
    stride: number,
    ghq: number,
    rows: number,
    begin: number,
    end: number,
    feats: number,
    fBegin: number,
    fEnd: number,
    slot: number,
    sb2: number,
    gScale: number,
    hScale: number,
    acc: number,
  ): void;
  histF(
    bins: number,
    stride: number,
    gh: number,
    rows: number,
    begin: number,
    end: number,
    feats: number,
    fBegin: number,
    fEnd: number,
    slot: number,
  ): void;
  subtract(dst: number, src: number, feats: number, fBegin: number, fEnd: number): void;
  bestSplit(
    slot: number,
    feats: number,
    fBegin: number,
    fEnd: number,
    nBins: number,
    gSum: number,
    hSum: number,
    lambda: number,
    alpha: number,
    minChildWeight: number,
    out: number,
  ): void;
  partition(
    col: number,
    rows: number,
    begin: number,
    end: number,
    bin: number,
    defaultLeft: number,
    scratch: number,
  ): number;
  logisticGradients(expNeg: number, y: number, weight: number, gh: number, from: number, to: number, out: number): void;
  quantizeGradients(
    gh: number,
    ghq: number,
    from: number,
    to: number,
    gScale: number,
    hScale: number,
    sb2: number,
    seed: number,
  ): void;
  laneSum(ghq: number, rows: number, begin: number, end: number): number;
  segmentSums(gh: number, rows: number, begin: number, end: number, out: number): void;
  leafSums(leaves: number, l0: number, l1: number, gh: number, rows: number): void;
  applyLeaves(leaves: number, l0: number, l1: number, rows: number, margin: number, expNeg: number): void;
  swapBlocks(rows: number, a: number, b: number, c: number, scratch: number): void;
  sortFinite(a: number, n: number, tmp: number, counts: number): void;
  binColumn(x: number, n: number, table: number, bins: number, stride: number, f: number, col: number): void;
  treeShap(
    x: number,
    n: number,
    rowBegin: number,
    rowEnd: number,
    nFeat: number,
    nOutputs: number,
    nTrees: number,
    nodeStart: number,
    treeOutput: number,
    feature: number,
    threshold: number,
    defaultLeft: number,
    left: number,
    right: number,
    value: number,
    cover: number,
    maxDepth: number,
    phi: number,
    phiRowOffset: number,
    work: number,
  ): void;
}
