/**
 * Bad input where users meet it: `wsp data validate|ingest` and `wsp run` in a child process
 * (`node --import tsx src/cli.ts …`), each refusing with an error that names the file, row or YAML path,
 * exits non-zero, and quotes at most ~120 characters of what the file holds.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * One `wsp` process (tsx as a loader in the same process, so that the timeout, there in case a
 * refusal regresses into real training, kills all of it).
 */
async function wsp(args: string[]): Promise<Result> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
      cwd: process.cwd(),
      env,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 120_000,
      killSignal: "SIGKILL",
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

let dir: string;
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
/** 9.9 kB of bytes without a newline or comma (seeded): one endless header "column". */
function garbage(): Buffer {
  let state = 11;
  return Buffer.from(
    Array.from({ length: 9900 }, () => {
      state = (state * 48271) % 2147483647;
      const b = state & 255;
      return b === 10 || b === 13 || b === 44 ? 32 : b;
    }),
  );
}

/** experiments/spy-daily.yaml with values replaced at YAML paths. */
function variant(name: string, edits: [(string | number)[], unknown][]): string {
  const doc = parseDocument(readFileSync("experiments/spy-daily.yaml", "utf8"));
  for (const [path, value] of edits) doc.setIn(path, value);
  return file(name, doc.toString());
}

const commands: Record<string, string[]> = {};
const results = new Map<string, Result>();

// Each command starts tsx (seconds apiece on a loaded 2-core machine): two at a time.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "wsp-bad-input-"));
  const store = ["--dir", join(dir, "pglite")];
  const headerOnly = file("HDR.csv", "date,open,high,low,close,volume\n");
  const injected = file(
    "long.csv",
    "ticker,date,open,high,low,close\nSPY,2020-01-02,1,1,1,1\nSPY'; DROP TABLE bars;--,2020-01-02,1,1,1,1\n",
  );
  Object.assign(commands, {
    validateHeaderOnly: ["data", "validate", headerOnly, "--no-record"],
    ingestHeaderOnly: ["data", "ingest", headerOnly, ...store],
    validateMissing: ["data", "validate", join(dir, "nope.csv"), "--no-record"],
    validateTicker: ["data", "validate", injected, "--no-record"],
    ingestTicker: ["data", "ingest", injected, ...store],
    validateGarbage: ["data", "validate", file("GARBAGE.csv", garbage()), "--no-record"],
    runGarbage: ["run", "--no-track", file("garbage.yaml", garbage())],
    runSeed: ["run", "--no-track", variant("seed.yaml", [[["controls", "seed"], 1.5]])],
    runTrees: ["run", "--no-track", variant("trees.yaml", [[["models", 0, "params", "n_trees"], 1e12]])],
    runDepth: ["run", "--no-track", variant("depth.yaml", [[["models", 0, "params", "max_depth"], 100000000]])],
    runSource: ["run", "--no-track", variant("source.yaml", [[["data", "source"], "csv:/nope"]])],
    // spy-daily's rf (models[1]) with every feature per node and 100000 trees: days of training.
    runAbsurd: [
      "run",
      "--no-track",
      variant("absurd.yaml", [
        [["models", 1, "params", "n_trees"], 100000],
        [["models", 1, "params", "max_features"], "all"],
      ]),
    ],
  });
  const names = Object.keys(commands);
  const next = async (): Promise<void> => {
    const name = names.shift();
    if (name === undefined) return;
    results.set(name, await wsp(commands[name]));
    await next();
  };
  await Promise.all([next(), next()]);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refused(name: string): string {
  const r = results.get(name) as Result;
  expect(r.code, `${name}: ${r.stdout}${r.stderr}`).not.toBe(0);
  return r.stderr;
}

describe("wsp refuses bad input clearly", () => {
  it("a header-only CSV in validate and ingest, naming the file; nothing is stored", () => {
    const [path] = commands.validateHeaderOnly.slice(2);
    for (const name of ["validateHeaderOnly", "ingestHeaderOnly"]) {
      expect(refused(name)).toBe(`error: ${path}: no data rows: the file holds a header only\n`);
      expect(results.get(name)?.stdout).not.toMatch(/0 series/);
    }
  });

  it("a missing data path says that it does not exist", () => {
    expect(refused("validateMissing")).toBe(`error: ${join(dir, "nope.csv")}: the path does not exist\n`);
    expect(refused("runSource")).toBe("error: /nope: the path does not exist\n");
  });

  it("a ticker breaking the store's rule fails validate as it fails ingest, naming file and row", () => {
    const [path] = commands.validateTicker.slice(2);
    const message =
      `error: ${path}:3:1 (column "ticker"): ticker "SPY'; DROP TABLE bars;--" is not valid: ` +
      "expected 1 to 32 characters without spaces, commas or control characters\n";
    expect(refused("validateTicker")).toBe(message);
    expect(refused("ingestTicker")).toBe(message);
  });

  it("binary garbage is quoted at most ~120 characters, in a CSV and in a YAML file", () => {
    const csv = refused("validateGarbage");
    expect(csv).toMatch(/…" \(\d{4} characters\)\): unknown column/);
    expect(csv.length).toBeLessThan(400);
    const yaml = refused("runGarbage").split("\n");
    expect(yaml[0]).toMatch(/garbage\.yaml: invalid experiment config$/);
    for (const line of yaml) expect(line.length).toBeLessThan(400);
  });

  it("config errors ask for an integer and give both bounds of a size parameter", () => {
    expect(refused("runSeed")).toMatch(/seed\.yaml:\d+:\d+ controls\.seed: expected an integer, got 1\.5\n$/);
    expect(refused("runTrees")).toMatch(
      /trees\.yaml:\d+:\d+ models\[0\]\.params\.n_trees: expected an integer in \[1, 100000\], got 1e12\n$/,
    );
    expect(refused("runDepth")).toMatch(
      /depth\.yaml:\d+:\d+ models\[0\]\.params\.max_depth: expected an integer in \[0, 64\], got 100000000\n$/,
    );
  });

  it("absurd work is refused before training, naming the dominant parameter and the estimate", () => {
    expect(refused("runAbsurd")).toMatch(
      /^error: models\[1\]\.params\.n_trees: refused before training: the models would train for about \d+ h \(rf: 100000 trees × 8 levels on \d+ rows × \d+ features, \d+ fits, \d+ h\); the limit is 24 h\n$/,
    );
  });
});
