/**
 * A sweep config expanded into its variants: one full LoadedConfig per point of the grid (or per
 * random draw), each with the swept values written into the YAML text (comments kept), the
 * `sweep:` block removed, a readable name (`<name>.max_depth-3.horizon-5`), its own config hash
 * and the tags that tie its tracked run to the sweep (`wsp.sweep_id`, `wsp.sweep.variant`, in
 * `tracking.tags`, which trial identity leaves out). Every error names the sweep block's path.
 */
import { type Document, parseDocument } from "yaml";
import { rngNext } from "../../models";
import { ConfigError, type LoadedConfig, parseConfig } from "../config";
import { shown, yamlPath } from "../configIssues";
import { SWEEP_VARIANT_LIMIT, type SweepConfig, type SweepRange, type SweepValues } from "./sweepConfig";

/** Tags every variant's run carries (docs/architecture.md, "Sweeps"). */
export const SWEEP_TAGS = {
  /** The sweep the run belongs to; its `select` run carries it too. */
  id: "wsp.sweep_id",
  /** The variant's label within the sweep. */
  variant: "wsp.sweep.variant",
  /** `sweep` on the sweep's own run (the one `select` writes). */
  role: "wsp.role",
} as const;

export interface SweepVariant {
  index: number;
  /** What sets it apart: `max_depth-3.horizon-5`. */
  label: string;
  /** The value at each swept path, keyed as the sweep block writes the path. */
  assignments: Record<string, unknown>;
  loaded: LoadedConfig;
}

export interface SweepPlan {
  /** `sweep-<12 hex of the template's config hash>`: the same sweep config gives the same id. */
  sweepId: string;
  template: LoadedConfig;
  sweep: SweepConfig;
  variants: SweepVariant[];
}

type Segment = string | number;

interface SweptPath {
  key: string;
  segments: Segment[];
  /** Discrete values, or null for a continuous range (random mode draws from it). */
  values: unknown[] | null;
  range: SweepRange | null;
}

/** Paths a sweep may not set: they name the sweep's runs, where they are tracked, or the sweep itself. */
const FIXED_ROOTS = new Set(["sweep", "name", "description", "tracking"]);

/**
 * The variants of a config with a `sweep:` block. `maxVariants` overrides `sweep.max_variants`
 * (the refusal line for absurd sizes) up to SWEEP_VARIANT_LIMIT.
 */
export function expandSweep(template: LoadedConfig, opts: { maxVariants?: number } = {}): SweepPlan {
  const sweep = template.config.sweep;
  const file = template.file;
  if (!sweep) throw new ConfigError(file, ["sweep: the config has no sweep block to expand"]);
  const doc = parseDocument(template.text);
  const fail = (key: string | null, message: string): never => {
    const at: Segment[] = key === null ? ["sweep"] : ["sweep", "params", key];
    const node = doc.getIn(at, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lineCol(template.text, node.range[0]) : "";
    const where = key === null ? "sweep" : `sweep.params."${key}"`;
    throw new ConfigError(file, [`${line ? `${file}:${line} ` : ""}${where}: ${message}`]);
  };
  const base = doc.toJS() as Record<string, unknown>;
  const paths = Object.entries(sweep.params).map(([key, spec]) => sweptPath(key, spec, base, fail));
  const cap = opts.maxVariants ?? sweep.max_variants;
  if (!Number.isInteger(cap) || cap < 1 || cap > SWEEP_VARIANT_LIMIT) {
    throw new ConfigError(file, [`max variants: expected an integer in [1, ${SWEEP_VARIANT_LIMIT}], got ${cap}`]);
  }
  const sweepId = `sweep-${template.hash.slice(0, 12)}`;
  const points = sweep.mode === "grid" ? gridPoints(paths, cap, fail) : randomPoints(paths, sweep, cap, fail);
  const labels = variantLabels(paths, points);
  const variants = points.map((values, index) => {
    const assignments = Object.fromEntries(paths.map((p, k) => [p.key, values[k]]));
    const label = labels[index];
    const text = variantText(doc, paths, values, {
      name: `${template.config.name}.${label}`,
      sweepId,
      label,
      header: ` sweep ${sweepId}, variant ${index + 1} of ${points.length}: ${paths.map((p, k) => `${p.key} = ${JSON.stringify(values[k])}`).join(", ")}`,
    });
    let loaded: LoadedConfig;
    try {
      loaded = parseConfig(text, `${file}#${label}`);
    } catch (err) {
      const issues = err instanceof ConfigError ? err.issues.map((i) => i.replace(/^\S+#\S+:\d+:\d+ /, "")) : [];
      // Blame the swept path the first issue sits under (an unknown key is reported at its parent).
      const culprit = paths.find((p) =>
        [p.segments, p.segments.slice(0, -1)].some((s) => s.length > 0 && issues[0]?.startsWith(`${yamlPath(s)}:`)),
      );
      return fail(culprit?.key ?? null, `variant ${label} is not a valid config: ${issues.join("; ") || String(err)}`);
    }
    return { index, label, assignments, loaded };
  });
  return { sweepId, template, sweep, variants };
}

/** `models[0].params.max_depth` or `models.0.params.max_depth` → ["models", 0, "params", "max_depth"]. */
export function parseSweepPath(key: string): Segment[] | null {
  const segments: Segment[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*|\d+)|\[(\d+)\]/y;
  let at = 0;
  while (at < key.length) {
    if (segments.length > 0 && key[at] === ".") at++;
    re.lastIndex = at;
    const m = re.exec(key);
    if (!m) return null;
    const token = m[2] ?? m[1];
    segments.push(/^\d+$/.test(token) ? Number(token) : token);
    at = re.lastIndex;
  }
  return segments.length > 0 && typeof segments[0] === "string" ? segments : null;
}

function sweptPath(
  key: string,
  spec: SweepValues,
  base: Record<string, unknown>,
  fail: (key: string, message: string) => never,
): SweptPath {
  const segments = parseSweepPath(key);
  if (!segments) return fail(key, "expected a config path such as models[0].params.max_depth or labels.horizon");
  if (FIXED_ROOTS.has(segments[0] as string)) {
    return fail(key, `${segments[0]} cannot be swept: every variant shares the sweep's ${segments[0]}`);
  }
  // Walk the template: a list index must exist, and a value in the way must be a mapping.
  let node: unknown = base;
  for (let i = 0; i < segments.length - 1 && node !== undefined; i++) {
    const s = segments[i];
    const next = segments[i + 1];
    const child = (node as Record<string, unknown>)[s as string];
    const here = yamlPath(segments.slice(0, i + 1));
    if (Array.isArray(child)) {
      if (typeof next !== "number" || next >= child.length) {
        return fail(key, `${here} is a list of ${child.length} (indices 0..${child.length - 1}); got ${String(next)}`);
      }
    } else if (child !== undefined && (child === null || typeof child !== "object")) {
      return fail(key, `${here} is ${shown(child)}, not a mapping`);
    }
    node = child;
  }
  if (Array.isArray(spec)) {
    const seen = spec.map((v) => JSON.stringify(v));
    const twice = seen.findIndex((v, i) => seen.indexOf(v) !== i);
    if (twice >= 0) return fail(key, `the value ${seen[twice]} is listed twice; each variant must differ`);
    return { key, segments, values: spec, range: null };
  }
  return { key, segments, values: rangePoints(spec), range: spec };
}

/** Significant digits kept of log-spaced points and random draws, so a variant reads as a person writes it. */
const DRAW_DIGITS = 4;

const round = (x: number, digits: number) => Number(x.toPrecision(digits));

/** A range's points: stepped or counted; null when continuous. */
function rangePoints(r: SweepRange): number[] | null {
  if (r.step !== undefined) {
    const n = Math.floor((r.max - r.min) / r.step + 1e-9) + 1;
    return Array.from({ length: n }, (_, i) => round(r.min + i * r.step!, 12));
  }
  if (r.count !== undefined) {
    const n = r.count;
    return Array.from({ length: n }, (_, i) =>
      r.log
        ? round(r.min * (r.max / r.min) ** (i / (n - 1)), DRAW_DIGITS)
        : round(r.min + (i * (r.max - r.min)) / (n - 1), 12),
    );
  }
  return null;
}

function refuseSize(size: string, cap: number): string {
  return `${size} variants, more than max variants = ${cap}; narrow the values, draw some with mode: random and a count, or raise sweep.max_variants (up to ${SWEEP_VARIANT_LIMIT})`;
}

function gridPoints(paths: SweptPath[], cap: number, fail: (key: string | null, m: string) => never): unknown[][] {
  let size = 1;
  for (const p of paths) {
    if (!p.values) return fail(p.key, "a continuous range (no step or count) can be drawn from only in mode: random");
    size *= p.values.length;
  }
  if (size > cap) {
    const factors = paths.map((p) => p.values!.length).join(" × ");
    return fail(null, `the grid has ${size.toLocaleString("en-US")} (${factors}) ${refuseSize("", cap).trimStart()}`);
  }
  let points: unknown[][] = [[]];
  for (const p of paths) points = points.flatMap((pt) => p.values!.map((v) => [...pt, v]));
  return points;
}

function randomPoints(
  paths: SweptPath[],
  sweep: SweepConfig,
  cap: number,
  fail: (key: string | null, m: string) => never,
): unknown[][] {
  const count = sweep.count as number;
  if (count > cap) return fail(null, `count asks for ${refuseSize(count.toLocaleString("en-US"), cap)}`);
  if (paths.every((p) => p.values)) {
    const distinct = paths.reduce((n, p) => n * p.values!.length, 1);
    if (count > distinct) {
      return fail(null, `count asks for ${count} distinct variants but the values allow ${distinct}; use mode: grid`);
    }
  }
  const state = Uint32Array.of(sweep.seed >>> 0);
  const draw = (p: SweptPath): unknown => {
    if (p.values) return p.values[Math.min(p.values.length - 1, Math.floor(rngNext(state) * p.values.length))];
    const r = p.range as SweepRange;
    const u = rngNext(state);
    const x = r.log ? r.min * (r.max / r.min) ** u : r.min + u * (r.max - r.min);
    return round(x, DRAW_DIGITS);
  };
  const seen = new Set<string>();
  const out: unknown[][] = [];
  for (let attempt = 0; out.length < count && attempt < count * 100; attempt++) {
    const point = paths.map(draw);
    const id = JSON.stringify(point);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(point);
  }
  if (out.length < count) return fail(null, `drew only ${out.length} distinct variants of the ${count} asked for`);
  return out;
}

/** Each variant's label: `<key>-<value>` per path, the key the path's last name (its full path when that repeats). */
function variantLabels(paths: SweptPath[], points: unknown[][]): string[] {
  const last = paths.map((p) => String([...p.segments].reverse().find((s) => typeof s === "string")));
  const keys = paths.map((p, k) => (last.filter((l) => l === last[k]).length > 1 ? p.segments.join("_") : last[k]));
  const shownValue = (v: unknown, p: SweptPath): string => {
    if (typeof v === "number") return String(v).length <= 10 ? String(v) : v.toPrecision(DRAW_DIGITS);
    if (typeof v === "string" || typeof v === "boolean") return String(v).replace(/[^A-Za-z0-9_.-]+/g, "_");
    return `v${p.values ? p.values.indexOf(v) : 0}`;
  };
  const labels = points.map((pt) => pt.map((v, k) => `${keys[k]}-${shownValue(v, paths[k])}`).join("."));
  const width = String(points.length).length;
  return labels.map((l, i) =>
    l.length > 100 || labels.indexOf(l) !== labels.lastIndexOf(l) ? `v${String(i + 1).padStart(width, "0")}` : l,
  );
}

function variantText(
  doc: Document,
  paths: SweptPath[],
  values: unknown[],
  v: { name: string; sweepId: string; label: string; header: string },
): string {
  const out = doc.clone();
  out.delete("sweep");
  out.set("name", v.name);
  out.setIn(["tracking", "tags", SWEEP_TAGS.id], v.sweepId);
  out.setIn(["tracking", "tags", SWEEP_TAGS.variant], v.label);
  paths.forEach((p, k) => {
    out.setIn(p.segments, values[k]);
  });
  out.commentBefore = out.commentBefore ? `${v.header}\n${out.commentBefore}` : v.header;
  return out.toString();
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${before[before.length - 1].length + 1}`;
}
