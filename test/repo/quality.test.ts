/**
 * The type checker and the linter/formatter are part of the suite, so `npm test` (and CI) fail
 * on a type error or an unformatted file just as on a failing assertion.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function run(cmd: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: process.cwd(), timeout: 240_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe("repository quality gates", () => {
  it("type-checks with tsc --noEmit (strict)", () => {
    const r = run("npx", ["tsc", "--noEmit", "--pretty", "false"]);
    expect(
      r.output
        .split("\n")
        .filter((l) => l.includes("error TS"))
        .slice(0, 20),
    ).toEqual([]);
    expect(r.status).toBe(0);
  }, 240_000);

  it("passes biome lint and format checks", () => {
    const r = run("npx", ["biome", "check", "--reporter=summary", "."]);
    expect(r.status, r.output.slice(-4000)).toBe(0);
  }, 120_000);
});
