/**
 * What is wrong with one features entry, independent of the data: the indicator's name,
 * parameters (defaults filled in), outputs and transform chains. Used by the config schema
 * (errors at parse time) and by the plan.
 */
import { quoteInput } from "../data";
import type { FeatureEntry } from "./featureEntry";
import { type IndicatorDescriptor, type Params, type ParamValue, paramValue } from "./indicators/descriptor";
import { featureIndicator, featureIndicatorNames } from "./featureRegistry";
import { type Transform, parseTransformChain } from "./transforms";

export function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function known(def: IndicatorDescriptor): string {
  return def.params.length === 0 ? "none" : def.params.map((p) => p.name).join(", ");
}

function shownParam(v: ParamValue): string {
  return typeof v === "string" ? quoteInput(v) : String(v);
}

/** Parameters with defaults filled in, or error messages. */
export function resolveParams(def: IndicatorDescriptor, given: Record<string, ParamValue>): Params | string[] {
  const errors: string[] = [];
  const out: Record<string, ParamValue> = {};
  for (const key of Object.keys(given)) {
    if (!def.params.some((p) => p.name === key)) {
      errors.push(`${def.name}: unknown parameter ${quoteInput(key)}; its parameters are ${known(def)}`);
    }
  }
  for (const p of def.params) {
    const v = given[p.name] ?? p.default;
    if (v === undefined) {
      errors.push(`${def.name}: parameter ${p.name} is required`);
      continue;
    }
    if (p.kind === "int" || p.kind === "real") {
      const ok =
        typeof v === "number" &&
        Number.isFinite(v) &&
        (p.kind === "real" || Number.isInteger(v)) &&
        v >= (p.min ?? Number.NEGATIVE_INFINITY) &&
        v <= (p.max ?? Number.POSITIVE_INFINITY) &&
        (p.kind === "int" || v > (p.min ?? Number.NEGATIVE_INFINITY));
      if (!ok) {
        const range = p.kind === "int" ? `an integer in [${p.min}, ${p.max}]` : `a number in (${p.min}, ${p.max}]`;
        errors.push(`${def.name}: parameter ${p.name} must be ${range}, got ${shownParam(v)}`);
        continue;
      }
    } else if (p.kind === "choice" && !(typeof v === "string" && p.choices?.includes(v))) {
      errors.push(`${def.name}: parameter ${p.name} must be one of ${p.choices?.join(", ")}, got ${shownParam(v)}`);
      continue;
    } else if (p.kind === "ticker" && !(typeof v === "string" && v.length > 0)) {
      errors.push(`${def.name}: parameter ${p.name} must be a ticker name, got ${shownParam(v)}`);
      continue;
    }
    out[p.name] = paramValue(p, v);
  }
  return errors.length > 0 ? errors : out;
}

export function outputsOf(def: IndicatorDescriptor, wanted: readonly string[] | undefined): string[] | string {
  if (wanted === undefined) return [...def.outputs];
  const bySnake = new Map(def.outputs.map((o) => [snake(o), o]));
  const out: string[] = [];
  for (const w of wanted) {
    const o = bySnake.get(w) ?? (def.outputs.includes(w) ? w : undefined);
    if (o === undefined) {
      return `${def.name}: unknown output ${w}; its outputs are ${[...bySnake.keys()].join(", ")}`;
    }
    out.push(o);
  }
  return out;
}

export function chainsOf(texts: readonly string[]): Transform[][] | string {
  const out: Transform[][] = [];
  for (const t of texts) {
    const c = parseTransformChain(t);
    if (typeof c === "string") return c;
    out.push(c);
  }
  return out;
}

/** What is wrong with one entry, independent of the data (empty when nothing). */
export function checkEntry(entry: FeatureEntry): string[] {
  if ("column" in entry) {
    const c = chainsOf(entry.transforms);
    return typeof c === "string" ? [c] : [];
  }
  const def = featureIndicator(entry.indicator);
  if (!def) return [`unknown indicator ${quoteInput(entry.indicator)}; known: ${featureIndicatorNames().join(", ")}`];
  const errors: string[] = [];
  const p = resolveParams(def, entry.params);
  if (Array.isArray(p)) errors.push(...p);
  const o = outputsOf(def, entry.outputs);
  if (typeof o === "string") errors.push(o);
  const c = chainsOf(entry.transforms);
  if (typeof c === "string") errors.push(c);
  else if (
    (entry.timeframe !== undefined || entry.context !== undefined) &&
    c.some((ch) => ch.some((t) => t.kind === "cs_rank"))
  ) {
    errors.push("cs_rank ranks across the universe on the bars' own dates: not with timeframe or context");
  }
  if (entry.timeframe !== undefined && entry.context !== undefined) {
    errors.push("give timeframe or context, not both (a context series is used at its own timeframe)");
  }
  if (def.baseOnly && (entry.timeframe !== undefined || entry.context !== undefined)) {
    errors.push(`${def.name} is computed on the bars themselves only (no timeframe or context)`);
  }
  if (!entry.raw && entry.transforms.length === 0) errors.push("raw: false without transforms leaves no column");
  return errors;
}
