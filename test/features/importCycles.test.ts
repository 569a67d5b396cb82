/**
 * No import cycles inside src/features: a cycle makes the evaluation order of modules depend on
 * which file is imported first (a value read before its module ran is `undefined`), and it is
 * the sign of a shared type living in the wrong file. Type-only imports count too: they tie the
 * files together for a reader the same way.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Relative module specifiers of `import … from`, `export … from` and `import("…")`. */
function specifiersOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']*)["']/gm;
  for (const m of source.matchAll(pattern)) found.push(m[1]);
  return found;
}

function resolveModule(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec.replace(/\.js$/, ""));
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this candidate
    }
  }
  return null;
}

/** The import graph of the files under `dir` (edges leaving `dir` are dropped). */
function importGraph(dir: string): Map<string, string[]> {
  const files = sourcesUnder(dir);
  const inside = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiersOf(readFileSync(file, "utf8"))
      .map((s) => resolveModule(file, s))
      .filter((t): t is string => t !== null && inside.has(t));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe("import graph of src/features", () => {
  it("finds a cycle when there is one (the walk itself works)", () => {
    const g = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(cyclesOf(g)).toEqual([["a", "b", "c"]]);
    expect(
      cyclesOf(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toEqual([]);
  });

  it("reads real imports (featureStream imports featurePlan)", () => {
    const g = importGraph(join(ROOT, "src", "features"));
    const from = join(ROOT, "src", "features", "featureStream.ts");
    expect(g.get(from)).toContain(join(ROOT, "src", "features", "featurePlan.ts"));
  });

  it("has no import cycles", () => {
    const cycles = cyclesOf(importGraph(join(ROOT, "src", "features"))).map((c) =>
      c.map((f) => relative(ROOT, f)).join(" ↔ "),
    );
    expect(cycles).toEqual([]);
  });
});
