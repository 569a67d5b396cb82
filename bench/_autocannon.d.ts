/** The part of autocannon 9's programmatic API the serving benchmark uses (it ships no types). */
declare module "autocannon" {
  interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    onResponse?: (status: number, body: string) => void;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    requests?: Request[];
  }
  interface Histogram {
    p50: number;
    p99: number;
    average: number;
  }
  interface Result {
    latency: Histogram;
    requests: { average: number; total: number };
    non2xx: number;
    errors: number;
    timeouts: number;
    duration: number;
  }
  interface Instance extends PromiseLike<Result> {
    on(event: "response", f: (client: unknown, status: number, bytes: number, ms: number) => void): Instance;
  }
  interface TrackOptions {
    renderProgressBar?: boolean;
    renderResultsTable?: boolean;
    renderLatencyTable?: boolean;
  }
  function autocannon(opts: Options): Instance;
  namespace autocannon {
    function track(instance: Instance, opts?: TrackOptions): void;
  }
  export default autocannon;
}
