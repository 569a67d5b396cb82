/**
 * scripts/bootstrap.mjs in a scratch copy of the repository (never the real tree, whose
 * node_modules and .venv other suites use): what it skips when everything is in place, and the one
 * line it prints when Python is missing.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repo = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), "wsp-bootstrap-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function sha256(...files: string[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(readFileSync(f));
  return h.digest("hex");
}

/** A scratch repo with the bootstrap and the files whose hashes it stamps; node_modules present. */
function scratchRepo(name: string): string {
  const root = join(scratch, name);
  mkdirSync(join(root, "scripts"), { recursive: true });
  mkdirSync(join(root, "node_modules"));
  mkdirSync(join(root, ".wsp"));
  copyFileSync(join(repo, "scripts", "bootstrap.mjs"), join(root, "scripts", "bootstrap.mjs"));
  for (const f of ["package.json", "package-lock.json", "requirements.txt"]) copyFileSync(join(repo, f), join(root, f));
  writeFileSync(
    join(root, ".wsp", "npm.sha256"),
    `${sha256(join(root, "package.json"), join(root, "package-lock.json"))}\n`,
  );
  return root;
}

function bootstrap(root: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [join(root, "scripts", "bootstrap.mjs"), "--test"], {
    encoding: "utf8",
    env,
    timeout: 30_000,
  });
}

describe("bootstrap", () => {
  it("skips every step whose inputs are unchanged and says so", () => {
    const root = scratchRepo("ready");
    mkdirSync(join(root, ".venv", "bin"), { recursive: true });
    writeFileSync(join(root, ".venv", "bin", "python"), "");
    writeFileSync(join(root, ".venv", ".requirements.sha256"), `${sha256(join(root, "requirements.txt"))}\n`);
    const kernels = join(root, ".venv", "share", "jupyter", "kernels", "tslab");
    mkdirSync(kernels, { recursive: true });
    writeFileSync(
      join(kernels, "kernel.json"),
      JSON.stringify({ argv: [join(root, "scripts", "tslab-kernel.sh"), "kernel"] }),
    );
    const run = bootstrap(root);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "skipped: npm install (package-lock.json unchanged); .venv (requirements.txt unchanged); tslab kernel (already registered in .venv)",
    );
    expect(run.stdout).toMatch(/ready in \d+\.\d s \(tests next\)/);
  });

  it("prints one line naming what to install when python3 is missing", () => {
    const root = scratchRepo("no-python");
    const emptyBin = join(scratch, "empty-bin");
    mkdirSync(emptyBin, { recursive: true });
    const run = bootstrap(root, { PATH: emptyBin, HOME: scratch });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
      "bootstrap: python3 not found: install Python 3.10+ with venv (Debian/Ubuntu: apt-get install -y python3 python3-venv)",
    ]);
  });
});
