#!/usr/bin/env node
/**
 * `npm run notebooks`: JupyterLab from the project venv on the notebooks folder, bound to
 * 127.0.0.1. Jupyter refuses to start as root unless told `--allow-root`, and root is who runs
 * it in a container or on a fresh cloud machine, so the flag is added exactly then. Extra
 * arguments pass through (`npm run notebooks -- --port=8899 --no-browser`).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const jupyter = join(repo, ".venv", "bin", "jupyter");
if (!existsSync(jupyter)) {
  console.error(`notebooks: ${jupyter} is missing: run \`node scripts/bootstrap.mjs\` first`);
  process.exit(1);
}

const runningAsRoot = process.getuid?.() === 0;
const args = [
  "lab",
  `--notebook-dir=${join(repo, "notebooks")}`,
  "--ip=127.0.0.1",
  ...(runningAsRoot ? ["--allow-root"] : []),
  ...process.argv.slice(2),
];
const child = spawn(jupyter, args, { cwd: repo, stdio: "inherit" });
// Ctrl-C reaches Jupyter through the terminal's process group; a TERM sent to this wrapper alone
// (a supervisor, a test) is passed on so the server does not outlive it.
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("error", (err) => {
  console.error(`notebooks: could not start ${jupyter}: ${err.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
