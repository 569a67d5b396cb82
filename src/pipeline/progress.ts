/**
 * Per-phase progress bars (cli-progress on stderr, drawn only on a terminal) and wall-clock
 * timings. Phases run one after another; each gets its own bar and its time in `timings`.
 */
import { SingleBar } from "cli-progress";

export interface PhaseHandle {
  tick(n?: number): void;
}

export class PhaseTimer {
  /** Seconds per phase, in the order phases ran (a phase run twice accumulates). */
  readonly timings: Record<string, number> = {};

  constructor(private readonly showBars: boolean) {}

  async run<T>(name: string, total: number, fn: (h: PhaseHandle) => Promise<T> | T): Promise<T> {
    const bar = this.showBars
      ? new SingleBar({
          format: `${name.padEnd(12)} |{bar}| {value}/{total} {duration_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
        })
      : null;
    bar?.start(Math.max(total, 1), 0);
    const started = performance.now();
    try {
      const out = await fn({ tick: (n = 1) => bar?.increment(n) });
      bar?.update(Math.max(total, 1));
      return out;
    } finally {
      bar?.stop();
      this.timings[name] = (this.timings[name] ?? 0) + (performance.now() - started) / 1000;
    }
  }
}
