/**
 * The HTTP core of the MLflow client (mlflowClient.ts): one REST call over `fetch` against MLflow's
 * API (`/api/2.0/mlflow/...`) and the tracking server's proxied artifact endpoint
 * (`/api/2.0/mlflow-artifacts/artifacts/...`), and the wire forms of values and paths.
 *
 * Transient failures (network errors, timeouts, HTTP 408/429/5xx) are retried with exponential
 * backoff; any other 4xx fails at once with an `MlflowError` carrying MLflow's `error_code`.
 */
import { MlflowError, isRetryableStatus } from "./mlflowError";
import type { KeyValue } from "./types";

export interface MlflowClientOptions {
  /** Server base URI, e.g. `http://127.0.0.1:5050` (see `trackingUri()`). */
  trackingUri: string;
  /** Retries after the first attempt for retryable failures; default 4. */
  retries?: number;
  /** First backoff delay; doubled per retry, capped at 8 s; default 250 ms. */
  backoffMs?: number;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
}

export type Query = Record<string, string>;
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export function toKeyValues(record: Record<string, string | number | boolean> | undefined): KeyValue[] {
  return record ? Object.entries(record).map(([key, value]) => ({ key, value: String(value) })) : [];
}

/** JSON has no NaN or Infinity; MLflow's protobuf JSON accepts them as strings. */
export function wireValue(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

export function encodePath(path: string): string {
  return path
    .split("/")
    .filter((s) => s.length > 0)
    .map(encodeURIComponent)
    .join("/");
}

/**
 * The path of a run's artifact root under the proxied artifact endpoint. The tracking server gives
 * runs an `mlflow-artifacts:/<exp>/<run>/artifacts` URI when it serves artifacts; any other
 * scheme means the artifacts live elsewhere and cannot be reached through this server.
 */
export function proxiedArtifactRoot(artifactUri: string): string {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
  if (!m) {
    throw new MlflowError(
      "INVALID_PARAMETER_VALUE",
      0,
      "artifact_uri",
      `run artifact URI ${artifactUri} is not served by the tracking server (expected mlflow-artifacts:/...); start the server with --serve-artifacts`,
      1,
    );
  }
  return m[1].replace(/\/+$/, "");
}

/** Sends requests to the tracking server, retrying transient failures; the endpoints are in `MlflowClient`. */
export class MlflowTransport {
  readonly trackingUri: string;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;

  constructor(opts: MlflowClientOptions) {
    this.trackingUri = opts.trackingUri.replace(/\/+$/, "");
    this.retries = opts.retries ?? 4;
    this.backoffMs = opts.backoffMs ?? 250;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /**
   * One JSON REST call (with the retries above) for endpoints without a method in `MlflowClient`, e.g. the
   * model registry (registry.ts). `path` starts with `/api/`.
   */
  async call<T = unknown>(
    method: HttpMethod,
    path: string,
    opts: { query?: Query; body?: unknown; raw?: Uint8Array; contentType?: string },
  ): Promise<T> {
    const res = await this.request(method, path, opts);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** One REST call with retries; resolves with a 2xx response, else throws `MlflowError`. */
  protected async request(
    method: HttpMethod,
    path: string,
    opts: { query?: Query; body?: unknown; raw?: Uint8Array; contentType?: string },
  ): Promise<Response> {
    const endpoint = `${method} ${path}`;
    const url = `${this.trackingUri}${path}${opts.query ? `?${new URLSearchParams(opts.query)}` : ""}`;
    const headers: Record<string, string> = {};
    let body: string | Uint8Array | undefined;
    if (opts.raw) {
      body = opts.raw;
      headers["content-type"] = opts.contentType ?? "application/octet-stream";
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] = "application/json";
    }
    for (let attempt = 1; ; attempt++) {
      let failure: MlflowError;
      let retryAfterMs: number | null = null;
      try {
        const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
        if (res.ok) return res;
        failure = await errorFromResponse(res, endpoint, attempt);
        retryAfterMs = retryAfter(res);
        if (!isRetryableStatus(res.status)) throw failure;
      } catch (err) {
        if (err instanceof MlflowError) throw err;
        const reason = err instanceof Error ? `${err.name}: ${err.message}${causeOf(err)}` : String(err);
        failure = new MlflowError("NETWORK_ERROR", 0, endpoint, `${reason} (${this.trackingUri})`, attempt);
      }
      if (attempt > this.retries) throw failure;
      const backoff = Math.min(8000, this.backoffMs * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      await new Promise((r) => setTimeout(r, retryAfterMs ?? backoff));
    }
  }
}

function causeOf(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : "";
}

function retryAfter(res: Response): number | null {
  const header = res.headers.get("retry-after");
  if (!header) return null;
  const secs = Number(header);
  return Number.isFinite(secs) && secs >= 0 ? Math.min(secs * 1000, 30_000) : null;
}

async function errorFromResponse(res: Response, endpoint: string, attempt: number): Promise<MlflowError> {
  const text = await res.text();
  let code = `HTTP_${res.status}`;
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error_code?: string; message?: string };
    if (parsed.error_code) code = parsed.error_code;
    if (parsed.message) message = parsed.message;
  } catch {
    // Not JSON (a proxy's HTML error page, say): keep the start of the body as the detail.
  }
  return new MlflowError(code, res.status, endpoint, message, attempt);
}
