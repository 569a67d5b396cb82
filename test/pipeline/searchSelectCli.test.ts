import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { PLANTED_SIGNAL_CONFIG } from "./plantedSignal";
import { wsp } from "../setup/wsp";

const dir = mkdtempSync(join(tmpdir(), "wsp-search-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture with `search` on its gbm and `select` in its features, then `edit`. */
function config(name: string, search: object, select: object): string {
  const doc = parseDocument(readFileSync(PLANTED_SIGNAL_CONFIG, "utf8"));
  doc.setIn(["models", 0, "search"], doc.createNode(search));
  doc.setIn(["features", "select"], doc.createNode(select));
  doc.setIn(["controls", "shuffled_labels"], false);
  const file = join(dir, name);
  writeFileSync(file, doc.toString());
  return file;
}

describe("wsp run with search and selection", { timeout: 120_000 }, () => {
  it("searches and selects inside the folds and says what the final refit chose", async () => {
    const file = config(
      "ok.yaml",
      { method: "random", space: { max_depth: [1, 2, 3] }, max_trials: 2, seed: 3, folds: 2, budget_seconds: 60 },
      { k: 3, by: "permutation", repeats: 1 },
    );
    const r = await wsp(["run", file, "--no-track"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^ {2}models\[0\] gbm search: [12] variants tried over \d+ fits; final refit chose \{"max_depth":[123]\}$/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}models\[1\] logistic features\.select \(permutation\): final refit kept 3 of 4 columns: /m,
    );
  });

  it("refuses a bad value naming the YAML path", async () => {
    const file = config("bad.yaml", { method: "random", space: { max_depth: [1, 2] }, max_trials: -1 }, { k: 2 });
    const r = await wsp(["run", file, "--no-track"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+ models\\[0\\]\\.search\\.max_trials: expected an integer`));
  });
});
