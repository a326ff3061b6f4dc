import { HttpService } from '@nestjs/axios';
import { isAxiosError } from 'axios';
import { ClientRequest } from 'node:http';
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
 * One exchange with a gateway, reduced to facts that are safe to log. Axios errors carry the
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
// axios `timeout` (ECONNABORTED, or ETIMEDOUT with clarifyTimeoutError) and our AbortSignal.
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/**
 * The HTTP exchange both vendor adapters share, on the module's axios instance: a bound on the
 * whole exchange, a response size cap, no redirects, and the body parsed here. Its one subtle
 * job is to say whether a failed request was *unreached* (safe to send elsewhere) or *unknown*
 * (the SMS may be on its way). That is read from the socket's own history, kept by agents of our
 * own (see ConnectionLedger), never guessed from error codes: a refused connection, a failed DNS
 * lookup or a connect cut short by the timeout left nothing on the wire; once the socket
 * connected, the request went out with it.
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

  constructor(
    private readonly http: HttpService,
    options: GatewayHttpOptions = {},
  ) {
    const connection = { ...KEEP_ALIVE, ...(options.lookup ? { lookup: options.lookup } : {}) };
    this.httpAgent = new LedgerHttpAgent(this.ledger, connection);
    this.httpsAgent = new LedgerHttpsAgent(this.ledger, {
      ...connection,
      ...(options.ca ? { ca: options.ca } : {}),
    });
  }

  async exchange(request: GatewayRequest, timeoutMs: number): Promise<GatewayExchange> {
    let status: number;
    let body: unknown;
    try {
      // The module's axios instance itself, not HttpService's Observable wrapper: rxjs and the
      // cancellation it runs after every completed request were a tenth of a send's CPU.
      const response = await this.http.axiosRef.request<unknown>({
        method: request.method,
        url: request.url,
        params: request.query,
        data: request.form ? new URLSearchParams(request.form).toString() : undefined,
        headers: {
          accept: 'application/json',
          ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        // Node's http module, whose requests and sockets the ledger understands (not fetch).
        adapter: 'http',
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        // `timeout` alone lets a body that drips in keep the exchange alive; the signal bounds it all.
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        // Parse the body here: an unreadable one is an answer to classify, not an exception.
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        // A redirected POST could be replayed elsewhere; no gateway redirects its API.
        maxRedirects: 0,
        maxContentLength: MAX_RESPONSE_BYTES,
      });
      status = response.status;
      body = response.data;
    } catch (error) {
      return this.failure(error, timeoutMs);
    }
    const json = parseJsonObject(body);
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

  private failure(error: unknown, timeoutMs: number): GatewayExchange {
    const code = errorCode(error);
    if (this.socketHistory(error) === 'never-ready') {
      let reason = code ? `the connection failed (${code})` : 'the connection failed';
      if (code && RESOLVE_CODES.has(code)) reason = `the host name did not resolve (${code})`;
      else if (code && TIMEOUT_CODES.has(code)) reason = `no connection within ${timeoutMs} ms`;
      else if (code) reason = `could not connect (${code})`;
      return { kind: 'unreached', reason };
    }
    let reason = code ? `the exchange failed (${code})` : 'the exchange failed';
    if (code && TIMEOUT_CODES.has(code)) reason = `no complete answer within ${timeoutMs} ms`;
    else if (code === 'ERR_BAD_RESPONSE') reason = 'the answer was cut off or too large';
    return { kind: 'unknown', reason };
  }

  /**
   * Where the failed request's bytes could have gone. `never-ready` only on positive evidence:
   * axios failed before it made a request (its http adapter attaches the request to every error
   * raised after making it), the request never got a socket (Node writes nothing then), or it got
   * one of our sockets that never connected.
   */
  private socketHistory(error: unknown): SocketHistory {
    if (!isAxiosError(error)) return 'untracked';
    if (error.response) return 'ready'; // an answer began: the request certainly went out
    const request: unknown = error.request;
    if (request === undefined || request === null) return 'never-ready';
    if (!(request instanceof ClientRequest)) return 'untracked';
    // null until the agent hands the request a socket: Node writes nothing before that
    const socket = request.socket;
    if (!socket) return 'never-ready';
    return this.ledger.history(socket);
  }
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
