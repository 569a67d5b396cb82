/**
 * A nested experiment config as MLflow params: dotted keys (`models.0.params.max_depth`), array
 * elements by index, every value a string. MLflow 3 limits param values to 6000 characters
 * (`MAX_PARAM_VAL_LENGTH` in mlflow/utils/validation.py) and keys to 250; the recorder logs longer
 * values as artifacts with their hash as the param (see `RunRecorder.logParams`).
 */
export const MAX_PARAM_VALUE_LENGTH = 6000;
export const MAX_KEY_LENGTH = 250;
/** MLflow 3's tag value limit (`MAX_TAG_VAL_LENGTH`). */
export const MAX_TAG_VALUE_LENGTH = 8000;

function scalar(value: unknown): string | null {
  if (value === null) return "null";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  return null;
}

/**
 * Flattens `config` to `{ "a.b.0.c": "value" }`. Empty arrays and objects stay visible as `[]` and
 * `{}` (a config that says "no models" differs from one that says nothing); `undefined` and
 * functions are left out, as JSON would. Typed arrays count as arrays.
 */
export function flattenParams(config: unknown, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (value: unknown, key: string): void => {
    if (value === undefined || typeof value === "function") return;
    const s = scalar(value);
    if (s !== null) {
      if (key === "") throw new Error(`flattenParams: expected an object or array at the top level, got ${s}`);
      out[key] = s;
      return;
    }
    const entries: [string, unknown][] =
      Array.isArray(value) || ArrayBuffer.isView(value)
        ? Array.from(value as ArrayLike<unknown>, (v, i) => [String(i), v])
        : Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      if (key !== "") out[key] = Array.isArray(value) || ArrayBuffer.isView(value) ? "[]" : "{}";
      return;
    }
    for (const [k, v] of entries) visit(v, key === "" ? k : `${key}.${k}`);
  };
  visit(config, prefix);
  return out;
}
