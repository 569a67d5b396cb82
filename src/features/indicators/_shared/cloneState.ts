/**
 * A deep copy of a streaming twin's state: class instances keep their prototype, typed arrays,
 * arrays, maps and sets are copied, objects reached twice stay shared once in the copy.
 * Functions are shared, so a stream's state must live in fields, never in closures over mutable
 * variables (the replace test over every descriptor checks this).
 */
export function cloneState<T>(value: T, seen: Map<object, unknown> = new Map()): T {
  if (value === null || typeof value !== "object") return value;
  const hit = seen.get(value);
  if (hit !== undefined) return hit as T;
  let copy: unknown;
  if (ArrayBuffer.isView(value)) {
    copy = (value as unknown as Float64Array).slice();
    seen.set(value, copy);
  } else if (Array.isArray(value)) {
    const a: unknown[] = [];
    seen.set(value, a);
    for (const x of value) a.push(cloneState(x, seen));
    copy = a;
  } else if (value instanceof Map) {
    const m = new Map();
    seen.set(value, m);
    for (const [k, v] of value) m.set(k, cloneState(v, seen));
    copy = m;
  } else if (value instanceof Set) {
    const s = new Set();
    seen.set(value, s);
    for (const v of value) s.add(cloneState(v, seen));
    copy = s;
  } else {
    const o = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
    seen.set(value, o);
    for (const key of Object.keys(value)) o[key] = cloneState((value as Record<string, unknown>)[key], seen);
    copy = o;
  }
  return copy as T;
}
