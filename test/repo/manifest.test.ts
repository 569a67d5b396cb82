/**
 * What the project says about itself matches what it is: `wsp --version` is package.json's
 * version, tsconfig compiles only folders that exist, and package.json's description names no
 * part that is not there yet (the BullMQ job runner comes with jobs/).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; description: string };

describe("project manifest", () => {
  it("`wsp --version` prints package.json's version", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["bin/wsp.js", "--version"], { cwd: root });
    expect(stdout).toBe(`${pkg.version}\n`);
  }, 60_000);

  it("tsconfig.json includes only paths that exist", () => {
    // tsconfig allows comments; this one has none, so JSON.parse reads it.
    const tsconfig = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")) as { include: string[] };
    expect(tsconfig.include.filter((p) => !existsSync(join(root, p)))).toEqual([]);
  });

  it("package.json's description claims jobs only once jobs/ exists", () => {
    if (!existsSync(join(root, "jobs"))) expect(pkg.description).not.toMatch(/bullmq|\bjobs?\b|queue/i);
    expect(pkg.description).toMatch(/MLflow/);
  });
});
