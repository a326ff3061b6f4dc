import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';

/**
 * HTTP clients for tests that must send what supertest would refuse or tidy up: duplicate
 * headers, latin-1 header values, raw byte bodies with any content type, malformed request lines.
 */

export interface RawRequest {
  method: string;
  /** Sent as is (already percent-encoded where it needs to be). */
  path: string;
  /** Name/value pairs, in order; a name may repeat. */
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** From the first byte written to the last byte read. */
  elapsedMs: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Destroys the keep-alive sockets, so the app under test can close without waiting for them. */
export function closeRawAgent(): void {
  agent.destroy();
}

/** One request through node:http (so framing is valid), with a hard client-side deadline. */
export function sendRaw(baseUrl: string, raw: RawRequest, timeoutMs = 5000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const flat: string[] = [];
  // with headers given as a list, node:http adds no Host header of its own
  if (!(raw.headers ?? []).some(([n]) => /^host$/i.test(n))) flat.push('host', url.host);
  for (const [name, value] of raw.headers ?? []) flat.push(name, value);
  if (raw.body !== undefined && !(raw.headers ?? []).some(([n]) => /^content-length$/i.test(n))) {
    flat.push('content-length', String(raw.body.length));
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers: flat,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            elapsedMs: performance.now() - started,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(raw.body);
  });
}

export interface SocketResponse {
  status: number;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: Buffer;
  elapsedMs: number;
  /** Milliseconds from the first byte written until the server closed the connection. */
  closedAfterMs: number;
}

/**
 * Writes `bytes` on a fresh TCP connection and reads until the server closes it (or `timeoutMs`
 * passes), then parses the first response. For request lines and headers node:http cannot send.
 * `writes` after the first are sent `gapMs` apart, for slow or stalling clients.
 */
export function sendOverSocket(
  baseUrl: string,
  writes: Buffer | Buffer[],
  options: { timeoutMs?: number; gapMs?: number } = {},
): Promise<SocketResponse> {
  const { timeoutMs = 5000, gapMs = 0 } = options;
  const parts = Array.isArray(writes) ? writes : [writes];
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let started = 0;
    let firstByteAt: number | undefined;
    const timers: NodeJS.Timeout[] = [];
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not close the connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => {
      started = performance.now();
      parts.forEach((part, index) => {
        const write = () => {
          if (!socket.destroyed && socket.writable) socket.write(part);
        };
        if (index === 0) write();
        else timers.push(setTimeout(write, index * gapMs));
      });
    });
    socket.on('data', (chunk: Buffer) => {
      firstByteAt ??= performance.now();
      chunks.push(chunk);
    });
    socket.on('error', () => {
      // a reset after the answer is the server closing hard; 'close' follows and reports it
    });
    socket.on('close', () => {
      clearTimeout(deadline);
      for (const timer of timers) clearTimeout(timer);
      const closedAfterMs = performance.now() - started;
      const parsed = parseResponse(Buffer.concat(chunks));
      resolve({
        ...parsed,
        elapsedMs: (firstByteAt ?? performance.now()) - started,
        closedAfterMs,
      });
    });
  });
}

function parseResponse(data: Buffer): Pick<SocketResponse, 'status' | 'headers' | 'body'> {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: data };
  const [statusLine, ...headerLines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(end + 4);
  const length = Number(headers['content-length']);
  if (Number.isInteger(length)) body = body.subarray(0, length);
  else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = unchunk(body);
  return { status, headers, body };
}

function unchunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}
