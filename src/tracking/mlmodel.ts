/**
 * The `MLmodel` file and input example of a logged model, in the layout MLflow's own writer uses
 * (checked against `mlflow.pyfunc.save_model` of MLflow 3.17): a column-based signature whose
 * inputs and outputs are JSON strings, and an input example saved as a pandas "split" frame
 * (`input_example.json`) with its serving form (`serving_input_example.json`,
 * `{"dataframe_split": …}`), which `mlflow models serve` and the UI read.
 *
 * The model's id, artifact location and run id are appended when the model is created on the
 * server (see `applyLoggedModel` in outboxReplay.ts): offline they are not known yet.
 */
import { stringify } from "yaml";

/** One column of a column-based signature. */
export interface ColumnSpec {
  name: string;
  type: "double" | "long" | "string" | "boolean";
  /** The column must be present (its values may still be NaN for a double). */
  required: boolean;
}

export interface MlModelSpec {
  flavors: Record<string, Record<string, unknown>>;
  inputs: readonly ColumnSpec[];
  outputs: readonly ColumnSpec[];
  /** A few real input rows, columns in the order of `inputs`. */
  example: { columns: readonly string[]; rows: readonly (readonly number[])[] } | null;
  /** The MLflow version the files follow. */
  mlflowVersion: string;
}

/** JSON with NaN and ±Infinity written as Python's `json` reads and writes them. */
function pyJson(value: unknown, indent?: number): string {
  const marks = new Map<string, string>();
  const text = JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === "number" && !Number.isFinite(v)) {
        const token = Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
        const mark = `__wsp_nonfinite_${token}__`;
        marks.set(`"${mark}"`, token);
        return mark;
      }
      return v;
    },
    indent,
  );
  let out = text;
  for (const [mark, token] of marks) out = out.split(mark).join(token);
  return out;
}

function schemaJson(cols: readonly ColumnSpec[]): string {
  return JSON.stringify(cols.map((c) => ({ type: c.type, name: c.name, required: c.required })));
}

/** `MLmodel`, plus `input_example.json` and `serving_input_example.json` when there is an example. */
export function mlModelFiles(spec: MlModelSpec): { path: string; content: string }[] {
  const doc: Record<string, unknown> = {
    flavors: spec.flavors,
    mlflow_version: spec.mlflowVersion,
    signature: { inputs: schemaJson(spec.inputs), outputs: schemaJson(spec.outputs), params: null },
    utc_time_created: new Date().toISOString().replace("T", " ").replace("Z", ""),
  };
  const files: { path: string; content: string }[] = [];
  if (spec.example) {
    doc.saved_input_example_info = {
      artifact_path: "input_example.json",
      pandas_orient: "split",
      serving_input_path: "serving_input_example.json",
      type: "dataframe",
    };
    const frame = { columns: [...spec.example.columns], data: spec.example.rows.map((r) => [...r]) };
    files.push({ path: "input_example.json", content: pyJson(frame) });
    files.push({ path: "serving_input_example.json", content: pyJson({ dataframe_split: frame }, 2) });
  }
  files.unshift({ path: "MLmodel", content: stringify(doc, { lineWidth: 0 }) });
  return files;
}
