/**
 * The one-way flow of docs/architecture.md, checked on the real import graph of src/ and jobs/:
 * a stage imports only stages to its left, no file reaches itself through its imports (a cycle
 * through an index.ts leaves a binding undefined when tslab loads it as CommonJS), and every
 * import from another stage goes through that stage's index.ts (its public surface). The CLI and
 * jobs/ sit last and may import any stage, through its index.ts all the same. Type-only imports
 * count: a type import still ties a stage to a later one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** Left to right: a stage may import only stages before it. */
const STAGES = [
  "data",
  "store",
  "services",
  "features",
  "labels",
  "validation",
  "models",
  "calibration",
  "explain",
  "backtest",
  "promotion",
  "monitoring",
  "tracking",
  "viz",
  "pipeline",
  "serving",
  "cli",
] as const;

/** Top-level folders beside src/ that run the stages (as the CLI does); absent ones are skipped. */
const TOP_LEVEL = ["jobs"] as const;

/** A file (path relative to the repository, forward slashes) and the relative specifiers it imports. */
type Graph = Map<string, { spec: string; target: string }[]>;

/** Relative specifiers of `import … from`, `export … from`, `import "x"` and `import("x")`. */
function specifiersOf(source: string): string[] {
  // Comments may quote code; strip block comments and whole-line `//` comments (a `//` inside a
  // line may be a URL in a string).
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  const patterns = [
    /(?:^|[;}\n])\s*(?:import|export)\s[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
    /(?:^|[;}\n])\s*import\s*["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1] as string);
  return found.filter((s) => s.startsWith("."));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

function resolveSpec(fromFile: string, spec: string): string | undefined {
  const base = resolve(dirname(fromFile), spec.replace(/\.js$/, ""));
  for (const cand of [`${base}.ts`, join(base, "index.ts"), base]) {
    if (existsSync(cand) && statSync(cand).isFile()) return cand;
  }
  return undefined;
}

/** The import graph of the files under `dirs` (relative to `repo`; missing ones are skipped). */
function graphOf(repo: string, dirs: readonly string[]): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map();
  const unresolved: string[] = [];
  const files = dirs.map((d) => join(repo, d)).filter((d) => existsSync(d));
  for (const file of files.flatMap(tsFiles)) {
    const rel = relative(repo, file).split("\\").join("/");
    const edges = [];
    for (const spec of specifiersOf(readFileSync(file, "utf8"))) {
      const target = resolveSpec(file, spec);
      if (target === undefined) unresolved.push(`${rel}: ${spec}`);
      else edges.push({ spec, target: relative(repo, target).split("\\").join("/") });
    }
    graph.set(rel, edges);
  }
  return { graph, unresolved };
}

/**
 * `src/pipeline/runner.ts` → `pipeline`; the entry point `src/cli.ts` belongs to the cli stage;
 * `jobs/worker.ts` → `jobs`, ranked with the CLI. Anything else is no stage ("").
 */
function stageOf(file: string): string {
  const [top, ...rest] = file.split("/");
  if ((TOP_LEVEL as readonly string[]).includes(top as string) && rest.length > 0) return top as string;
  if (top !== "src" || rest.length === 0) return "";
  return rest.length > 1 ? (rest[0] as string) : (rest[0] as string).replace(/\.ts$/, "");
}

/** A stage's rank in the flow; top-level runners share the CLI's; -1 for no stage. */
function rankOf(stage: string): number {
  const s = (TOP_LEVEL as readonly string[]).includes(stage) ? "cli" : stage;
  return (STAGES as readonly string[]).indexOf(s);
}

/** Each import of a later stage (or of a folder that is no stage), as `file: specifier (why)`. */
function directionViolations(graph: Graph): string[] {
  const out: string[] = [];
  for (const [file, edges] of graph) {
    const from = stageOf(file);
    if (rankOf(from) < 0) {
      out.push(`${file}: not in a known stage`);
      continue;
    }
    for (const { spec, target } of edges) {
      const to = stageOf(target);
      if (rankOf(to) < 0) out.push(`${file}: ${spec} (${target} is in no stage)`);
      else if (rankOf(to) > rankOf(from)) out.push(`${file}: ${spec} (${from} imports later stage ${to})`);
    }
  }
  return out;
}

/** Each cycle once, as `a.ts → b.ts → a.ts` (Tarjan's strongly connected components). */
function cycles(graph: Graph): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const { target: w } of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).some((e) => e.target === v);
      if (scc.length > 1 || selfLoop) out.push(`${scc.reverse().join(" → ")} → ${scc[0]}`);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

const indexOf = (stage: string) =>
  (TOP_LEVEL as readonly string[]).includes(stage) ? `${stage}/index.ts` : `src/${stage}/index.ts`;

/**
 * Imports of another stage's inner file instead of its index.ts, from anywhere (a stage, the
 * CLI, jobs/). Within a stage, files import each other directly: a file importing its own
 * stage's index.ts is one edge away from a cycle through it.
 */
function surfaceViolations(graph: Graph): string[] {
  const out: string[] = [];
  for (const [file, edges] of graph) {
    const from = stageOf(file);
    for (const { spec, target } of edges) {
      const to = stageOf(target);
      const index = indexOf(to);
      if (to !== from && target !== index) out.push(`${file}: ${spec} (reaches past ${index})`);
      else if (to === from && target === index) out.push(`${file}: ${spec} (its own stage's index.ts)`);
    }
  }
  return out;
}

function fabricated(edges: [string, string][]): Graph {
  const g: Graph = new Map();
  for (const [from, to] of edges) {
    if (!g.has(from)) g.set(from, []);
    if (!g.has(to)) g.set(to, []);
    g.get(from)?.push({ spec: to, target: to });
  }
  return g;
}

describe("the checks themselves", () => {
  it("read every kind of specifier, type-only and multi-line included, and skip comments", () => {
    const src = [
      `import type { A } from "../a";`,
      `import {`,
      `  b,`,
      `  type C,`,
      `} from "./b";`,
      `export { d } from "../d/index";`,
      `export * from "./e";`,
      `import "./f";`,
      `const g = await import("./g");`,
      `import { z } from "zod";`,
      `// import { x } from "./commented";`,
      `/* export { y } from "./blocked"; */`,
    ].join("\n");
    expect(specifiersOf(src)).toEqual(["../a", "./b", "../d/index", "./e", "./f", "./g"]);
  });

  it("fail on a later-stage import, a cycle and an import reaching past an index", () => {
    const g = fabricated([
      ["src/data/a.ts", "src/features/b.ts"],
      ["src/features/b.ts", "src/features/c.ts"],
      ["src/features/c.ts", "src/features/b.ts"],
      ["src/cli/x.ts", "src/pipeline/runner.ts"],
      ["src/cli/y.ts", "src/pipeline/index.ts"],
      ["src/cli.ts", "src/cli/y.ts"],
      ["src/models/m.ts", "src/data/bars.ts"],
      ["src/models/n.ts", "src/data/index.ts"],
      ["jobs/worker.ts", "src/pipeline/runner.ts"],
      ["jobs/queues.ts", "src/pipeline/index.ts"],
      ["jobs/worker.ts", "jobs/queues.ts"],
      ["src/pipeline/p.ts", "jobs/queues.ts"],
      ["src/features/d.ts", "src/features/index.ts"],
      ["src/features/regimes/e.ts", "src/features/regimes/index.ts"],
    ]);
    expect(directionViolations(g)).toEqual([
      "src/data/a.ts: src/features/b.ts (data imports later stage features)",
      "src/pipeline/p.ts: jobs/queues.ts (pipeline imports later stage jobs)",
    ]);
    expect(cycles(g)).toEqual(["src/features/b.ts → src/features/c.ts → src/features/b.ts"]);
    expect(surfaceViolations(g)).toEqual([
      "src/data/a.ts: src/features/b.ts (reaches past src/features/index.ts)",
      "src/cli/x.ts: src/pipeline/runner.ts (reaches past src/pipeline/index.ts)",
      "src/models/m.ts: src/data/bars.ts (reaches past src/data/index.ts)",
      "jobs/worker.ts: src/pipeline/runner.ts (reaches past src/pipeline/index.ts)",
      "src/pipeline/p.ts: jobs/queues.ts (reaches past jobs/index.ts)",
      "src/features/d.ts: src/features/index.ts (its own stage's index.ts)",
    ]);
  });

  it("place files in stages: src/<stage>/…, the entry point src/cli.ts, and jobs/ beside the CLI", () => {
    expect(stageOf("src/features/indicators/rsi.ts")).toBe("features");
    expect(stageOf("src/cli.ts")).toBe("cli");
    expect(stageOf("jobs/processors/retrain.ts")).toBe("jobs");
    expect(stageOf("scripts/x.ts")).toBe("");
    expect(rankOf("jobs")).toBe(rankOf("cli"));
  });
});

describe("src/ and jobs/ import graph", () => {
  const { graph, unresolved } = graphOf(process.cwd(), ["src", ...TOP_LEVEL]);
  const report = (title: string, lines: string[]) => {
    if (lines.length > 0) console.error(`${title} (${lines.length}):\n  ${lines.join("\n  ")}`);
    return lines;
  };

  it("resolves every relative import to a file", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(report("unresolved imports", unresolved)).toEqual([]);
  });

  it("flows one way: a stage imports only earlier stages", () => {
    expect(report("imports of a later stage", directionViolations(graph))).toEqual([]);
  });

  it("has no import cycle", () => {
    expect(report("import cycles", cycles(graph))).toEqual([]);
  });

  it("reaches another stage only through its index.ts, its own stage never through it", () => {
    expect(report("imports past (or of its own) index.ts", surfaceViolations(graph))).toEqual([]);
  });
});
