/**
 * `track()`: a notebook's figures and metrics as one MLflow run, so what a notebook showed can be
 * found and compared after the kernel is gone. The run is tagged `wsp.notebook=<path>` (the
 * notebook's path from the repository root) and lives in the notebook's own experiment
 * (`notebook-<file name>` unless told), written through the recorder like every other run: with
 * MLflow down it waits in the outbox for `wsp mlflow sync`.
 *
 * Notebooks compile their imports to CommonJS under tslab: no `import.meta`, paths from
 * `process.cwd()` (the kernel runs at the repository root, see scripts/tslab-kernel.sh).
 *
 * ```ts
 * const run = await track("notebooks/02-importance.ipynb");
 * tslab.display.html(await run.figure("shap-summary", fig));   // logs figures/shap-summary.html
 * await run.metrics({ oos_auc: 0.52 });
 * console.log(await run.end());                                // the run's MLflow page
 * ```
 */
import { existsSync } from "node:fs";
import { basename, isAbsolute, relative, resolve } from "node:path";
import { findRepoRoot } from "../services";
import { openRecorder, type RunRecorder } from "../tracking";
import { type Figure, figureHtml, renderHtml } from "../viz";
import { git } from "./provenance";

/** The tag naming the notebook a run came from. */
export const NOTEBOOK_TAG = "wsp.notebook";

export interface NotebookTrackOptions {
  /** MLflow experiment; default `notebook-<file name without .ipynb>`. */
  experiment?: string;
  /** Run name; default the file name with the time the run started. */
  runName?: string;
  /** More tags for the run. */
  tags?: Record<string, string>;
  /** MLflow server; default `MLFLOW_TRACKING_URI`, else the local server (as `wsp run`). */
  trackingUri?: string;
  /** The recorder's outbox; default `<repo>/mlruns/outbox`. */
  outboxDir?: string;
}

export interface NotebookRun {
  /** The notebook's path from the repository root, as tagged. */
  readonly notebook: string;
  readonly experiment: string;
  readonly run: RunRecorder;
  /**
   * Logs `figures/<name>.html` (a page with plotly inlined) and returns the figure's HTML for
   * `tslab.display.html`: plotly inlined the first time in this run, referenced after.
   */
  figure(name: string, figure: Figure): Promise<string>;
  /** Logs metrics (step 0 unless given). */
  metrics(record: Record<string, number>, step?: number): Promise<void>;
  /** Logs `tables/<name>.csv` from named columns of equal length. */
  table(name: string, columns: Record<string, ArrayLike<number | string>>): Promise<void>;
  /** Ends the run FINISHED (or FAILED with `error`); returns its MLflow page, or where it waits. */
  end(error?: unknown): Promise<string>;
}

function notebookPath(path: string, root: string): string {
  const absolute = resolve(process.cwd(), path);
  if (!path.endsWith(".ipynb")) throw new Error(`track: "${path}" is not a notebook path (expected …/<name>.ipynb)`);
  if (!existsSync(absolute)) throw new Error(`track: no notebook at ${path} (resolved from ${process.cwd()})`);
  const fromRoot = relative(root, absolute);
  return fromRoot.startsWith("..") || isAbsolute(fromRoot) ? absolute : fromRoot;
}

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

function checkName(name: string, what: string): void {
  if (!SAFE_NAME.test(name)) throw new Error(`track: ${what} name "${name}": use letters, digits, ".", "_" and "-"`);
}

function csvCell(value: number | string): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Opens the notebook's run. `path` is the notebook's path from the repository root. */
export async function track(path: string, opts: NotebookTrackOptions = {}): Promise<NotebookRun> {
  const root = findRepoRoot();
  const notebook = notebookPath(path, root);
  const stem = basename(notebook, ".ipynb");
  const experiment = opts.experiment ?? `notebook-${stem}`;
  const recorder = await openRecorder({ trackingUri: opts.trackingUri, outboxDir: opts.outboxDir });
  const commit = git(["rev-parse", "HEAD"]);
  const run = await recorder.startRun({
    experiment,
    runName: opts.runName ?? `${stem} @ ${new Date().toISOString().slice(0, 19)}Z`,
    tags: {
      ...opts.tags,
      [NOTEBOOK_TAG]: notebook,
      "mlflow.source.name": notebook,
      "wsp.role": "notebook",
      ...(commit ? { "mlflow.source.git.commit": commit } : {}),
    },
  });
  let plotlyShown = false;
  return {
    notebook,
    experiment,
    run,
    async figure(name, figure) {
      checkName(name, "figure");
      await run.logArtifact(`figures/${name}.html`, renderHtml([figure], figure.layout.title?.text ?? name));
      const html = figureHtml(figure, { includePlotly: !plotlyShown });
      plotlyShown = true;
      return html;
    },
    async metrics(record, step = 0) {
      await run.logMetrics(record, step);
    },
    async table(name, columns) {
      checkName(name, "table");
      const names = Object.keys(columns);
      const rows = names.length === 0 ? 0 : columns[names[0]].length;
      for (const n of names) {
        if (columns[n].length !== rows) {
          throw new Error(`track: table "${name}" column "${n}" has ${columns[n].length} rows, expected ${rows}`);
        }
      }
      const lines = [names.map(csvCell).join(",")];
      for (let i = 0; i < rows; i++) lines.push(names.map((n) => csvCell(columns[n][i])).join(","));
      await run.logArtifact(`tables/${name}.csv`, `${lines.join("\n")}\n`);
    },
    async end(error) {
      const result = await run.end(error === undefined ? "FINISHED" : "FAILED", error);
      if (run.uiUrl) return run.uiUrl;
      return result.synced
        ? `run ${run.runId}`
        : `MLflow unreachable: run queued in the outbox (${run.localId}); \`wsp mlflow sync\` sends it`;
    },
  };
}
