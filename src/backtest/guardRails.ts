/**
 * Guard rails per account, checked at each close (rules in simulate.ts): a breach pauses the
 * account (its positions close at the next fill, new signals are dropped) until it resumes.
 * Drawdown beyond `max_drawdown` from the high-water mark and a win rate of the last
 * `win_rate_trades` trades below `min_win_rate` resume after `cooldown_bars` bars (with the
 * mark, resp. the trade window, reset); a loss beyond `max_daily_loss` against the previous
 * session's last close resumes at the first bar of the next UTC date.
 */
import type { GuardsConfig } from "./config";
import { EXIT } from "./tradeLog";

export type GuardKind = "drawdown" | "daily_loss" | "win_rate";

/** `check` results besides the exit reason of a pause that starts on this bar. */
export const TRADING = -1;
export const PAUSED = -2;

const NO_PAUSE = 0;
const DRAWDOWN = 1;
const DAILY_LOSS = 2;
const WIN_RATE = 3;
const KINDS: readonly GuardKind[] = ["drawdown", "drawdown", "daily_loss", "win_rate"];
const REASONS = [0, EXIT.guard_drawdown, EXIT.guard_daily_loss, EXIT.guard_win_rate];
const DAY_MS = 86_400_000;

export class GuardRails {
  private readonly kind: Int8Array;
  private readonly pausedAt: Int32Array;
  private readonly highWater: Float64Array;
  private readonly sessionStart: Float64Array;
  private readonly window: number;
  private readonly ring: Uint8Array;
  private readonly count: Int32Array;
  private readonly wins: Int32Array;
  private readonly breach: Uint8Array;

  /**
   * @param equity per account, the equity at the previous close while a bar is checked
   * @param marked per account, the equity at the close being checked
   */
  constructor(
    private readonly cfg: GuardsConfig,
    private readonly ts: Float64Array,
    accounts: number,
    capital: number,
    private readonly equity: Float64Array,
    private readonly marked: Float64Array,
    private readonly onGuard?: (account: number, t: number, kind: GuardKind, action: "pause" | "resume") => void,
  ) {
    this.kind = new Int8Array(accounts);
    this.pausedAt = new Int32Array(accounts);
    this.highWater = new Float64Array(accounts).fill(capital);
    this.sessionStart = new Float64Array(accounts).fill(capital);
    this.window = cfg.win_rate_trades;
    this.ring = new Uint8Array(accounts * this.window);
    this.count = new Int32Array(accounts);
    this.wins = new Int32Array(accounts);
    this.breach = new Uint8Array(accounts);
  }

  /** Adds a closed trade to the account's rolling win-rate window. */
  recordTrade(g: number, win: boolean): void {
    const minWin = this.cfg.min_win_rate;
    if (minWin === null) return;
    const w = this.window;
    const slot = g * w + (this.count[g] % w);
    if (this.count[g] >= w) this.wins[g] -= this.ring[slot];
    this.ring[slot] = win ? 1 : 0;
    this.wins[g] += this.ring[slot];
    this.count[g]++;
    if (this.count[g] >= w && this.wins[g] / w < minWin) this.breach[g] = 1;
  }

  /** At bar t's close: TRADING, PAUSED, or the exit reason of a pause that starts now. */
  check(g: number, t: number): number {
    const cfg = this.cfg;
    const ts = this.ts;
    const eq = this.marked[g];
    const day = Math.floor(ts[t] / DAY_MS);
    let kind = this.kind[g];
    if (kind !== NO_PAUSE) {
      const at = this.pausedAt[g];
      if (kind === DAILY_LOSS ? day > Math.floor(ts[at] / DAY_MS) : t - at >= cfg.cooldown_bars) {
        this.onGuard?.(g, t, KINDS[kind], "resume");
        if (kind === DRAWDOWN) this.highWater[g] = eq;
        if (kind === WIN_RATE) this.count[g] = this.wins[g] = 0;
        kind = NO_PAUSE;
      }
    }
    if (eq > this.highWater[g]) this.highWater[g] = eq;
    if (t > 0 && day !== Math.floor(ts[t - 1] / DAY_MS)) this.sessionStart[g] = this.equity[g];
    let result = kind === NO_PAUSE ? TRADING : PAUSED;
    if (kind === NO_PAUSE) {
      if (cfg.max_drawdown !== null && eq / this.highWater[g] - 1 < -cfg.max_drawdown) kind = DRAWDOWN;
      else if (cfg.max_daily_loss !== null && eq / this.sessionStart[g] - 1 < -cfg.max_daily_loss) kind = DAILY_LOSS;
      else if (this.breach[g]) kind = WIN_RATE;
      if (kind !== NO_PAUSE) {
        this.pausedAt[g] = t;
        this.onGuard?.(g, t, KINDS[kind], "pause");
        result = REASONS[kind];
      }
    }
    this.breach[g] = 0;
    this.kind[g] = kind;
    return result;
  }
}
