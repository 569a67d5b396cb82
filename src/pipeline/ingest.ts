/**
 * Data files into the operational store under the ingest policy (store/ingestData.ts), as one
 * call: what an `ingest` job runs. Paths may name folders (their .csv and .csv.gz files, sorted;
 * not recursive), so a job can take a drop directory; everything is validated before the store
 * is opened, and the write is one transaction: all files or nothing.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DataFormatError, readProblem } from "../data";
import {
  checkForIngest,
  type IngestResult,
  ingestChecked,
  loadSeriesInputs,
  type OpenStoreOptions,
  openStore,
  type ValidationSummary,
} from "../store";

export interface IngestRequest {
  /** Files or folders; ignored with `bundled`. */
  paths?: readonly string[];
  /** Every bundled file and the universe, as `wsp data ingest --bundled`. */
  bundled?: boolean;
  /** The planted-signal fixture's market, as `wsp data ingest --planted-signal` (serving its champion). */
  plantedSignal?: boolean;
  /** Rewrite series stored unchanged. */
  force?: boolean;
  store?: OpenStoreOptions;
  onLoad?: (filesDone: number, filesTotal: number) => void;
  /** Told the validation's summary once every file passed, before the store is opened. */
  onChecked?: (summary: ValidationSummary) => void;
  onIngest?: (rowsDone: number, rowsTotal: number) => void;
}

export interface IngestSummary extends IngestResult {
  /** The store, as `<backend> store <location> (schema <name>)`. */
  store: string;
  /** Anomalies kept (counted in the store's run record); errors fail the ingest instead. */
  anomalies: number;
  files: string[];
}

const DATA_FILE = /\.csv(\.gz)?$/i;

/** The files a path names: itself, or a folder's data files. */
export function dataFilesOf(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw new DataFormatError(path, null, null, null, readProblem(err));
  }
  if (!isDir) return [path];
  const files = readdirSync(path)
    .filter((f) => DATA_FILE.test(f))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new DataFormatError(path, null, null, null, "the folder holds no .csv or .csv.gz file");
  return files;
}

export async function ingestData(req: IngestRequest): Promise<IngestSummary> {
  const files = req.bundled || req.plantedSignal ? [] : (req.paths ?? []).flatMap(dataFilesOf);
  const checked = checkForIngest(
    loadSeriesInputs("ingest", { files, bundled: req.bundled ?? false, plantedSignal: req.plantedSignal }, req.onLoad),
  );
  req.onChecked?.(checked.summary);
  const store = await openStore(req.store);
  try {
    const result = await ingestChecked(store, checked, { force: req.force, onProgress: req.onIngest });
    return {
      ...result,
      store: `${store.backend} store ${store.location} (schema ${store.schema})`,
      anomalies: checked.summary.anomalies,
      files: req.bundled ? ["(bundled)"] : req.plantedSignal ? ["(synthetic:planted-signal)"] : files,
    };
  } finally {
    await store.close();
  }
}
