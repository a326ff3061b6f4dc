import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Ways any fake gateway can answer, or fail to. Vendor fakes add their own answers. */
export type BasicReply =
  | { kind: 'raw'; status: number; body: string; contentType: string }
  /** Reads the request, then answers `then` after `delayMs` (set it above the client's timeout). */
  | { kind: 'slow'; delayMs: number; then: { kind: string } }
  /** Sends 200 headers at once, then `body` one byte every `intervalMs`. */
  | { kind: 'drip'; intervalMs: number; body: string }
  /** Reads the whole request, then destroys the socket without answering. */
  | { kind: 'reset' };

export const basicReplies = {
  raw: (status: number, body: string, contentType = 'application/json'): BasicReply => ({
    kind: 'raw',
    status,
    body,
    contentType,
  }),
  serverError: (status = 500): BasicReply =>
    basicReplies.raw(status, '<html><body><h1>Server Error</h1></body></html>', 'text/html'),
  /** HTTP 200 with an HTML page, as a captive portal or a misrouted proxy answers. */
  html: (): BasicReply =>
    basicReplies.raw(
      200,
      '<!DOCTYPE html><html><body>Welcome to nginx!</body></html>',
      'text/html',
    ),
  slow: <R extends { kind: string }>(delayMs: number, then: R): BasicReply => ({
    kind: 'slow',
    delayMs,
    then,
  }),
  drip: (intervalMs: number, body = '{"error":false}'): BasicReply => ({
    kind: 'drip',
    intervalMs,
    body,
  }),
  reset: (): BasicReply => ({ kind: 'reset' }),
};

const BASIC_KINDS = new Set(['raw', 'slow', 'drip', 'reset']);

export interface RecordedGatewayRequest {
  method: string;
  /** The path without the query string, e.g. `/sms/v3/send`. */
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** The form fields of a urlencoded body (empty for any other content type). */
  fields: Record<string, string>;
  body: string;
}

/**
 * A stand-in for a gateway's HTTP API on 127.0.0.1, so the real adapter code (HTTP client, forms,
 * timeouts, resets) runs in tests: records each request, answers queued replies in order, then
 * the standing one. `stop()` closes the port, so the same `url` then refuses connections.
 */
export abstract class FakeHttpGateway<VendorReply extends { kind: string }> {
  readonly requests: RecordedGatewayRequest[] = [];
  private everyReply: VendorReply | BasicReply;
  private readonly nextReplies: Array<VendorReply | BasicReply> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server?: Server;
  private baseUrl?: string;
  private opened = 0;

  protected constructor(
    private readonly standingReply: VendorReply,
    private readonly record = true,
  ) {
    this.everyReply = standingReply;
  }

  /** http://127.0.0.1:<port>, to use as the gateway's base URL. */
  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.constructor.name} is not started`);
    return this.baseUrl;
  }

  /** TCP connections accepted so far: with keep-alive, far fewer than requests. */
  get connectionsOpened(): number {
    return this.opened;
  }

  async start(): Promise<{ url: string }> {
    const server = createServer((req, res) => this.receive(req, res));
    server.on('connection', () => this.opened++);
    // Longer than Node's client-side idle timeout, so the client, not us, closes idle sockets:
    // a socket we closed just as the client reused it would look like a reset.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url: this.baseUrl };
  }

  /** Closes every connection, including idle keep-alive ones, so the port refuses afterwards. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** How every request is answered from now on (after any queued with respondNextWith). */
  respondWith(reply: VendorReply | BasicReply): void {
    this.everyReply = reply;
  }

  /** Answer the next requests with these, one each, in order. */
  respondNextWith(...replies: Array<VendorReply | BasicReply>): void {
    this.nextReplies.push(...replies);
  }

  /** Forget recorded requests and queued replies; answer with the standing reply again. */
  reset(): void {
    this.requests.length = 0;
    this.nextReplies.length = 0;
    this.everyReply = this.standingReply;
  }

  /** Answers a vendor reply (anything but the basic ones). */
  protected abstract answerVendor(
    request: RecordedGatewayRequest,
    reply: VendorReply,
    res: ServerResponse,
  ): void;

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = parseRequest(req, Buffer.concat(chunks).toString('utf8'));
      if (this.record) this.requests.push(request);
      this.answer(request, this.nextReplies.shift() ?? this.everyReply, req, res);
    });
  }

  private answer(
    request: RecordedGatewayRequest,
    reply: VendorReply | BasicReply,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    if (!isBasic(reply)) return this.answerVendor(request, reply, res);
    switch (reply.kind) {
      case 'raw':
        res.writeHead(reply.status, { 'content-type': reply.contentType });
        res.end(reply.body);
        return;
      case 'slow':
        return this.later(reply.delayMs, () => {
          if (!res.destroyed)
            this.answer(request, reply.then as VendorReply | BasicReply, req, res);
        });
      case 'drip':
        return this.drip(res, reply.body, reply.intervalMs);
      case 'reset':
        req.socket.destroy();
        return;
    }
  }

  private drip(res: ServerResponse, body: string, intervalMs: number): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    let sent = 0;
    const next = () => {
      if (res.destroyed) return;
      res.write(body[sent++]);
      if (sent === body.length) res.end();
      else this.later(intervalMs, next);
    };
    next();
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }
}

function isBasic(reply: { kind: string }): reply is BasicReply {
  return BASIC_KINDS.has(reply.kind);
}

function parseRequest(req: IncomingMessage, body: string): RecordedGatewayRequest {
  const url = new URL(req.url ?? '/', 'http://fake-gateway');
  const contentType = req.headers['content-type'];
  const isForm = contentType?.split(';')[0].trim() === 'application/x-www-form-urlencoded';
  return {
    method: req.method ?? '',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    contentType,
    fields: isForm ? Object.fromEntries(new URLSearchParams(body)) : {},
    body,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
