import { ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  ConnectionLedger,
  LedgerHttpAgent,
  LedgerHttpsAgent,
  SocketHistory,
} from './connection-ledger';

/** One request to a gateway's API. */
export interface GatewayRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as an `application/x-www-form-urlencoded` body. */
  form?: Record<string, string>;
  /** Query string parameters. */
  query?: Record<string, string>;
}

/**
 * One exchange with a gateway, reduced to facts that are safe to log. Errors can carry the
 * request (the token is in the form or the query string), so they never leave this file: callers
 * get a parsed answer, or a reason built from the error's code alone.
 */
export type GatewayExchange =
  /** A JSON object with a status below 500: the gateway's own answer, for the adapter to read. */
  | { kind: 'answered'; httpStatus: number; json: Record<string, unknown> }
  /** Not one byte of the request left this process: nothing can have been sent. */
  | { kind: 'unreached'; reason: string }
  /** The request was written, and what came back (if anything) cannot be trusted. */
  | { kind: 'unknown'; reason: string; httpStatus?: number; json?: Record<string, unknown> };

export interface GatewayHttpOptions {
  /** Trust only these CAs for https gateways (a private CA in staging). Node's bundle by default. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** How gateway host names are resolved (a caching resolver, say). `dns.lookup` by default. */
  lookup?: LookupFunction;
}

// Gateways answer in a few hundred bytes; anything much larger is not an answer.
const MAX_RESPONSE_BYTES = 64 * 1024;
// As Node's global agent: idle connections are kept (a TLS handshake per SMS is wasted CPU) and
// closed after 5 s, before the gateway's own idle timeout can race a new request on them.
const KEEP_ALIVE = { keepAlive: true, scheduling: 'lifo', timeout: 5000 } as const;

// Error codes that name the step that failed; everything else is reported by its code alone.
const RESOLVE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/** How a request ended: a whole answer, or an error and whether an answer had begun. */
type RoundTrip =
  | { kind: 'answer'; status: number; body: string }
  | {
      kind: 'failed';
      error: unknown;
      request: ClientRequest | undefined;
      answerBegan: boolean;
      timedOut: boolean;
    };

/**
 * The HTTP exchange both vendor adapters share, on Node's own http client: a bound on the whole
 * exchange, a response size cap, no redirects, and the body parsed here. (Not axios through
 * @nestjs/axios, as before: its request path cost a send a sixth of its CPU, docs/performance.md,
 * "The gateway call"; none of what it adds — interceptors, transforms, redirects — was used.)
 * Its one subtle job is to say whether a failed request was *unreached* (safe to send elsewhere)
 * or *unknown* (the SMS may be on its way). That is read from the socket's own history, kept by
 * agents of our own (see ConnectionLedger), never guessed from error codes: a refused
 * connection, a failed DNS lookup or a connect cut short by the timeout left nothing on the
 * wire; once the socket connected, the request went out with it.
 *
 * Kept-alive connections have one blind spot, resolved towards unknown: a request written on an
 * idle connection at the instant the gateway closes it fails just as a request the gateway read
 * and then dropped, and nothing on this side tells the two apart. Idle connections are closed
 * after 5 s (sooner when the gateway's Keep-Alive header asks), well before gateways' own idle
 * timeouts, so this takes a gateway restart at that very instant.
 */
export class GatewayHttp {
  private readonly ledger = new ConnectionLedger();
  private readonly httpAgent: LedgerHttpAgent;
  private readonly httpsAgent: LedgerHttpsAgent;

  constructor(options: GatewayHttpOptions = {}) {
    const connection = { ...KEEP_ALIVE, ...(options.lookup ? { lookup: options.lookup } : {}) };
    this.httpAgent = new LedgerHttpAgent(this.ledger, connection);
    this.httpsAgent = new LedgerHttpsAgent(this.ledger, {
      ...connection,
      ...(options.ca ? { ca: options.ca } : {}),
    });
  }

  async exchange(request: GatewayRequest, timeoutMs: number): Promise<GatewayExchange> {
    const trip = await this.roundTrip(request, timeoutMs);
    if (trip.kind === 'failed') return this.failure(trip, timeoutMs);
    const { status } = trip;
    const json = parseJsonObject(trip.body);
    if (status >= 500)
      return { kind: 'unknown', reason: `HTTP ${status}`, httpStatus: status, json };
    if (!json) {
      return {
        kind: 'unknown',
        reason: `an unreadable answer (HTTP ${status})`,
        httpStatus: status,
      };
    }
    return { kind: 'answered', httpStatus: status, json };
  }

  /** Closes the idle keep-alive connections (at shutdown). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** One request and its whole answer, or how it failed; never rejects. */
  private roundTrip(request: GatewayRequest, timeoutMs: number): Promise<RoundTrip> {
    return new Promise<RoundTrip>((resolve) => {
      // bounds the whole exchange: a body that drips in cannot keep it alive
      const signal = AbortSignal.timeout(timeoutMs);
      let sent: ClientRequest | undefined;
      let answerBegan = false;
      let settled = false;
      const settle = (trip: RoundTrip) => {
        settled = true;
        resolve(trip);
      };
      // once settled, a late error changes nothing (and its socket may serve another request)
      const fail = (error: unknown) => {
        if (settled) return;
        sent?.destroy();
        settle({ kind: 'failed', error, request: sent, answerBegan, timedOut: signal.aborted });
      };
      try {
        const url = new URL(request.url);
        for (const [name, value] of Object.entries(request.query ?? {})) {
          url.searchParams.append(name, value);
        }
        const body = request.form ? new URLSearchParams(request.form).toString() : undefined;
        const https = url.protocol === 'https:';
        sent = (https ? httpsRequest : httpRequest)(url, {
          method: request.method,
          agent: https ? this.httpsAgent : this.httpAgent,
          headers: {
            accept: 'application/json',
            ...(body === undefined
              ? {}
              : {
                  'content-type': 'application/x-www-form-urlencoded',
                  'content-length': Buffer.byteLength(body),
                }),
          },
          signal,
        });
        // `on`, not `once`: an error after the first (a destroyed socket's) must not go unhandled
        sent.on('error', fail);
        sent.on('response', (answer: IncomingMessage) => {
          answerBegan = true;
          readBody(answer, fail, (text) => {
            if (!settled) settle({ kind: 'answer', status: answer.statusCode ?? 0, body: text });
          });
        });
        sent.end(body);
      } catch (error) {
        fail(error); // a URL or header Node refuses: nothing was made, nothing sent
      }
    });
  }

  private failure(trip: Extract<RoundTrip, { kind: 'failed' }>, timeoutMs: number) {
    const code = errorCode(trip.error);
    if (this.socketHistory(trip) === 'never-ready') {
      let reason = code ? `the connection failed (${code})` : 'the connection failed';
      if (trip.timedOut) reason = `no connection within ${timeoutMs} ms`;
      else if (code && RESOLVE_CODES.has(code)) reason = `the host name did not resolve (${code})`;
      else if (code) reason = `could not connect (${code})`;
      return { kind: 'unreached', reason } satisfies GatewayExchange;
    }
    let reason = code ? `the exchange failed (${code})` : 'the exchange failed';
    if (trip.timedOut) reason = `no complete answer within ${timeoutMs} ms`;
    else if (trip.answerBegan) reason = 'the answer was cut off or too large';
    return { kind: 'unknown', reason } satisfies GatewayExchange;
  }

  /**
   * Where the failed request's bytes could have gone. `never-ready` only on positive evidence:
   * no request was made, the request never got a socket (Node writes nothing then), or it got
   * one of our sockets that never connected.
   */
  private socketHistory(trip: Extract<RoundTrip, { kind: 'failed' }>): SocketHistory {
    if (trip.answerBegan) return 'ready'; // an answer began: the request certainly went out
    if (!trip.request) return 'never-ready';
    // null until the agent hands the request a socket: Node writes nothing before that
    const socket = trip.request.socket;
    if (!socket) return 'never-ready';
    return this.ledger.history(socket);
  }
}

/**
 * Collects an answer's body up to MAX_RESPONSE_BYTES; more than that, or a body cut off before
 * its end, is a failure.
 */
function readBody(
  answer: IncomingMessage,
  fail: (error: unknown) => void,
  done: (text: string) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  answer.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      fail(new Error('the answer is larger than any gateway sends'));
      return;
    }
    chunks.push(chunk);
  });
  answer.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
  answer.on('error', fail);
  answer.on('close', () => {
    if (!answer.complete) fail(new Error('the answer was cut off'));
  });
}

/** Only a short upper-case code (ECONNRESET, ERR_CANCELED …) is taken from an error, nothing else. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code) ? code : undefined;
}

function parseJsonObject(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}
