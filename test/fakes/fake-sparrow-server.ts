import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_SECRETS } from '../support/test-secrets';

/** Sparrow's refusal codes with the kind of message its API sends for each. */
export const SPARROW_REFUSALS = {
  1000: 'A required field is missing',
  1001: 'Invalid IP Address',
  1002: 'Invalid Token',
  1003: 'Account Inactive',
  1004: 'Account Inactive',
  1005: 'Account has been expired',
  1006: 'Account has been expired',
  1007: 'Invalid Receiver',
  1008: 'Invalid Sender',
  1009: 'Request refused',
  1010: 'Text cannot be empty',
  1011: 'No valid receiver',
  1012: 'No Credits Available',
  1013: 'Insufficient Credits',
} as const;
export type SparrowRefusalCode = keyof typeof SPARROW_REFUSALS;

/** How the fake answers one request. Build them with `sparrowReplies`. */
export type SparrowReply =
  | { kind: 'success'; messageId?: string }
  | { kind: 'refuse'; code: number; message: string }
  | { kind: 'raw'; status: number; body: string; contentType: string }
  | { kind: 'slow'; delayMs: number; then: SparrowReply }
  | { kind: 'drip'; intervalMs: number }
  | { kind: 'reset' };

export const sparrowReplies = {
  /** 200 and response_code 200 (SMS queued / the credit balance), after Sparrow's own checks. */
  success: (options: { messageId?: string } = {}): SparrowReply => ({
    kind: 'success',
    ...options,
  }),
  /** HTTP 403 `{"response_code": code, "response": message}`, as Sparrow refuses. */
  refuse: (code: SparrowRefusalCode): SparrowReply => ({
    kind: 'refuse',
    code,
    message: SPARROW_REFUSALS[code],
  }),
  /** HTTP 200 whose JSON carries a refusal code instead of 200. */
  okWithResponseCode: (code: number, message = 'Not queued'): SparrowReply =>
    raw(200, JSON.stringify({ response_code: code, response: message })),
  serverError: (status = 500): SparrowReply =>
    raw(status, '<html><body><h1>Internal Server Error</h1></body></html>', 'text/html'),
  /** HTTP 200 with an HTML page, as a captive portal or a misrouted proxy answers. */
  html: (): SparrowReply =>
    raw(200, '<!DOCTYPE html><html><body>Welcome to nginx!</body></html>', 'text/html'),
  raw,
  /** Answers `then` only after `delayMs`: set it above the client's timeout. */
  slow: (delayMs: number, then: SparrowReply = { kind: 'success' }): SparrowReply => ({
    kind: 'slow',
    delayMs,
    then,
  }),
  /** Sends 200 headers at once, then the body one byte every `intervalMs` (a slow-dripping body). */
  drip: (intervalMs: number): SparrowReply => ({ kind: 'drip', intervalMs }),
  /** Reads the whole request, then destroys the socket without answering. */
  reset: (): SparrowReply => ({ kind: 'reset' }),
};

function raw(status: number, body: string, contentType = 'application/json'): SparrowReply {
  return { kind: 'raw', status, body, contentType };
}

export interface RecordedSparrowRequest {
  method: string;
  /** The path without the query string, e.g. `/v2/sms/`. */
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** The form fields of a urlencoded body (empty for any other content type). */
  fields: Record<string, string>;
  body: string;
}

export interface FakeSparrowOptions {
  /** When set, any other token is refused with 1002, as Sparrow does. */
  token?: string;
  /** `credits_available` answered on `GET /v2/credit/`. */
  credits?: number;
  /** Keep every request in `requests` (turn off for long load runs). */
  record?: boolean;
}

/**
 * A stand-in for Sparrow SMS's HTTP API on 127.0.0.1, so the real adapter code (HTTP client, forms,
 * timeouts, resets) runs in tests. Dependency-free and keep-alive friendly, for benchmarks too.
 */
export class FakeSparrowServer {
  readonly requests: RecordedSparrowRequest[] = [];
  credits: number;
  private readonly token?: string;
  private readonly record: boolean;
  private everyReply: SparrowReply = { kind: 'success' };
  private readonly nextReplies: SparrowReply[] = [];
  private readonly nextCreditReplies: SparrowReply[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server?: Server;
  private baseUrl?: string;
  private opened = 0;

  constructor(options: FakeSparrowOptions = {}) {
    this.token = options.token;
    this.credits = options.credits ?? 1000;
    this.record = options.record ?? true;
  }

  /** http://127.0.0.1:<port>, to use as SPARROW_BASE_URL. */
  get url(): string {
    if (!this.baseUrl) throw new Error('FakeSparrowServer is not started');
    return this.baseUrl;
  }

  /** The app's environment for its real Sparrow adapter to talk to this server (a real gateway needs the secrets). */
  appEnv(): Record<string, string> {
    if (!this.token) throw new Error('FakeSparrowServer needs a token to configure the app');
    return {
      ...TEST_SECRETS,
      SMS_GATEWAY: 'sparrow',
      SPARROW_BASE_URL: this.url,
      SPARROW_TOKEN: this.token,
      SPARROW_FROM: 'Example',
    };
  }

  /** TCP connections accepted so far: with keep-alive, far fewer than requests. */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** Only the SMS posts (not credit queries). */
  get smsRequests(): RecordedSparrowRequest[] {
    return this.requests.filter((request) => request.path === '/v2/sms/');
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
  respondWith(reply: SparrowReply): void {
    this.everyReply = reply;
  }

  /** Answer the next SMS posts with these, one each, in order. */
  respondNextWith(...replies: SparrowReply[]): void {
    this.nextReplies.push(...replies);
  }

  /**
   * Answer the next credit queries with these. A queue of its own: the service checks balances
   * in the background, and such a check must not take a reply a test meant for an SMS.
   */
  respondNextCreditQueryWith(...replies: SparrowReply[]): void {
    this.nextCreditReplies.push(...replies);
  }

  /** Forget recorded requests and queued replies; answer with success again. */
  reset(): void {
    this.requests.length = 0;
    this.nextReplies.length = 0;
    this.nextCreditReplies.length = 0;
    this.everyReply = { kind: 'success' };
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = parseRequest(req, Buffer.concat(chunks).toString('utf8'));
      if (this.record) this.requests.push(request);
      const queue = request.path === '/v2/credit/' ? this.nextCreditReplies : this.nextReplies;
      this.answer(request, queue.shift() ?? this.everyReply, req, res);
    });
  }

  private answer(
    request: RecordedSparrowRequest,
    reply: SparrowReply,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    switch (reply.kind) {
      case 'success':
        return this.route(request, reply.messageId, res);
      case 'refuse':
        return sendJson(res, 403, { response_code: reply.code, response: reply.message });
      case 'raw':
        res.writeHead(reply.status, { 'content-type': reply.contentType });
        res.end(reply.body);
        return;
      case 'slow':
        return this.later(reply.delayMs, () => {
          if (!res.destroyed) this.answer(request, reply.then, req, res);
        });
      case 'drip':
        return this.drip(res, reply.intervalMs);
      case 'reset':
        req.socket.destroy();
        return;
    }
  }

  /** What Sparrow itself answers when nothing goes wrong on the way. */
  private route(
    request: RecordedSparrowRequest,
    messageId: string | undefined,
    res: ServerResponse,
  ) {
    if (request.path === '/v2/credit/' && request.method === 'GET') {
      if (!this.tokenAccepted(request.query.token)) return refuse(res, 1002);
      return sendJson(res, 200, {
        credits_available: this.credits,
        credits_consumed: 10,
        last_balance_added: 1000,
        response_code: 200,
      });
    }
    if (request.path === '/v2/sms/' && request.method === 'POST') {
      const { token, from, to, text } = request.fields;
      if (token === undefined || from === undefined || to === undefined || text === undefined) {
        return refuse(res, 1000);
      }
      if (!this.tokenAccepted(token)) return refuse(res, 1002);
      if (text === '') return refuse(res, 1010);
      if (!/^9\d{9}$/.test(to)) return refuse(res, 1007);
      return sendJson(res, 200, {
        count: 1,
        response_code: 200,
        response: '1 mesages has been queued for delivery',
        ...(messageId === undefined ? {} : { message_id: messageId }),
      });
    }
    return sendJson(res, 404, { detail: 'Not found' });
  }

  private tokenAccepted(token: string | undefined): boolean {
    return this.token === undefined || token === this.token;
  }

  private drip(res: ServerResponse, intervalMs: number): void {
    const body = JSON.stringify({ count: 1, response_code: 200, response: 'queued' });
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

function parseRequest(req: IncomingMessage, body: string): RecordedSparrowRequest {
  const url = new URL(req.url ?? '/', 'http://fake-sparrow');
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

function refuse(res: ServerResponse, code: SparrowRefusalCode): void {
  sendJson(res, 403, { response_code: code, response: SPARROW_REFUSALS[code] });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
