import {
  FakeSparrowServer,
  SPARROW_REFUSALS,
  SparrowRefusalCode,
  sparrowReplies,
} from '../../../../test/fakes/fake-sparrow-server';
import { CountingGatewayHttp } from '../../../../test/fakes/counting-gateway-http';
import { RecordingLogger } from '../../../../test/fakes/recording-logger';
import { freePort } from '../../../../test/support/app-process';
import { SystemClock } from '../../../common/clock';
import { GatewayHttp } from '../gateway-http';
import { RefusalCause, SmsOutcome } from '../sms-gateway';
import { SparrowGateway } from './sparrow.gateway';
import { SparrowOptions } from './sparrow-options';

const TOKEN = 'v2_sparrow-secret-token-5d41402abc4b';
const TIMEOUT_MS = 300;
// The shared 2-core machine can be slow to fire a timer; a bound is still a bound.
const MARGIN_MS = 250;
const TO = '+9779812345678';
const NATIONAL = '9812345678';
const CODE = '482913';
const TEXT = `${CODE} is your Example verification code. It expires in 10 minutes.\n@example.com #${CODE}`;

const CAUSES: Record<SparrowRefusalCode, RefusalCause> = {
  1000: 'other',
  1001: 'account',
  1002: 'account',
  1003: 'account',
  1004: 'account',
  1005: 'account',
  1006: 'account',
  1007: 'number',
  1008: 'account',
  1009: 'other',
  1010: 'other',
  1011: 'number',
  1012: 'account',
  1013: 'account',
};
const OPERATOR_LINES: Record<SparrowRefusalCode, string> = {
  1000: 'a required field is missing',
  1001: "this server's IP is not allowed in Sparrow: add it in the Sparrow dashboard",
  1002: 'SPARROW_TOKEN is wrong',
  1003: 'inactive or expired',
  1004: 'inactive or expired',
  1005: 'inactive or expired',
  1006: 'inactive or expired',
  1007: 'receiver number',
  1008: 'SPARROW_FROM',
  1009: 'ask Sparrow support',
  1010: 'empty message text',
  1011: 'receiver number',
  1012: 'out of credits',
  1013: 'out of credits',
};

describe('SparrowGateway (over HTTP to a fake Sparrow)', () => {
  const sparrow = new FakeSparrowServer({ token: TOKEN });
  let logger: RecordingLogger;
  let http: GatewayHttp;
  let attempts: number;

  function gateway(options: Partial<SparrowOptions> = {}): SparrowGateway {
    return new SparrowGateway(
      http,
      { baseUrl: sparrow.url, token: TOKEN, from: 'TheAlert', timeoutMs: TIMEOUT_MS, ...options },
      new SystemClock(),
      logger,
    );
  }

  const send = (options: Partial<SparrowOptions> = {}): Promise<SmsOutcome> =>
    gateway(options).send({ to: TO, text: TEXT });

  beforeAll(() => sparrow.start());
  afterAll(() => sparrow.stop());
  beforeEach(() => {
    sparrow.reset();
    logger = new RecordingLogger();
    // a client of its own per test, counting every request it makes
    attempts = 0;
    http = new CountingGatewayHttp(() => attempts++);
  });
  afterEach(() => http.close());

  describe('sent', () => {
    it('reports an accepted message', async () => {
      await expect(send()).resolves.toEqual({
        kind: 'sent',
        messageId: undefined,
        providerCode: '200',
        providerMessage: '1 mesages has been queued for delivery',
      });
      expect(logger.messages('log')).toEqual(['SMS accepted by Sparrow']);
      expect(logger.entries[0].args[0]).toEqual({
        gateway: 'sparrow',
        to: '+97798XXXX5678',
        messageId: undefined,
      });
    });

    it("keeps Sparrow's message id when the answer has one", async () => {
      sparrow.respondNextWith(sparrowReplies.success({ messageId: 'sp-7781' }));
      await expect(send()).resolves.toMatchObject({ kind: 'sent', messageId: 'sp-7781' });
    });

    it('posts exactly one urlencoded form with token, from, the 10-digit number and the text', async () => {
      await send();
      expect(sparrow.requests).toHaveLength(1);
      const [request] = sparrow.requests;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/v2/sms/');
      expect(request.query).toEqual({});
      expect(request.contentType).toBe('application/x-www-form-urlencoded');
      expect(request.fields).toEqual({ token: TOKEN, from: 'TheAlert', to: NATIONAL, text: TEXT });
    });

    it('takes a base URL with a trailing slash', async () => {
      await send({ baseUrl: `${sparrow.url}/` });
      expect(sparrow.requests[0].path).toBe('/v2/sms/');
    });
  });

  describe('refused', () => {
    const codes = Object.keys(SPARROW_REFUSALS).map(Number) as SparrowRefusalCode[];

    it.each(codes)('HTTP 403 with response_code %i', async (code) => {
      sparrow.respondNextWith(sparrowReplies.refuse(code));
      await expect(send()).resolves.toEqual({
        kind: 'refused',
        cause: CAUSES[code],
        providerCode: String(code),
        providerMessage: SPARROW_REFUSALS[code],
      });
      expect(sparrow.requests).toHaveLength(1);
      const level = CAUSES[code] === 'number' ? 'warn' : 'error';
      expect(logger.entries.map((entry) => entry.level)).toEqual([level]);
      expect(logger.messages(level)[0]).toMatch(/^SMS refused by Sparrow: /);
      expect(logger.messages(level)[0]).toContain(OPERATOR_LINES[code]);
      expect(logger.entries[0].args[0]).toMatchObject({
        gateway: 'sparrow',
        httpStatus: 403,
        providerCode: String(code),
        cause: CAUSES[code],
      });
    });

    it('is what Sparrow itself answers to a wrong token: an account refusal', async () => {
      const outcome = await send({ token: 'not-the-token-1234' });
      expect(outcome).toMatchObject({ kind: 'refused', cause: 'account', providerCode: '1002' });
      expect(logger.text()).not.toContain('not-the-token-1234');
    });

    it('HTTP 200 whose response_code is a refusal', async () => {
      sparrow.respondNextWith(sparrowReplies.okWithResponseCode(1010, 'Text cannot be empty'));
      await expect(send()).resolves.toEqual({
        kind: 'refused',
        cause: 'other',
        providerCode: '1010',
        providerMessage: 'Text cannot be empty',
      });
    });

    it('another 4xx with a refusal code', async () => {
      sparrow.respondNextWith(
        sparrowReplies.raw(
          400,
          JSON.stringify({ response_code: '1011', response: 'No valid receiver' }),
        ),
      );
      await expect(send()).resolves.toMatchObject({
        kind: 'refused',
        cause: 'number',
        providerCode: '1011',
      });
    });

    it('a code this service does not know, as "other"', async () => {
      sparrow.respondNextWith(sparrowReplies.okWithResponseCode(1099, 'Something new'));
      await expect(send()).resolves.toMatchObject({
        kind: 'refused',
        cause: 'other',
        providerCode: '1099',
      });
      expect(logger.messages('error')[0]).toContain('a code this service does not know');
    });

    it('cuts the token, the text, the code and the number out of a refusal that echoes them', async () => {
      sparrow.respondNextWith(
        sparrowReplies.raw(
          403,
          JSON.stringify({
            response_code: 1002,
            response: `Invalid Token ${TOKEN} for ${NATIONAL}: ${TEXT} (${CODE})`,
          }),
        ),
      );
      const outcome = await send();
      expect(outcome).toMatchObject({
        providerMessage: 'Invalid Token [redacted] for [redacted]: [redacted] ([redacted])',
      });
      expect(logger.text()).not.toContain(TOKEN);
      expect(logger.text()).not.toContain(CODE);
    });

    it('a number outside Nepal, for the number, without calling Sparrow', async () => {
      await expect(gateway().send({ to: '+14155550123', text: TEXT })).resolves.toEqual({
        kind: 'refused',
        cause: 'number',
        providerMessage: 'not a +977 number',
      });
      expect(attempts).toBe(0);
    });
  });

  describe('unknown: the request went out, the answer cannot be trusted', () => {
    it.each([500, 502, 503])('HTTP %i', async (status) => {
      sparrow.respondNextWith(sparrowReplies.serverError(status));
      await expect(send()).resolves.toEqual({
        kind: 'unknown',
        reason: `Sparrow gave no trustworthy answer: HTTP ${status}`,
        providerCode: undefined,
      });
      expect(sparrow.requests).toHaveLength(1);
      expect(logger.messages('error')).toEqual([
        `Sparrow gave no trustworthy answer: HTTP ${status}; the SMS may still arrive`,
      ]);
    });

    it('HTTP 5xx keeps a response_code it carries', async () => {
      sparrow.respondNextWith(
        sparrowReplies.raw(503, JSON.stringify({ response_code: 1012, response: 'busy' })),
      );
      await expect(send()).resolves.toMatchObject({ kind: 'unknown', providerCode: '1012' });
    });

    it('an HTML page with HTTP 200', async () => {
      sparrow.respondNextWith(sparrowReplies.html());
      await expect(send()).resolves.toEqual({
        kind: 'unknown',
        reason: 'Sparrow gave no trustworthy answer: an unreadable answer (HTTP 200)',
        providerCode: undefined,
      });
    });

    it.each([
      ['JSON without a response_code', sparrowReplies.raw(200, '{"status":"ok"}')],
      ['an empty 403', sparrowReplies.raw(403, '')],
      ['HTTP 403 claiming success', sparrowReplies.raw(403, '{"response_code":200}')],
      ['HTTP 201', sparrowReplies.raw(201, '{"response_code":200}')],
    ])('%s', async (_name, reply) => {
      sparrow.respondNextWith(reply);
      await expect(send()).resolves.toMatchObject({ kind: 'unknown' });
    });

    it('a timeout after sending: within the timeout, once, never retried', async () => {
      sparrow.respondNextWith(sparrowReplies.slow(3000));
      const started = performance.now();
      const outcome = await send();
      const elapsed = performance.now() - started;
      expect(outcome).toEqual({
        kind: 'unknown',
        reason: `Sparrow gave no trustworthy answer: no complete answer within ${TIMEOUT_MS} ms`,
        providerCode: undefined,
      });
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      expect(sparrow.requests).toHaveLength(1);
      expect(attempts).toBe(1);
    });

    it('a body that drips in byte by byte, cut at the timeout', async () => {
      sparrow.respondNextWith(sparrowReplies.drip(40));
      const started = performance.now();
      await expect(send()).resolves.toMatchObject({ kind: 'unknown' });
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    });

    it('a reset after the request was read, never retried', async () => {
      sparrow.respondNextWith(sparrowReplies.reset());
      await expect(send()).resolves.toEqual({
        kind: 'unknown',
        reason: 'Sparrow gave no trustworthy answer: the exchange failed (ECONNRESET)',
        providerCode: undefined,
      });
      expect(sparrow.requests).toHaveLength(1);
      expect(attempts).toBe(1);
    });
  });

  describe('unreached: nothing left this process', () => {
    it('a closed port, tried once (the routing decides what comes next)', async () => {
      const outcome = await send({ baseUrl: `http://127.0.0.1:${await freePort()}` });
      expect(outcome).toEqual({
        kind: 'unreached',
        reason: 'Sparrow was not reached: could not connect (ECONNREFUSED)',
      });
      expect(attempts).toBe(1);
      expect(logger.messages('warn')).toEqual([
        'Sparrow was not reached: could not connect (ECONNREFUSED); the SMS was not sent',
      ]);
    });
  });

  describe('secrets', () => {
    it('never puts the token, the text, the code or the number in a log line or an outcome', async () => {
      const replies = [
        sparrowReplies.success({ messageId: 'sp-1' }),
        sparrowReplies.refuse(1002),
        sparrowReplies.refuse(1007),
        sparrowReplies.serverError(),
        sparrowReplies.html(),
        sparrowReplies.slow(2000),
        sparrowReplies.reset(),
      ];
      const outcomes: SmsOutcome[] = [];
      for (const reply of replies) {
        sparrow.respondNextWith(reply);
        outcomes.push(await send());
      }
      outcomes.push(await send({ baseUrl: `http://127.0.0.1:${await freePort()}` }));

      expect(outcomes.map((outcome) => outcome.kind)).toEqual([
        'sent',
        'refused',
        'refused',
        'unknown',
        'unknown',
        'unknown',
        'unknown',
        'unreached',
      ]);
      expect(logger.entries).toHaveLength(outcomes.length);
      const everything = [logger.text(), JSON.stringify(outcomes)].join('\n');
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toContain(CODE);
      expect(everything).not.toContain(NATIONAL);
      expect(everything).not.toContain('verification code');
      expect(logger.text()).toContain('+97798XXXX5678');
    });
  });

  describe('configuration', () => {
    it.each([
      [{ token: '' }, /SPARROW_TOKEN and SPARROW_FROM are required/],
      [{ from: '' }, /SPARROW_TOKEN and SPARROW_FROM are required/],
      [{ baseUrl: 'api.sparrowsms.com' }, /SPARROW_BASE_URL must be an http\(s\) URL/],
      [{ timeoutMs: 0 }, /positive number of milliseconds/],
    ])('refuses %o', (options, message) => {
      expect(() => gateway(options)).toThrow(message);
    });
  });
});
