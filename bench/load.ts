import autocannon from 'autocannon';

/** One HTTP request as a workload builds it. */
export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * A stream of requests for one scenario: `next()` is called for every request autocannon sends
 * (through its per-request `setupRequest` hook), `onResponse` for every answer.
 */
export interface Workload {
  readonly name: string;
  /** The status every request should get; anything else is counted as unexpected. */
  readonly expectedStatus: number;
  next(): BenchRequest;
  onResponse?(status: number, body: string): void;
  /** Requests that found no fresh fixture (e.g. no unused verification left) and reused one. */
  readonly ranOut: number;
}

export interface LoadOptions {
  /** One base URL per app instance; the connections are split between them. */
  readonly urls: readonly string[];
  readonly connections: number;
  readonly durationSeconds: number;
  /** Stop after this many requests instead of after `durationSeconds`. */
  readonly amount?: number;
  /** Requests per second over all connections (soak); unset: as fast as the app answers. */
  readonly overallRate?: number;
  readonly timeoutSeconds?: number;
}

export interface LoadResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Connection errors and timeouts (no HTTP answer at all). */
  errors: number;
  timeouts: number;
  /** Answers whose status was not the expected one. */
  unexpected: number;
  /** `"400 INVALID_CODE": 12` — status and, for problem documents, their `code`. */
  statusMix: Record<string, number>;
  '5xx': number;
}

/**
 * Runs autocannon against every URL at once with `connections` split evenly, and sums the
 * results (req/s add up; p50/p99 are the worst instance's, which is conservative).
 */
export async function runLoad(workload: Workload, options: LoadOptions): Promise<LoadResult> {
  const statusMix: Record<string, number> = {};
  const record = (status: number, body: string) => {
    workload.onResponse?.(status, body);
    const key = status === workload.expectedStatus ? String(status) : describe(status, body);
    statusMix[key] = (statusMix[key] ?? 0) + 1;
  };
  const shares = split(options.connections, options.urls.length);
  const amounts = options.amount ? split(options.amount, options.urls.length) : [];
  const rates = options.overallRate
    ? split(options.overallRate, options.urls.length)
    : options.urls.map(() => undefined);
  const results = await Promise.all(
    options.urls.map((url, i) =>
      autocannon({
        url,
        connections: shares[i],
        duration: options.durationSeconds,
        timeout: options.timeoutSeconds ?? 10,
        ...(rates[i] ? { overallRate: rates[i] } : {}),
        ...(amounts[i] ? { amount: amounts[i] } : {}),
        requests: [
          {
            setupRequest: (request) => {
              const next = workload.next();
              request.method = next.method;
              request.path = next.path;
              request.headers = next.headers;
              request.body = next.body;
              return request;
            },
            onResponse: (status, body) => record(status, body),
          },
        ],
      }),
    ),
  );
  const requests = sum(results.map((r) => r.requests.total));
  const durationSeconds = Math.max(...results.map((r) => r.duration));
  const worst = (pick: (r: autocannon.Result) => number) => Math.max(...results.map(pick));
  const expected = statusMix[String(workload.expectedStatus)] ?? 0;
  const answered = sum(Object.values(statusMix));
  return {
    requests,
    durationSeconds,
    requestsPerSecond: requests / durationSeconds,
    latencyMs: {
      mean: sum(results.map((r) => r.latency.mean * r.requests.total)) / Math.max(1, requests),
      p50: worst((r) => r.latency.p50),
      p90: worst((r) => r.latency.p90),
      p99: worst((r) => r.latency.p99),
      max: worst((r) => r.latency.max),
    },
    errors: sum(results.map((r) => r.errors)),
    timeouts: sum(results.map((r) => r.timeouts)),
    unexpected: answered - expected,
    statusMix,
    '5xx': sum(results.map((r) => r['5xx'])),
  };
}

/** One request of the workload, sent alone (diagnostics); throws on an unexpected status. */
export async function sendOne(baseUrl: string, workload: Workload): Promise<void> {
  const request: BenchRequest = workload.next();
  const response = await fetch(baseUrl + request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const body = await response.text();
  workload.onResponse?.(response.status, body);
  if (response.status !== workload.expectedStatus) {
    throw new Error(`${request.method} ${request.path}: ${response.status} ${body}`);
  }
}

/** `status CODE` for problem documents, else the status alone. */
function describe(status: number, body: string): string {
  const code = /"code":"([A-Z_]+)"/.exec(body)?.[1];
  return code ? `${status} ${code}` : String(status);
}

function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
