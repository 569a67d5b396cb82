/** What the bar-step kernel (barStep.ts) is given: markets, signals, accounts and hooks. */
import type { EngineConfig } from "./config";
import type { GuardKind } from "./guardRails";

/** Inputs of one asset, indexed by bar; columns trading the same asset share one object. */
export interface ColumnMarket {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array | null;
  /** ATR per bar, when stops or ATR slippage need it. */
  atr: Float64Array | null;
  /** Standard deviation of one bar's return, when impact costs need it. */
  sigma: Float64Array | null;
  /** 1 where stop distances widen by `stops.volatile_widen`. */
  volatile: Uint8Array | null;
}

/** What a caller layers on top of the kernel: trade records and guard-rail events. */
export interface BarStepHooks {
  /** Called as a column's position closes, before its state is cleared (read `qty` etc.). */
  onExit?(
    column: number,
    t: number,
    exitPrice: number,
    costs: number,
    impact: number,
    grossPnl: number,
    reason: number,
  ): void;
  onGuard?(account: number, t: number, kind: GuardKind, action: "pause" | "resume"): void;
}

export interface BarStepSpec {
  config: EngineConfig;
  periodsPerYear: number;
  /** Bar timestamps (ms), shared by every column. */
  ts: Float64Array;
  /** One per column. */
  markets: readonly ColumnMarket[];
  /**
   * Column-major signal matrix, `ts.length` bars per column: +1 long, -1 short (an exit when
   * long-only), 0 no signal.
   */
  signals: Int8Array;
  /** Number of columns in each account; accounts hold consecutive columns. */
  accountSizes: readonly number[];
  /** Fraction of equity an entry signalled at bar t would get (<= 0 or NaN: no entry). */
  entryFraction(column: number, t: number): number;
  /** The bar where open positions are closed ("end"); null for a feed with no last bar. */
  lastBar: number | null;
  /** Per-bar outputs, accounts x bars (account-major, ts.length bars each), when wanted. */
  record?: { returns?: Float64Array; equity?: Float64Array; gross?: Float64Array };
  hooks?: BarStepHooks;
  /** Error text for an account whose equity reaches zero or below. */
  ruinMessage(account: number, t: number, equity: number): string;
  /** Error text for a signal that is not -1, 0 or 1. */
  signalMessage(column: number, t: number, value: number): string;
}

/** Packs equal-length signal columns into one column-major matrix. */
export function signalMatrix(columns: readonly Int8Array[]): Int8Array {
  const n = columns[0]?.length ?? 0;
  const out = new Int8Array(n * columns.length);
  columns.forEach((col, c) => {
    if (col.length !== n) throw new Error(`signalMatrix: column ${c} has length ${col.length}, expected ${n}`);
    out.set(col, c * n);
  });
  return out;
}

/**
 * The spec with one object shape for every caller (spec, markets, hooks): the kernel's property
 * reads stay monomorphic when sweep and simulate run in the same process.
 */
export function sameShape(spec: BarStepSpec): BarStepSpec {
  const copies = new Map<ColumnMarket, ColumnMarket>();
  return {
    config: spec.config,
    periodsPerYear: spec.periodsPerYear,
    ts: spec.ts,
    markets: spec.markets.map((mk) => {
      let own = copies.get(mk);
      if (!own) {
        const { open, high, low, close, volume, atr, sigma, volatile } = mk;
        own = { open, high, low, close, volume, atr, sigma, volatile };
        copies.set(mk, own);
      }
      return own;
    }),
    signals: spec.signals,
    accountSizes: spec.accountSizes,
    entryFraction: spec.entryFraction,
    lastBar: spec.lastBar,
    record: spec.record,
    hooks: { onExit: spec.hooks?.onExit, onGuard: spec.hooks?.onGuard },
    ruinMessage: spec.ruinMessage,
    signalMessage: spec.signalMessage,
  };
}
