/**
 * An exclusive lock on a PGlite directory, as the file `<dir>.lock` holding the owner's pid.
 * PGlite is a single-process database with no lock of its own: a second process opening the
 * same directory (a notebook kernel and `wsp data ingest`, say) would corrupt it. A lock left
 * by a process that no longer runs is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { StoreError } from "./storeError";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock or throws StoreError("busy") naming the holder; returns the release function. */
export function lockDir(dir: string): () => void {
  const path = `${dir}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
      const holder = Number.parseInt(readFileSync(path, "utf8"), 10);
      if (Number.isInteger(holder) && isRunning(holder)) {
        throw new StoreError(
          "busy",
          `the PGlite store ${dir} is open in process ${holder}${holder === process.pid ? " (this one)" : ""}; ` +
            "PGlite allows one process per directory: close that store first, or set DATABASE_URL to share a PostgreSQL server",
        );
      }
      unlinkSync(path);
    }
  }
  const release = () => {
    try {
      if (Number.parseInt(readFileSync(path, "utf8"), 10) === process.pid) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.once("exit", release);
  return () => {
    process.off("exit", release);
    release();
  };
}
