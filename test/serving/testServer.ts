/**
 * A real forecast server for the HTTP tests: listening on a free loopback port, three tokens (one
 * per scope), the test ForecastService, and its log lines captured (at trace level, the most
 * that can be logged) so tests can read them.
 */
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { type RunningServer, type ServerOptions, startServer, TokenSet } from "../../src/serving";
import { createTestForecastService, type TestService } from "./testForecastService";

export interface TestServer extends TestService {
  readonly url: string;
  readonly server: RunningServer;
  /** A token per scope. */
  readonly tokens: { readonly read: string; readonly forecast: string; readonly admin: string };
  /** Every log line so far, raw. */
  readonly logs: string[];
  /** fetch on the server; `token` sent as a bearer token, a `json` body sent as JSON. */
  call(path: string, init?: CallInit): Promise<Response>;
  close(): Promise<void>;
}

export interface CallInit {
  method?: string;
  token?: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const tokens = {
    read: randomBytes(24).toString("hex"),
    forecast: randomBytes(24).toString("hex"),
    admin: randomBytes(24).toString("hex"),
  };
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const test = createTestForecastService();
  const server = await startServer({
    service: test.service,
    tokens: TokenSet.of([
      { name: "reader", scopes: ["read"], token: tokens.read },
      { name: "forecaster", scopes: ["forecast"], token: tokens.forecast },
      { name: "operator", scopes: ["admin"], token: tokens.admin },
    ]),
    logger: { level: "trace", stream },
    ...options,
    host: "127.0.0.1",
    port: 0,
  });
  const call = (path: string, init: CallInit = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.json !== undefined) headers["content-type"] = "application/json";
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    return fetch(`${server.url}${path}`, {
      method: init.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
    });
  };
  return { ...test, url: server.url, server, tokens, logs, call, close: () => server.close() };
}

/** A response's JSON body, read as the type the route answers. */
export async function jsonOf<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** The error body's fields, for assertions. */
export async function errorOf(res: Response): Promise<{ code: string; message: string; field?: string }> {
  const body = (await res.json()) as { error: { code: string; message: string; field?: string } };
  return body.error;
}
