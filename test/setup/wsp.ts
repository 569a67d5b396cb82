/**
 * `wsp` as a user runs it: a child process (`npx wsp …`, i.e. `node bin/wsp.js …`) at the repository root, its
 * exit code and both streams. `env` is laid over this process's environment; an undefined value
 * removes a variable (a test that must not find the suite's DATABASE_URL).
 */
import { spawn } from "node:child_process";

export interface WspRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function wsp(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<WspRun> {
  const childEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/wsp.js", ...args], { cwd: process.cwd(), env: childEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
