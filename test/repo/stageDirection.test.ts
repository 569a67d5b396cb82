/**
 * The one-way flow of docs/architecture.md, checked on the real import graph of src/ and jobs/: a
 * stage imports only stages to its left, no file reaches itself through its imports, and the CLI
 * and the job runner (jobs/, top-level, called by the CLI) go through each stage's index.ts (its
 * public surface). Type-only imports count: a type import still ties a stage to a later one.
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
  "tracking",
  "viz",
  "pipeline",
  "jobs",
  "cli",
] as const;

/** Stages that reach the others only through their index.ts. */
const SURFACE_USERS = ["jobs", "cli"];

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

/** The graph of `dirs` under `root`; paths lose their `src/` (a stage's folder), `jobs/` keeps its name. */
function graphOf(root: string, dirs: string[]): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map();
  const unresolved: string[] = [];
  const name = (file: string) =>
    relative(root, file)
      .split("\\")
      .join("/")
      .replace(/^src\//, "");
  for (const file of dirs.flatMap((d) => tsFiles(join(root, d)))) {
    const rel = name(file);
    const edges = [];
    for (const spec of specifiersOf(readFileSync(file, "utf8"))) {
      const target = resolveSpec(file, spec);
      if (target === undefined) unresolved.push(`${rel}: ${spec}`);
      else edges.push({ spec, target: name(target) });
    }
    graph.set(rel, edges);
  }
  return { graph, unresolved };
}

/** `pipeline/runner.ts` → `pipeline`; the entry point `cli.ts` belongs to the cli stage. */
function stageOf(file: string): string {
  return file.includes("/") ? (file.split("/")[0] as string) : file.replace(/\.ts$/, "");
}

/** Each import of a later stage (or of a folder that is no stage), as `file: specifier (why)`. */
function directionViolations(graph: Graph): string[] {
  const rank = (s: string) => (STAGES as readonly string[]).indexOf(s);
  const out: string[] = [];
  for (const [file, edges] of graph) {
    const from = stageOf(file);
    if (rank(from) < 0) {
      out.push(`${file}: not in a known stage`);
      continue;
    }
    for (const { spec, target } of edges) {
      const to = stageOf(target);
      if (rank(to) < 0) out.push(`${file}: ${spec} (${to} is not a known stage)`);
      else if (rank(to) > rank(from)) out.push(`${file}: ${spec} (${from} imports later stage ${to})`);
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

/** CLI and jobs files importing another stage's inner file instead of its index.ts. */
function cliSurfaceViolations(graph: Graph): string[] {
  const out: string[] = [];
  for (const [file, edges] of graph) {
    const from = stageOf(file);
    if (!SURFACE_USERS.includes(from)) continue;
    for (const { spec, target } of edges) {
      const to = stageOf(target);
      if (to === from) continue;
      if (target !== `${to}/index.ts`) out.push(`${file}: ${spec} (reaches past ${to}/index.ts)`);
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

  it("fail on a later-stage import, a cycle and a CLI reaching past an index", () => {
    const g = fabricated([
      ["data/a.ts", "features/b.ts"],
      ["features/b.ts", "features/c.ts"],
      ["features/c.ts", "features/b.ts"],
      ["cli/x.ts", "pipeline/runner.ts"],
      ["cli/y.ts", "pipeline/index.ts"],
      ["cli.ts", "cli/y.ts"],
    ]);
    expect(directionViolations(g)).toEqual(["data/a.ts: features/b.ts (data imports later stage features)"]);
    expect(cycles(g)).toEqual(["features/b.ts → features/c.ts → features/b.ts"]);
    expect(cliSurfaceViolations(g)).toEqual(["cli/x.ts: pipeline/runner.ts (reaches past pipeline/index.ts)"]);
  });
});

describe("src/ and jobs/ import graph", () => {
  const { graph, unresolved } = graphOf(process.cwd(), ["src", "jobs"]);
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

  it("lets the CLI reach stages only through their index.ts", () => {
    expect(report("CLI imports past an index.ts", cliSurfaceViolations(graph))).toEqual([]);
  });
});
