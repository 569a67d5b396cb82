/**
 * The tracking outbox: a write-ahead log of one run's MLflow writes, so a run completes while the
 * server is down and `wsp mlflow sync` replays it later, idempotently (the replay is in
 * outboxReplay.ts; this file is the log itself: its entries, progress and lock on disk).
 *
 * Layout, one directory per run under `mlruns/outbox/<localId>/`:
 *   entries.jsonl   append-only, one `OutboxEntry` per line, in the order the run wrote them
 *   artifacts/      the artifact files the entries name, stored beside the log
 *   models/<name>/  the files of a logged model the run logs (MLflow 3 logged models)
 *   progress.json   how many entries the server has taken, the server's run id for the local id,
 *                   and the entries the server refused (rewritten atomically after every entry)
 *   lock            "<pid> <host>" of the process writing or replaying the run; others leave the
 *                   run alone while that process lives (a lock of a dead process on this host is
 *                   stale: taken over, or cleared by `clearStaleLock`)
 * While the server answers, the recorder sends each entry as soon as it is written and removes
 * the directory once the server holds the whole run, so the outbox only keeps what is pending.
 * Beside the run directories, `trials-cache.json` holds each experiment's trial ledger as last
 * seen (the offline estimate, see `RunRecorder.recordTrials`).
 *
 * Why replay creates no duplicates: progress is recorded after each applied entry, so an
 * interrupted replay repeats at most the one entry in flight, and every entry is idempotent on
 * MLflow's side: the run is created with the tag `wsp.local_run_id` and found by it before any
 * creation (but its very first send by the process that wrote it, see `OutboxRun.startUnsent`); params with an unchanged value are accepted again; metrics carry the timestamp taken
 * when the run logged them, and MLflow's SQL store drops a metric whose (key, timestamp, step,
 * value) the run already holds; tags, artifact uploads (a PUT) and the final status overwrite;
 * a trial is one experiment tag per trial id (trials.ts), so writing it again changes nothing; a
 * logged model is looked up by its run and name before it is created (`applyLoggedModel`).
 * A run whose writer died without ending it is ended KILLED by the replay (syncOutbox.ts).
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { dirname, join, normalize, sep } from "node:path";
import { isAlive } from "../services";
import type { TrialEntry } from "./trials";
import type { Metric, RunStatus } from "./types";

export type OutboxEntry =
  | {
      op: "start";
      localId: string;
      experiment: string;
      runName: string;
      tags: Record<string, string>;
      /** The parent's local id when it was started by a recorder (mapped at replay)... */
      parentLocalId?: string;
      /** ...or the parent's MLflow run id when it already existed on the server. */
      parentRunId?: string;
      startTime: number;
    }
  | { op: "params"; params: Record<string, string> }
  /** Values in MLflow's wire form (non-finite numbers as "NaN", "Infinity", "-Infinity"). */
  | { op: "metrics"; metrics: Metric[] }
  | { op: "tags"; tags: Record<string, string> }
  /** The file lives at `artifacts/<path>` in the run's outbox directory. */
  | { op: "artifact"; path: string; contentType: string }
  /**
   * An MLflow 3 logged model of the run, named `name` (unique per run): created with the run as
   * its source, its files (stored at `models/<name>/<path>`) uploaded to its own artifact
   * location, `metrics` (already logged on the run) linked to it, recorded as the run's output,
   * then finalized READY. Replay finds it again by run and name, so nothing is created twice.
   */
  | {
      op: "logged_model";
      name: string;
      modelType: string;
      params: Record<string, string>;
      tags: Record<string, string>;
      files: { path: string; contentType: string }[];
      metrics: Metric[];
    }
  /**
   * More files for a logged model this run logged earlier (by name; its `logged_model` entry comes
   * first): stored at `models/<name>/<path>` like its own and uploaded to its artifact location,
   * e.g. a record step's `reference_profile.json` beside the `model.json` another step wrote.
   */
  | { op: "logged_model_files"; name: string; files: { path: string; contentType: string }[] }
  /**
   * Trials for the experiment's ledger (one tag per trial id, so replays are idempotent; see
   * trials.ts). Outboxes written before the ledger hold a bare count here instead (`owner`,
   * `count`, no `trials`): it names no trial, so replay adds nothing for it.
   */
  | { op: "trials"; experiment: string; trials?: TrialEntry[] }
  | { op: "end"; status: RunStatus; endTime: number };

export interface OutboxProgress {
  /** Entries [0, applied) are on the server (or were refused, see `rejected`). */
  applied: number;
  serverRunId: string | null;
  experimentId: string | null;
  /** Entries the server refused with a non-retryable error; replay skips them. */
  rejected: { index: number; op: string; error: string }[];
}

/** A path inside the artifact tree: relative, no `..`, no empty name. */
export function checkArtifactPath(path: string): string {
  const norm = normalize(path).split(sep).join("/");
  if (!path || path.startsWith("/") || norm.startsWith("../") || norm === ".." || norm === "." || norm.endsWith("/")) {
    throw new Error(`artifact path "${path}": expected a relative file path inside the run's artifacts (no "..")`);
  }
  return norm;
}

export function contentTypeOf(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  const types: Record<string, string> = {
    html: "text/html",
    json: "application/json",
    txt: "text/plain",
    yaml: "text/plain",
    yml: "text/plain",
    csv: "text/csv",
    png: "image/png",
    svg: "image/svg+xml",
  };
  return types[ext] ?? "application/octet-stream";
}

/** One run's outbox directory. */
export class OutboxRun {
  readonly entriesPath: string;
  readonly progressPath: string;
  readonly lockPath: string;

  constructor(readonly dir: string) {
    this.entriesPath = join(dir, "entries.jsonl");
    this.progressPath = join(dir, "progress.json");
    this.lockPath = join(dir, "lock");
  }

  get localId(): string {
    return this.dir.slice(this.dir.lastIndexOf(sep) + 1);
  }

  /** Creates the directory, takes the lock for this process and writes the start entry. */
  static create(outboxDir: string, start: Extract<OutboxEntry, { op: "start" }>): OutboxRun {
    const run = new OutboxRun(join(outboxDir, start.localId));
    mkdirSync(join(run.dir, "artifacts"), { recursive: true });
    writeFileSync(run.lockPath, lockText());
    run.writeProgress({ applied: 0, serverRunId: null, experimentId: null, rejected: [] });
    run.cachedEntries = [];
    run.append(start);
    run.startUnsent = true;
    return run;
  }

  /**
   * True from `create` until the start entry is first sent, in the writing process only: no run
   * of this fresh local id can be on the server yet, so creating it needs no search by local id
   * (one search per run, the slowest request of a run's recording). A replay from disk, and any
   * send after the first (a lost response, say), searches first.
   */
  startUnsent = false;

  /** The writer keeps its entries and progress in memory so draining after each write stays O(1) in reads. */
  private cachedEntries: OutboxEntry[] | null = null;
  private cachedProgress: OutboxProgress | null = null;

  append(entry: OutboxEntry): void {
    appendFileSync(this.entriesPath, `${JSON.stringify(entry)}\n`);
    this.cachedEntries?.push(entry);
  }

  /** Stores an artifact's bytes beside the log; returns the entry to append. */
  storeArtifact(path: string, content: string | Uint8Array): OutboxEntry {
    const rel = checkArtifactPath(path);
    const file = join(this.dir, "artifacts", rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return { op: "artifact", path: rel, contentType: contentTypeOf(rel) };
  }

  /** Stores one file of the logged model `name`; returns the entry's file record. */
  storeModelFile(name: string, path: string, content: string | Uint8Array): { path: string; contentType: string } {
    const rel = checkArtifactPath(path);
    const file = join(this.dir, "models", checkArtifactPath(name), rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return { path: rel, contentType: contentTypeOf(rel) };
  }

  /**
   * The entries written so far. A crash in the middle of an append can leave a last line without
   * its newline: it is ignored (the write it held never returned to its caller). Any other line
   * that is not JSON is an error naming the file and line.
   */
  entries(): OutboxEntry[] {
    if (this.cachedEntries) return this.cachedEntries;
    if (!existsSync(this.entriesPath)) return [];
    const lines = readFileSync(this.entriesPath, "utf8").split("\n");
    // After the last newline: "" when the last append completed, else a torn line.
    lines.pop();
    return lines.map((line, i) => {
      try {
        return JSON.parse(line) as OutboxEntry;
      } catch (err) {
        throw new Error(`${this.entriesPath}:${i + 1}: not a JSON outbox entry (${(err as Error).message})`);
      }
    });
  }

  /** The first entry, read alone (listing many runs must not parse every log); null when unreadable. */
  startEntry(): Extract<OutboxEntry, { op: "start" }> | null {
    try {
      const text = readFileSync(this.entriesPath, "utf8");
      const first = JSON.parse(text.slice(0, text.indexOf("\n"))) as OutboxEntry;
      return first.op === "start" ? first : null;
    } catch {
      return null;
    }
  }

  /** Cuts a torn last line (see `entries`) so that appending after a crash starts on a fresh line. */
  dropTornTail(): void {
    if (!existsSync(this.entriesPath)) return;
    const text = readFileSync(this.entriesPath, "utf8");
    if (text.endsWith("\n") || text === "") return;
    truncateSync(this.entriesPath, Buffer.byteLength(text.slice(0, text.lastIndexOf("\n") + 1)));
  }

  progress(): OutboxProgress {
    if (this.cachedProgress) return this.cachedProgress;
    return JSON.parse(readFileSync(this.progressPath, "utf8")) as OutboxProgress;
  }

  writeProgress(p: OutboxProgress): void {
    const tmp = `${this.progressPath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(p));
    renameSync(tmp, this.progressPath);
    if (this.cachedEntries) this.cachedProgress = p;
  }

  /** The lock's holder; null when the run is unlocked. A lock written before hosts were recorded holds a pid only. */
  lockHolder(): { pid: number; host: string | null } | null {
    let text: string;
    try {
      text = readFileSync(this.lockPath, "utf8");
    } catch {
      return null;
    }
    const [pid, host] = text.trim().split(/\s+/);
    return { pid: Number.parseInt(pid, 10), host: host ?? null };
  }

  /** Locked by a process of this host that no longer lives (killed with -9, say). */
  hasStaleLock(): boolean {
    const holder = this.lockHolder();
    if (!holder) return false;
    // A process on another host sharing this directory cannot be checked from here: it counts as live.
    if (holder.host !== null && holder.host !== hostname()) return false;
    let since: number;
    try {
      since = statSync(this.lockPath).mtimeMs;
    } catch {
      return false;
    }
    return !aliveSince(holder.pid, since);
  }

  /** Removes a stale lock (see `hasStaleLock`); true when there was one. */
  clearStaleLock(): boolean {
    if (!this.hasStaleLock()) return false;
    rmSync(this.lockPath, { force: true });
    return true;
  }

  /**
   * Takes the lock unless a live process holds it (this one included: a run still being recorded
   * here is not to be replayed). A stale lock is taken over.
   */
  tryLock(): boolean {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.lockPath, lockText(), { flag: "wx" });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        // Removed between our write and this check (no holder): try again.
        if (this.lockHolder() !== null && !this.clearStaleLock()) return false;
      }
    }
    return false;
  }

  unlock(): void {
    rmSync(this.lockPath, { force: true });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function lockText(): string {
  return `${process.pid} ${hostname()}\n`;
}

/**
 * Whether the process `pid` of this host is alive and has been since `sinceMs` (epoch ms). A pid
 * whose process started later belongs to another program: the one recorded died and its number
 * was reused (after a reboot, say). The start comes from /proc (Linux, to about a second, hence
 * the slack); where it cannot be read, being alive is enough.
 */
export function aliveSince(pid: number, sinceMs: number): boolean {
  if (!isAlive(pid)) return false;
  const started = processStartTime(pid);
  // Not `<=`: an unknown `sinceMs` (NaN) must not end a live process's run.
  return started === null || !(started > sinceMs + 2000);
}

/** When process `pid` started (epoch ms), from /proc/<pid>/stat and the boot time; null off Linux. */
function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After "pid (command)", which may hold spaces: field 22, starttime, in ticks of 1/100 s since boot.
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + ticks * 10 : null;
  } catch {
    return null;
  }
}

/** The runs in an outbox directory, oldest start first (parents start before their children). */
export function listOutboxRuns(outboxDir: string): OutboxRun[] {
  if (!existsSync(outboxDir)) return [];
  const runs: { run: OutboxRun; start: number }[] = [];
  for (const name of readdirSync(outboxDir, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    const run = new OutboxRun(join(outboxDir, name.name));
    if (!existsSync(run.entriesPath) || !existsSync(run.progressPath)) continue;
    const first = run.startEntry();
    if (!first) continue;
    runs.push({ run, start: first.startTime });
  }
  return runs.sort((a, b) => a.start - b.start || a.run.localId.localeCompare(b.run.localId)).map((r) => r.run);
}
