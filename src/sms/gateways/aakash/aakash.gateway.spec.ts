import {
  AAKASH_REFUSALS,
  AakashRefusalName,
  aakashReplies,
  FakeAakashServer,
} from '../../../../test/fakes/fake-aakash-server';
import { CountingGatewayHttp } from '../../../../test/fakes/counting-gateway-http';
import { RecordingLogger } from '../../../../test/fakes/recording-logger';
import { freePort } from '../../../../test/support/app-process';
import { GatewayHttp } from '../gateway-http';
import { RefusalCause, SmsOutcome } from '../sms-gateway';
import { AakashGateway } from './aakash.gateway';
import { AakashOptions } from './aakash-options';

const TOKEN = 'aakash-secret-auth-token-9b74c9897bac770f';
const TIMEOUT_MS = 300;
// The shared 2-core machine can be slow to fire a timer; a bound is still a bound.
const MARGIN_MS = 250;
const TO = '+9779841234567';
const NATIONAL = '9841234567';
const CODE = '730512';
const TEXT = `${CODE} is your Example verification code. It expires in 10 minutes.\n@example.com #${CODE}`;

describe('AakashGateway (over HTTP to a fake Aakash)', () => {
  const aakash = new FakeAakashServer({ token: TOKEN });
  let logger: RecordingLogger;
  let http: GatewayHttp;
  let attempts: number;

  function gateway(options: Partial<AakashOptions> = {}): AakashGateway {
    return new AakashGateway(
      http,
      { baseUrl: aakash.url, token: TOKEN, timeoutMs: TIMEOUT_MS, ...options },
      logger,
    );
  }

  const send = (options: Partial<AakashOptions> = {}): Promise<SmsOutcome> =>
    gateway(options).send({ to: TO, text: TEXT });

  beforeAll(() => aakash.start());
  afterAll(() => aakash.stop());
  beforeEach(() => {
    aakash.reset();
    aakash.balance = 1000;
    logger = new RecordingLogger();
    // a client of its own per test, counting every request it makes
    attempts = 0;
    http = new CountingGatewayHttp(() => attempts++);
  });
  afterEach(() => http.close());

  describe('sent', () => {
    it("reports a queued message with Aakash's message id and network", async () => {
      aakash.respondNextWith(aakashReplies.success({ id: 123, network: 'ntc' }));
      await expect(send()).resolves.toEqual({
        kind: 'sent',
        messageId: '123',
        network: 'ntc',
        providerMessage: '1 messages has been queued for delivery',
      });
      expect(logger.messages('log')).toEqual(['SMS accepted by Aakash']);
      expect(logger.entries[0].args[0]).toEqual({
        gateway: 'aakash',
        to: '+97798XXXX4567',
        messageId: '123',
        network: 'ntc',
      });
    });

    it('posts exactly one urlencoded form with auth_token, the 10-digit number and the text', async () => {
      await send();
      expect(aakash.requests).toHaveLength(1);
      const [request] = aakash.requests;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/sms/v3/send');
      expect(request.query).toEqual({});
      expect(request.contentType).toBe('application/x-www-form-urlencoded');
      expect(request.fields).toEqual({ auth_token: TOKEN, to: NATIONAL, text: TEXT });
      expect(aakash.balance).toBe(999);
    });

    it("reads the fake's own checks end to end: Ncell numbers, a fresh id each time", async () => {
      const first = await gateway().send({ to: '+9779812345678', text: TEXT });
      const second = await gateway().send({ to: '+9779812345678', text: TEXT });
      expect(first).toMatchObject({ kind: 'sent', network: 'ncell' });
      expect(second).toMatchObject({ kind: 'sent', network: 'ncell' });
      const [one, two] = [first, second].map((outcome) =>
        outcome.kind === 'sent' ? Number(outcome.messageId) : NaN,
      );
      expect(two).toBe(one + 1);
    });
  });

  describe('refused', () => {
    const causes: Record<AakashRefusalName, RefusalCause> = {
      badToken: 'account',
      noBalance: 'account',
      missingTo: 'other',
    };
    const operatorLines: Record<AakashRefusalName, string> = {
      badToken: 'the Aakash auth token is not valid',
      noBalance: 'the Aakash account is out of balance',
      missingTo: 'Aakash refused the request',
    };
    const names = Object.keys(AAKASH_REFUSALS) as AakashRefusalName[];
    const cases = names.flatMap((name) => [200, 401, 422].map((status) => [name, status] as const));

    it.each(cases)('"%s" with HTTP %i', async (name, status) => {
      aakash.respondNextWith(aakashReplies.refuse(name, status));
      await expect(send()).resolves.toEqual({
        kind: 'refused',
        cause: causes[name],
        providerMessage: AAKASH_REFUSALS[name],
      });
      expect(aakash.requests).toHaveLength(1);
      expect(logger.entries.map((entry) => entry.level)).toEqual(['error']);
      expect(logger.messages('error')[0]).toMatch(/^SMS refused by Aakash: /);
      expect(logger.messages('error')[0]).toContain(operatorLines[name]);
      expect(logger.entries[0].args[0]).toMatchObject({
        gateway: 'aakash',
        httpStatus: status,
        providerMessage: AAKASH_REFUSALS[name],
        cause: causes[name],
      });
    });

    it('is what Aakash itself answers to a wrong token: an account refusal', async () => {
      const outcome = await send({ token: 'not-the-token-1234' });
      expect(outcome).toEqual({
        kind: 'refused',
        cause: 'account',
        providerMessage: AAKASH_REFUSALS.badToken,
      });
      expect(logger.text()).not.toContain('not-the-token-1234');
    });

    it('is what Aakash itself answers with an empty balance', async () => {
      aakash.balance = 0;
      await expect(send()).resolves.toMatchObject({ kind: 'refused', cause: 'account' });
    });

    it('a reworded account message still counts as the account', async () => {
      aakash.respondNextWith(aakashReplies.refuseWith('Insufficient credit in your account'));
      await expect(send()).resolves.toMatchObject({ kind: 'refused', cause: 'account' });
    });

    it('any other error message is "other"', async () => {
      aakash.respondNextWith(aakashReplies.refuseWith('The text field is required.', 400));
      await expect(send()).resolves.toEqual({
        kind: 'refused',
        cause: 'other',
        providerMessage: 'The text field is required.',
      });
    });

    it('the number in data.invalid: refused for the number, a warning', async () => {
      aakash.respondNextWith(aakashReplies.invalidNumber());
      await expect(send()).resolves.toEqual({
        kind: 'refused',
        cause: 'number',
        providerMessage: '0 messages has been queued for delivery',
      });
      expect(logger.entries.map((entry) => entry.level)).toEqual(['warn']);
      expect(logger.messages('warn')).toEqual([
        'SMS refused by Aakash: Aakash refused the receiver number as invalid',
      ]);
    });

    it('the number in data.invalid alongside error: true is still the number', async () => {
      aakash.respondNextWith(
        aakashReplies.raw(
          422,
          JSON.stringify({
            error: true,
            message: 'No valid numbers.',
            data: { valid: [], invalid: [{ mobile: NATIONAL, status: 'aborted' }] },
          }),
        ),
      );
      await expect(send()).resolves.toMatchObject({ kind: 'refused', cause: 'number' });
    });

    it("is what Aakash's own check answers to a number it does not know", async () => {
      const outcome = await gateway().send({ to: '+9770123456789', text: TEXT });
      expect(outcome).toMatchObject({ kind: 'refused', cause: 'number' });
      expect(aakash.requests[0].fields.to).toBe('0123456789');
    });

    it('cuts the token, the text, the code and the number out of a refusal that echoes them', async () => {
      aakash.respondNextWith(
        aakashReplies.refuseWith(`Token ${TOKEN} cannot send "${TEXT}" to ${NATIONAL} (${CODE})`),
      );
      await expect(send()).resolves.toMatchObject({
        providerMessage: 'Token [redacted] cannot send "[redacted]" to [redacted] ([redacted])',
      });
      expect(logger.text()).not.toContain(TOKEN);
      expect(logger.text()).not.toContain(CODE);
    });

    it('a number outside Nepal, for the number, without calling Aakash', async () => {
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
      aakash.respondNextWith(aakashReplies.serverError(status));
      await expect(send()).resolves.toEqual({
        kind: 'unknown',
        reason: `Aakash gave no trustworthy answer: HTTP ${status}`,
      });
      expect(aakash.requests).toHaveLength(1);
      expect(logger.messages('error')).toEqual([
        `Aakash gave no trustworthy answer: HTTP ${status}; the SMS may still arrive`,
      ]);
    });

    it('HTTP 500 even with a refusal in its body', async () => {
      aakash.respondNextWith(
        aakashReplies.raw(500, '{"error":true,"message":"Not enough balance."}'),
      );
      await expect(send()).resolves.toMatchObject({ kind: 'unknown' });
    });

    it('an unreadable body', async () => {
      aakash.respondNextWith(aakashReplies.html());
      await expect(send()).resolves.toEqual({
        kind: 'unknown',
        reason: 'Aakash gave no trustworthy answer: an unreadable answer (HTTP 200)',
      });
    });

    it.each([
      ['no error flag', aakashReplies.raw(200, '{"message":"ok"}')],
      ['error: false with nothing queued', aakashReplies.raw(200, '{"error":false,"data":{}}')],
      ['error: false with data as a list', aakashReplies.raw(200, '{"error":false,"data":[]}')],
      [
        'error: false on HTTP 4xx',
        aakashReplies.raw(400, '{"error":false,"data":{"valid":[{"id":1}],"invalid":[]}}'),
      ],
      [
        'error as a string',
        aakashReplies.raw(200, '{"error":"true","message":"Not enough balance."}'),
      ],
    ])('an answer that means nothing certain: %s', async (_name, reply) => {
      aakash.respondNextWith(reply);
      await expect(send()).resolves.toMatchObject({ kind: 'unknown' });
    });

    it('a timeout after sending: within the timeout, once, never retried', async () => {
      aakash.respondNextWith(aakashReplies.slow(3000));
      const started = performance.now();
      const outcome = await send();
      const elapsed = performance.now() - started;
      expect(outcome).toEqual({
        kind: 'unknown',
        reason: `Aakash gave no trustworthy answer: no complete answer within ${TIMEOUT_MS} ms`,
      });
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      expect(aakash.requests).toHaveLength(1);
      expect(attempts).toBe(1);
    });

    it('a body that drips in byte by byte, cut at the timeout', async () => {
      aakash.respondNextWith(aakashReplies.drip(40));
      const started = performance.now();
      await expect(send()).resolves.toMatchObject({ kind: 'unknown' });
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    });

    it('a reset after the request was read, never retried', async () => {
      aakash.respondNextWith(aakashReplies.reset());
      await expect(send()).resolves.toEqual({
        kind: 'unknown',
        reason: 'Aakash gave no trustworthy answer: the exchange failed (ECONNRESET)',
      });
      expect(aakash.requests).toHaveLength(1);
      expect(attempts).toBe(1);
    });
  });

  describe('unreached: nothing left this process', () => {
    it('a closed port, tried once', async () => {
      const outcome = await send({ baseUrl: `http://127.0.0.1:${await freePort()}` });
      expect(outcome).toEqual({
        kind: 'unreached',
        reason: 'Aakash was not reached: could not connect (ECONNREFUSED)',
      });
      expect(attempts).toBe(1);
      expect(logger.messages('warn')).toEqual([
        'Aakash was not reached: could not connect (ECONNREFUSED); the SMS was not sent',
      ]);
    });

    it('a stopped fake Aakash: its port refuses', async () => {
      const stopped = new FakeAakashServer({ token: TOKEN });
      await stopped.start();
      await stopped.stop();
      await expect(send({ baseUrl: stopped.url })).resolves.toMatchObject({ kind: 'unreached' });
      expect(stopped.requests).toEqual([]);
    });
  });

  it('has no balance to report: the v3 API documents no credit endpoint', async () => {
    await expect(gateway().balance()).resolves.toBeUndefined();
    expect(attempts).toBe(0);
  });

  describe('secrets', () => {
    it('never puts the token, the text, the code or the number in a log line or an outcome', async () => {
      const replies = [
        aakashReplies.success(), // the real answer echoes the text and the number
        aakashReplies.refuse('badToken'),
        aakashReplies.invalidNumber(), // echoes them too
        aakashReplies.serverError(),
        aakashReplies.html(),
        aakashReplies.slow(2000),
        aakashReplies.reset(),
      ];
      const outcomes: SmsOutcome[] = [];
      for (const reply of replies) {
        aakash.respondNextWith(reply);
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
      expect(logger.text()).toContain('+97798XXXX4567');
    });
  });

  describe('configuration', () => {
    it.each([
      [{ token: '' }, /auth token is required/],
      [{ baseUrl: 'sms.aakashsms.com' }, /AAKASH_BASE_URL must be an http\(s\) URL/],
      [{ timeoutMs: -1 }, /positive number of milliseconds/],
    ])('refuses %o', (options, message) => {
      expect(() => gateway(options)).toThrow(message);
    });
  });
});
