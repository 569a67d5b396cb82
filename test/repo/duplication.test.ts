/**
 * One concept in one place, checked with jscpd (pinned in package.json, configured by
 * .jscpd.json: src/, TypeScript, blocks of 6 lines and 50 tokens or more; `npm run dupes`
 * prints the same report). Issue 15's "done when": no repeated block inside the indicator
 * tables, none between the backtest's simulate, sweep and bar-step kernel, and across src/ at
 * most half the repeated blocks there were before its consolidation began.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const JSCPD = join(ROOT, "node_modules/.bin/jscpd");

/**
 * jscpd with the project's config on the whole of src/ at commit 0435d3b, the last commit before
 * issue 15's consolidation began: 29 clones (`git worktree add /tmp/base 0435d3b`, then
 * `jscpd -c .jscpd.json src` there with this branch's .jscpd.json). The target is half of it.
 */
const CLONES_BEFORE_CONSOLIDATION = 29;
const MAX_CLONES_IN_SRC = Math.floor(CLONES_BEFORE_CONSOLIDATION / 2);

interface Clone {
  readonly firstFile: { readonly name: string; readonly start: number; readonly end: number };
  readonly secondFile: { readonly name: string; readonly start: number; readonly end: number };
  readonly lines: number;
}

const scratch = mkdtempSync(join(tmpdir(), "wsp-jscpd-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let runs = 0;

/** The clones jscpd finds among `paths` with the project's config and at least 6 lines. */
function clonesIn(paths: readonly string[]): Clone[] {
  const out = join(scratch, `run${runs++}`);
  execFileSync(JSCPD, ["-c", ".jscpd.json", "--min-lines", "6", "-r", "json", "-o", out, ...paths], {
    cwd: ROOT,
    stdio: "pipe",
  });
  const report = JSON.parse(readFileSync(join(out, "jscpd-report.json"), "utf8")) as { duplicates: Clone[] };
  return report.duplicates;
}

/** "a.ts:3-9 = b.ts:10-16", so a failure names the blocks to consolidate. */
function describeClones(clones: readonly Clone[]): string[] {
  return clones.map(
    (c) =>
      `${c.firstFile.name}:${c.firstFile.start}-${c.firstFile.end} = ${c.secondFile.name}:${c.secondFile.start}-${c.secondFile.end}`,
  );
}

describe("repeated blocks (jscpd)", () => {
  it("finds a block planted twice, so an empty report means something", () => {
    const dir = join(scratch, "planted");
    mkdirSync(dir);
    const block = Array.from({ length: 8 }, (_, i) => `  total += values[${i}] * weights[${i}] - offset;`).join("\n");
    for (const name of ["a", "b"]) {
      writeFileSync(
        join(dir, `${name}.ts`),
        `export function ${name}(values: number[], weights: number[], offset: number): number {\n  let total = 0;\n${block}\n  return total;\n}\n`,
      );
    }
    expect(clonesIn([dir])).toHaveLength(1);
  });

  it("no block repeats inside the indicator tables", () => {
    expect(describeClones(clonesIn(["src/features/indicators"]))).toEqual([]);
  });

  it("no block repeats between simulate, sweep and the bar-step kernel", () => {
    const files = readdirSync(join(ROOT, "src/backtest"))
      .filter((f) => /^(simulate|sweep|barStep).*\.ts$/.test(f))
      .map((f) => `src/backtest/${f}`);
    expect(files).toEqual(expect.arrayContaining(["src/backtest/simulate.ts", "src/backtest/sweep.ts"]));
    expect(describeClones(clonesIn(files))).toEqual([]);
  });

  it(`across src/, at most ${MAX_CLONES_IN_SRC} repeated blocks (half of ${CLONES_BEFORE_CONSOLIDATION})`, () => {
    const clones = clonesIn(["src"]);
    expect(clones.length, describeClones(clones).join("\n")).toBeLessThanOrEqual(MAX_CLONES_IN_SRC);
  });
});
