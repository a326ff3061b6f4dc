import type { ServerResponse } from 'node:http';
import {
  BasicReply,
  basicReplies,
  FakeHttpGateway,
  RecordedGatewayRequest,
  sendJson,
} from './fake-http-gateway';

/** Aakash's refusal messages (`{"error":true,"message":…}`). */
export const AAKASH_REFUSALS = {
  badToken: 'The provided Auth Token is not valid.',
  noBalance: 'Not enough balance.',
  missingTo: 'The to field is required.',
} as const;
export type AakashRefusalName = keyof typeof AAKASH_REFUSALS;

/** How the fake answers one request. Build them with `aakashReplies`. */
export type AakashReply =
  /** What Aakash answers when nothing goes wrong on the way (after its own checks). */
  | { kind: 'success'; id?: number; network?: string }
  | { kind: 'refuse'; status: number; message: string }
  /** `error: false`, the number in `data.invalid`, nothing queued. */
  | { kind: 'invalid-number' };

export const aakashReplies = {
  ...basicReplies,
  /** Queued, with this id and network instead of the fake's own. */
  success: (options: { id?: number; network?: string } = {}): AakashReply => ({
    kind: 'success',
    ...options,
  }),
  /** `{"error":true,"message":…}`, with HTTP 200 (as Aakash usually does) or a 4xx. */
  refuse: (name: AakashRefusalName, status = 200): AakashReply => ({
    kind: 'refuse',
    status,
    message: AAKASH_REFUSALS[name],
  }),
  /** A refusal with any message. */
  refuseWith: (message: string, status = 200): AakashReply => ({ kind: 'refuse', status, message }),
  invalidNumber: (): AakashReply => ({ kind: 'invalid-number' }),
  /** Answers success only after `delayMs`. */
  slow: (delayMs: number, then: AakashReply | BasicReply = { kind: 'success' }): BasicReply =>
    basicReplies.slow(delayMs, then),
  /** 200 headers, then a success body one byte every `intervalMs`. */
  drip: (intervalMs: number): BasicReply =>
    basicReplies.drip(intervalMs, JSON.stringify(queuedBody(1, '9812345678', 'x', 'ntc'))),
};

export interface FakeAakashOptions {
  /** When set, any other token is refused with "The provided Auth Token is not valid.". */
  token?: string;
  /** Credits left; at 0 a send is refused with "Not enough balance.". */
  balance?: number;
  /** Keep every request in `requests` (turn off for long load runs). */
  record?: boolean;
}

/**
 * A stand-in for Aakash SMS's v3 HTTP API (`POST /sms/v3/send`) on 127.0.0.1: checks fields and
 * token as Aakash does, records each request with its form fields, and can be told to refuse,
 * list the number as invalid, answer garbage, 5xx, slowly, or reset; `stop()` closes the port.
 */
export class FakeAakashServer extends FakeHttpGateway<AakashReply> {
  balance: number;
  private readonly token?: string;
  private nextId = 1001;

  constructor(options: FakeAakashOptions = {}) {
    super({ kind: 'success' }, options.record ?? true);
    this.token = options.token;
    this.balance = options.balance ?? 1000;
  }

  /** Only the SMS posts. */
  get smsRequests(): RecordedGatewayRequest[] {
    return this.requests.filter((request) => request.path === '/sms/v3/send');
  }

  protected answerVendor(
    request: RecordedGatewayRequest,
    reply: AakashReply,
    res: ServerResponse,
  ): void {
    const { to = '', text = '' } = request.fields;
    switch (reply.kind) {
      case 'refuse':
        return sendJson(res, reply.status, { error: true, message: reply.message, data: [] });
      case 'invalid-number':
        return sendJson(res, 200, invalidBody(to, text));
      case 'success':
        return this.route(request, reply, res);
    }
  }

  private route(
    request: RecordedGatewayRequest,
    reply: { id?: number; network?: string },
    res: ServerResponse,
  ): void {
    if (request.path !== '/sms/v3/send' || request.method !== 'POST') {
      return sendJson(res, 404, { error: true, message: 'Not found.' });
    }
    const { auth_token: token, to, text } = request.fields;
    for (const [field, value] of Object.entries({ auth_token: token, to, text })) {
      if (!value) return refuse(res, `The ${field} field is required.`);
    }
    if (this.token !== undefined && token !== this.token) {
      return refuse(res, AAKASH_REFUSALS.badToken);
    }
    if (!/^9\d{9}$/.test(to)) return sendJson(res, 200, invalidBody(to, text));
    if (this.balance <= 0) return refuse(res, AAKASH_REFUSALS.noBalance);
    this.balance -= 1;
    const id = reply.id ?? this.nextId++;
    return sendJson(res, 200, queuedBody(id, to, text, reply.network ?? networkOf(to)));
  }
}

function refuse(res: ServerResponse, message: string): void {
  sendJson(res, 200, { error: true, message, data: [] });
}

function queuedBody(id: number, mobile: string, text: string, network: string) {
  return {
    error: false,
    message: '1 messages has been queued for delivery',
    data: {
      valid: [{ id, mobile, text, credit: 1, network, status: 'queued' }],
      invalid: [],
    },
  };
}

function invalidBody(mobile: string, text: string) {
  return {
    error: false,
    message: '0 messages has been queued for delivery',
    data: {
      valid: [],
      invalid: [{ mobile, text, credit: 0, network: 'N/A', status: 'aborted' }],
    },
  };
}

/** Ncell numbers start 980–982; the rest of the fake's numbers are NTC's. */
function networkOf(mobile: string): string {
  return /^98[0-2]/.test(mobile) ? 'ncell' : 'ntc';
}
