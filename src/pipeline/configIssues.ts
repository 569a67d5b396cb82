/**
 * zod's issues on a config block in the words a researcher needs: the YAML path, what the
 * schema accepts there and what the file holds, e.g.
 *
 *   models[0].params.n_trees: expected an integer in [1, 100000], got 1e12
 *   labels: expected a mapping with kind: fixed_horizon, triple_barrier or meta, got 5
 *
 * What is expected is read from the schema at the issue's path (all of a number's bounds and
 * whether it is an integer, a union's alternatives by name), not from the single check that
 * failed; values are quoted through quoteInput, so garbage input is cut short.
 */
import type { z } from "zod";
import { quoteInput } from "../data";

export type Path = readonly PropertyKey[];

/** One problem: the path it names (relative to the schema given), where it sits, and what. */
export interface ConfigIssue {
  path: PropertyKey[];
  /** The node the problem is at: the path, or an unknown key inside the path's mapping. */
  at: PropertyKey[];
  message: string;
}

interface Def {
  type: string;
  [key: string]: unknown;
}
interface SchemaLike {
  _zod: { def: Def; propValues?: Record<string, Set<unknown>> };
}
interface CheckDef {
  check?: string;
  format?: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  error?: (issue?: unknown) => unknown;
}

/**
 * Returned by the error map for every issue a schema gives no message of its own: such issues
 * are described here from the schema; the others keep their schema-given message.
 */
const GENERATED = "\u0000generated";

/** Passed to `safeParse(input, { error: configErrorMap })`. */
export const configErrorMap = (): string => GENERATED;

/** `models[1].params.max_depth` */
export function yamlPath(path: Path): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "(top level)" : out;
}

/** A number as a config would write it: 1e12 rather than 1000000000000. */
export function formatNumber(x: number): string {
  const plain = String(x);
  if (plain.length <= 10) return plain;
  const exponent = x.toExponential().replace("e+", "e");
  return exponent.length < plain.length ? exponent : plain;
}

/** A config value as an error message shows it. */
export function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return quoteInput(value);
  if (typeof value === "number") return formatNumber(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return `a list of ${value.length} ${value.length === 1 ? "entry" : "entries"}`;
  if (value !== null && typeof value === "object") return "a mapping";
  return String(value);
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

function defOf(schema: SchemaLike): Def {
  return schema._zod.def;
}

/** The schema under wrappers, defaults and preprocessing: what a value is checked against. */
function unwrap(schema: SchemaLike): SchemaLike {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type)) s = def.innerType as SchemaLike;
    else if (def.type === "pipe")
      s = defOf(def.in as SchemaLike).type === "transform" ? (def.out as SchemaLike) : (def.in as SchemaLike);
    else if (def.type === "lazy") s = (def.getter as () => SchemaLike)();
    else return s;
  }
}

function shapeKind(schema: SchemaLike): "mapping" | "list" | "scalar" {
  const type = defOf(unwrap(schema)).type;
  if (type === "object" || type === "record") return "mapping";
  if (type === "array" || type === "tuple") return "list";
  return "scalar";
}

function valueKind(value: unknown): "mapping" | "list" | "scalar" {
  if (Array.isArray(value)) return "list";
  return value !== null && typeof value === "object" && !(value instanceof Date) ? "mapping" : "scalar";
}

/** The alternatives of a union that a value can belong to (by discriminator, else by shape). */
function candidates(def: Def, value: unknown): SchemaLike[] {
  const options = def.options as SchemaLike[];
  const key = def.discriminator as string | undefined;
  if (key !== undefined) {
    const tag = valueKind(value) === "mapping" ? (value as Record<string, unknown>)[key] : undefined;
    return options.filter((o) => unwrap(o)._zod.propValues?.[key]?.has(tag));
  }
  return options.filter((o) => shapeKind(o) === valueKind(value));
}

function getAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** The schema that checks the value at `path` of `input`, or undefined when none does. */
function schemaAt(schema: SchemaLike, path: Path, input: unknown): SchemaLike | undefined {
  if (path.length === 0) return schema;
  const s = unwrap(schema);
  const def = defOf(s);
  const [head, ...rest] = path;
  const value = (input as Record<PropertyKey, unknown> | null | undefined)?.[head];
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, SchemaLike>;
      const child = Object.hasOwn(shape, head) ? shape[head as string] : (def.catchall as SchemaLike | undefined);
      return child && schemaAt(child, rest, value);
    }
    case "record":
      return schemaAt(def.valueType as SchemaLike, rest, value);
    case "array":
      return schemaAt(def.element as SchemaLike, rest, value);
    case "tuple":
      return schemaAt((def.items as SchemaLike[])[head as number] ?? (def.rest as SchemaLike), rest, value);
    case "union":
      for (const option of candidates(def, input)) {
        const found = schemaAt(option, path, input);
        if (found) return found;
      }
      return undefined;
    case "intersection":
      return schemaAt(def.left as SchemaLike, path, input) ?? schemaAt(def.right as SchemaLike, path, input);
    default:
      return undefined;
  }
}

function checksOf(def: Def): CheckDef[] {
  return ((def.checks ?? []) as SchemaLike[]).map((c) => c._zod.def as unknown as CheckDef);
}

/** A check's own message when it reads "expected …" (a refine or regex written for users). */
function ownExpectation(def: Def): string | undefined {
  for (const c of checksOf(def)) {
    const message = c.error?.();
    if (typeof message === "string" && message.startsWith("expected ")) return message.slice("expected ".length);
  }
  return undefined;
}

function describeNumber(def: Def): string {
  let kind = "a number";
  let low: CheckDef | undefined;
  let high: CheckDef | undefined;
  for (const c of checksOf(def)) {
    if (c.check === "number_format" && String(c.format).includes("int")) kind = "an integer";
    if (c.check === "greater_than") low = c;
    if (c.check === "less_than") high = c;
  }
  if (low && high) {
    const open = low.inclusive ? "[" : "(";
    const close = high.inclusive ? "]" : ")";
    return `${kind} in ${open}${formatNumber(low.value ?? 0)}, ${formatNumber(high.value ?? 0)}${close}`;
  }
  if (low) return `${kind} ${low.inclusive ? ">=" : ">"} ${formatNumber(low.value ?? 0)}`;
  if (high) return `${kind} ${high.inclusive ? "<=" : "<"} ${formatNumber(high.value ?? 0)}`;
  return kind;
}

/** "a list of 1 to 1000 entries", "a string of at least 1 character" */
function describeLength(def: Def, what: string, one: string, many: string): string {
  let min: number | undefined;
  let max: number | undefined;
  for (const c of checksOf(def)) {
    if (c.check === "min_length") min = c.minimum;
    if (c.check === "max_length") max = c.maximum;
  }
  const units = (n: number) => `${n} ${n === 1 ? one : many}`;
  if (min !== undefined && max !== undefined) return `${what} of ${min} to ${units(max)}`;
  if (min !== undefined) return `${what} of at least ${units(min)}`;
  if (max !== undefined) return `${what} of at most ${units(max)}`;
  return what;
}

/** One alternative of a union: a mapping is told apart from its siblings by its first key. */
function describeAlternative(option: SchemaLike): string {
  const def = defOf(unwrap(option));
  if (def.type !== "object") return describeSchema(option);
  const first = Object.keys(def.shape as object)[0];
  return first === undefined ? "a mapping" : `a mapping with ${first}: …`;
}

/** "a, b or c" */
function orList(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/** What a schema accepts, in words ("an integer in [1, 100000]", "one of a, b"). */
function describeSchema(schema: SchemaLike | undefined): string {
  if (!schema) return "a valid value";
  const s = unwrap(schema);
  const def = defOf(s);
  const nullable = schema !== s && defOf(schema).type === "nullable" ? " or null" : "";
  return describeBare(def) + nullable;
}

function describeBare(def: Def): string {
  switch (def.type) {
    case "number":
      return describeNumber(def);
    case "string":
      return ownExpectation(def) ?? describeLength(def, "a string", "character", "characters");
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(def.entries as Record<string, string>).join(", ")}`;
    case "literal":
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(" or ");
    case "array":
      return describeLength(def, "a list", "entry", "entries");
    case "tuple":
      return "a list";
    case "object":
    case "record":
      return "a mapping";
    case "union": {
      const key = def.discriminator as string | undefined;
      const options = def.options as SchemaLike[];
      if (key !== undefined) {
        const tags = options.flatMap((o) => [...(unwrap(o)._zod.propValues?.[key] ?? [])].map(String));
        return `a mapping with ${key}: ${orList(tags)}`;
      }
      return [...new Set(options.map(describeAlternative))].join(" or ");
    }
    default:
      return `a ${def.type}`;
  }
}

function isRootTypeMiss(issue: z.core.$ZodIssue): boolean {
  return issue.path.length === 0 && (issue.code === "invalid_type" || issue.code === "invalid_value");
}

/**
 * The issues of `schema.safeParse(input, { error: configErrorMap })` as path and message. A
 * union none of whose alternatives fits is one issue naming them all; when the value has the
 * shape of exactly one alternative, that alternative's own issues are reported instead.
 */
export function describeIssues(
  schema: z.core.$ZodType,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  base: Path = [],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    const value = getAt(input, path);
    if (issue.code === "invalid_union") {
      if ((issue as { note?: string }).note === "No matching discriminator") {
        // A discriminator with a default (ensemble.kind) lists `undefined` among its options: not a value to write.
        const options = ((issue as unknown as { options?: unknown[] }).options ?? []).filter((o) => o !== undefined);
        out.push({ path, at: path, message: `expected one of ${options.join(", ")}, got ${shown(value)}` });
        continue;
      }
      const fitting = issue.errors.filter((branch) => !branch.every(isRootTypeMiss));
      if (fitting.length === 1) {
        out.push(...describeIssues(schema, input, fitting[0], path));
        continue;
      }
    }
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => quoteInput(k)).join(", ");
      const message = `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`;
      out.push({ path, at: [...path, issue.keys[0]], message });
      continue;
    }
    if (issue.message !== GENERATED) {
      // A message the schema gives (a refine's, a regex's): about a scalar, say what it got.
      const got = issue.message.startsWith("expected ") && valueKind(value) === "scalar" ? `, got ${shown(value)}` : "";
      out.push({ path, at: path, message: `${issue.message}${got}` });
      continue;
    }
    const expected = describeSchema(schemaAt(schema as unknown as SchemaLike, path, input));
    out.push({
      path,
      at: path,
      message:
        value === undefined && issue.code === "invalid_type"
          ? `required: expected ${expected}`
          : `expected ${expected}, got ${shown(value)}`,
    });
  }
  return out;
}
