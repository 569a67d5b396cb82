/**
 * Why a path a user named cannot be read, in words: a missing path says that it does not
 * exist (not "not a data directory" or a bare ENOENT), a directory given for a file says so.
 */
import { existsSync, statSync } from "node:fs";

/** The reason a read of a file failed, from the error `readFileSync` threw. */
export function readProblem(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "the path does not exist";
  if (code === "EISDIR") return "the path is a directory, not a file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return `cannot be read (${err instanceof Error ? err.message : String(err)})`;
}

/** Null when `path` is an existing directory, else why it is not one. */
export function directoryProblem(path: string): string | null {
  if (!existsSync(path)) return "the path does not exist";
  return statSync(path).isDirectory() ? null : "the path is a file, not a directory";
}
