import { HttpService } from '@nestjs/axios';
import {
  FakeSparrowServer,
  SPARROW_REFUSALS,
  SparrowRefusalCode,
  sparrowReplies,
} from '../../../test/fakes/fake-sparrow-server';
import { freePort } from '../../../test/support/app-process';
import { TEST_SECRETS } from '../../../test/support/test-secrets';
import { RecordingLogger, serialise } from '../../../test/fakes/recording-logger';
import { SystemClock } from '../../common/clock';
import { loadAppConfig } from '../../config/app-config';
import { SmsRejectedError, SmsUnavailableError } from '../sms.errors';
import { SparrowSmsGateway } from './sparrow-sms.gateway';

const TOKEN = 'v2_sparrow-secret-token-5d41402abc4b';
const TIMEOUT_MS = 300;
const TO = '+9779812345678';
const CODE = '482913';
const TEXT = `${CODE} is your Example verification code. It expires in 10 minutes.\n@example.com #${CODE}`;

/** A local port nothing listens on: connecting to it is refused. */
describe('SparrowSmsGateway (over HTTP to a fake Sparrow)', () => {
  const sparrow = new FakeSparrowServer({ token: TOKEN });
  let logger: RecordingLogger;
  let http: HttpService;

  function gateway(env: Record<string, string> = {}): SparrowSmsGateway {
    const config = loadAppConfig({
      ...TEST_SECRETS,
      SMS_GATEWAY: 'sparrow',
      SPARROW_BASE_URL: sparrow.url,
      SPARROW_TOKEN: TOKEN,
      SPARROW_FROM: 'TheAlert',
      SPARROW_TIMEOUT_MS: String(TIMEOUT_MS),
      ...env,
    });
    return new SparrowSmsGateway(http, config, new SystemClock(), logger);
  }

  async function failure(send: Promise<unknown>): Promise<SmsRejectedError | SmsUnavailableError> {
    const error: unknown = await send.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (error instanceof SmsRejectedError || error instanceof SmsUnavailableError) return error;
    throw new Error(`expected an SMS error, got ${serialise(error)}`);
  }

  beforeAll(() => sparrow.start());
  afterAll(() => sparrow.stop());
  beforeEach(() => {
    sparrow.reset();
    logger = new RecordingLogger();
    // a fresh axios instance per test, so interceptors counting attempts do not leak
    http = new HttpService(new HttpService().axiosRef.create());
  });

  describe('success', () => {
    it('returns a receipt for an accepted message', async () => {
      const before = Date.now();
      const receipt = await gateway().send({ to: TO, text: TEXT });
      expect(receipt).toEqual({
        provider: 'sparrow',
        providerMessageId: undefined,
        acceptedAt: expect.any(Date),
        providerCode: '200',
        providerMessage: '1 mesages has been queued for delivery',
      });
      expect(receipt.acceptedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(logger.messages('log')).toEqual(['SMS accepted by Sparrow']);
    });

    it("keeps Sparrow's message id when the answer has one", async () => {
      sparrow.respondNextWith(sparrowReplies.success({ messageId: 'sp-7781' }));
      const receipt = await gateway().send({ to: TO, text: TEXT });
      expect(receipt.providerMessageId).toBe('sp-7781');
    });

    it('posts exactly one urlencoded form with token, from, the 10-digit number and the text', async () => {
      await gateway().send({ to: TO, text: TEXT });
      expect(sparrow.requests).toHaveLength(1);
      const [request] = sparrow.requests;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/v2/sms/');
      expect(request.query).toEqual({});
      expect(request.contentType).toBe('application/x-www-form-urlencoded');
      expect(request.fields).toEqual({
        token: TOKEN,
        from: 'TheAlert',
        to: '9812345678',
        text: TEXT,
      });
    });
  });

  describe('refusals → SmsRejectedError (502)', () => {
    const codes = Object.keys(SPARROW_REFUSALS).map(Number) as SparrowRefusalCode[];
    const operatorLine: Partial<Record<SparrowRefusalCode, string>> = {
      1001: "this server's IP is not allowed in Sparrow: add it in the Sparrow dashboard",
      1002: 'SPARROW_TOKEN is wrong',
      1003: 'inactive or expired',
      1006: 'inactive or expired',
      1007: 'receiver number',
      1008: 'SPARROW_FROM',
      1011: 'receiver number',
      1012: 'out of credits',
      1013: 'out of credits',
    };

    it.each(codes)('maps HTTP 403 with response_code %i', async (code) => {
      sparrow.respondNextWith(sparrowReplies.refuse(code));
      const error = await failure(gateway().send({ to: TO, text: TEXT }));
      expect(error).toBeInstanceOf(SmsRejectedError);
      expect(error).toMatchObject({
        status: 502,
        code: 'SMS_GATEWAY_ERROR',
        providerCode: String(code),
        providerMessage: SPARROW_REFUSALS[code],
        detail: 'The SMS provider refused the message.',
        extensions: {},
      });
      expect(sparrow.requests).toHaveLength(1);
      const receiverProblem = code === 1007 || code === 1011;
      const level = receiverProblem ? 'warn' : 'error';
      expect(logger.messages(level)).toHaveLength(1);
      expect(logger.messages(receiverProblem ? 'error' : 'warn')).toHaveLength(0);
      const expected = operatorLine[code];
      if (expected) expect(logger.messages(level)[0]).toContain(expected);
    });

    it('is what Sparrow itself answers to a wrong token', async () => {
      const error = await failure(
        gateway({ SPARROW_TOKEN: 'not-the-token-1234' }).send({ to: TO, text: TEXT }),
      );
      expect(error).toBeInstanceOf(SmsRejectedError);
      expect(error.providerCode).toBe('1002');
      expect(logger.text()).not.toContain('not-the-token-1234');
    });

    it('rejects HTTP 200 whose response_code is not 200', async () => {
      sparrow.respondNextWith(sparrowReplies.okWithResponseCode(1010, 'Text cannot be empty'));
      const error = await failure(gateway().send({ to: TO, text: TEXT }));
      expect(error).toBeInstanceOf(SmsRejectedError);
      expect(error).toMatchObject({
        providerCode: '1010',
        providerMessage: 'Text cannot be empty',
      });
    });

    it('cuts the token and the text out of a refusal that echoes them', async () => {
      sparrow.respondNextWith(
        sparrowReplies.raw(
          403,
          JSON.stringify({ response_code: 1002, response: `Invalid Token ${TOKEN} for ${TEXT}` }),
        ),
      );
      const error = await failure(gateway().send({ to: TO, text: TEXT }));
      expect(error.providerMessage).toBe('Invalid Token [redacted] for [redacted]');
      expect(logger.text()).not.toContain(TOKEN);
      expect(logger.text()).not.toContain(CODE);
    });

    it('refuses a number outside Nepal without calling Sparrow', async () => {
      const error = await failure(gateway().send({ to: '+14155550123', text: TEXT }));
      expect(error).toBeInstanceOf(SmsRejectedError);
      expect(sparrow.requests).toHaveLength(0);
    });
  });

  describe('no usable answer → SmsUnavailableError (503)', () => {
    it.each([500, 502, 503])('maps HTTP %i', async (status) => {
      sparrow.respondNextWith(sparrowReplies.serverError(status));
      const error = await failure(gateway().send({ to: TO, text: TEXT }));
      expect(error).toBeInstanceOf(SmsUnavailableError);
      expect(error).toMatchObject({
        status: 503,
        code: 'SMS_GATEWAY_UNAVAILABLE',
        detail: 'The SMS provider cannot be reached; try again shortly.',
        providerMessage: `Sparrow answered HTTP ${status}`,
      });
      expect(sparrow.requests).toHaveLength(1);
    });

    it('maps an HTML page with HTTP 200', async () => {
      sparrow.respondNextWith(sparrowReplies.html());
      const error = await failure(gateway().send({ to: TO, text: TEXT }));
      expect(error).toBeInstanceOf(SmsUnavailableError);
      expect(error.providerMessage).toBe('Sparrow sent an unreadable answer (HTTP 200)');
    });

    it('maps JSON without a response_code, and an empty body', async () => {
      sparrow.respondNextWith(
        sparrowReplies.raw(200, '{"status":"ok"}'),
        sparrowReplies.raw(403, ''),
      );
      expect(await failure(gateway().send({ to: TO, text: TEXT }))).toBeInstanceOf(
        SmsUnavailableError,
      );
      expect(await failure(gateway().send({ to: TO, text: TEXT }))).toBeInstanceOf(
        SmsUnavailableError,
      );
    });

    it('gives up on a silent Sparrow after SPARROW_TIMEOUT_MS, without retrying', async () => {
      sparrow.respondNextWith(sparrowReplies.slow(3000));
      const started = performance.now();
      const error = await failure(gateway().send({ to: TO, text: TEXT }));
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(SmsUnavailableError);
      expect(error.providerMessage).toContain(`no complete answer within ${TIMEOUT_MS} ms`);
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 250);
      expect(sparrow.requests).toHaveLength(1);
    });

    it('bounds a body that drips in byte by byte (the idle timer alone would not)', async () => {
      sparrow.respondNextWith(sparrowReplies.drip(40));
      const started = performance.now();
      const error = await failure(gateway().send({ to: TO, text: TEXT }));
      expect(error).toBeInstanceOf(SmsUnavailableError);
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 250);
      expect(sparrow.requests).toHaveLength(1);
    });

    it('does not retry when the connection is reset after the request was sent', async () => {
      let attempts = 0;
      http.axiosRef.interceptors.request.use((config) => {
        attempts++;
        return config;
      });
      sparrow.respondNextWith(sparrowReplies.reset());
      const error = await failure(gateway().send({ to: TO, text: TEXT }));
      expect(error).toBeInstanceOf(SmsUnavailableError);
      expect(error.providerMessage).toContain('ECONNRESET');
      expect(sparrow.requests).toHaveLength(1);
      expect(attempts).toBe(1);
    });

    it('retries once when the connection is refused, then gives up', async () => {
      let attempts = 0;
      http.axiosRef.interceptors.request.use((config) => {
        attempts++;
        return config;
      });
      const port = await freePort();
      const error = await failure(
        gateway({ SPARROW_BASE_URL: `http://127.0.0.1:${port}` }).send({ to: TO, text: TEXT }),
      );
      expect(error).toBeInstanceOf(SmsUnavailableError);
      expect(error.providerMessage).toBe(
        'Sparrow cannot be reached: could not connect (ECONNREFUSED)',
      );
      expect(attempts).toBe(2);
      expect(logger.messages('warn')).toEqual([
        'Sparrow could not be reached before the request was sent; retrying once',
      ]);
    });

    it('delivers on the retry when only the first connection was refused', async () => {
      const refusedUrl = `http://127.0.0.1:${await freePort()}`;
      let attempts = 0;
      http.axiosRef.interceptors.request.use((config) => {
        attempts++;
        // the first attempt goes to a dead port, the retry to the fake Sparrow
        return attempts === 1
          ? { ...config, url: config.url?.replace(sparrow.url, refusedUrl) }
          : config;
      });
      const receipt = await gateway().send({ to: TO, text: TEXT });
      expect(receipt.providerCode).toBe('200');
      expect(attempts).toBe(2);
      expect(sparrow.requests).toHaveLength(1);
    });
  });

  describe('secrets', () => {
    it('never puts the token, the text or the code in a log line or an error', async () => {
      const port = await freePort();
      const failures = [
        sparrowReplies.refuse(1002),
        sparrowReplies.refuse(1007),
        sparrowReplies.serverError(),
        sparrowReplies.html(),
        sparrowReplies.slow(2000),
        sparrowReplies.reset(),
      ];
      const errors: unknown[] = [];
      for (const reply of failures) {
        sparrow.respondNextWith(reply);
        errors.push(await failure(gateway().send({ to: TO, text: TEXT })));
      }
      errors.push(
        await failure(
          gateway({ SPARROW_BASE_URL: `http://127.0.0.1:${port}` }).send({ to: TO, text: TEXT }),
        ),
      );
      await gateway().send({ to: TO, text: TEXT });

      expect(logger.entries.length).toBeGreaterThanOrEqual(errors.length + 1);
      const everything = [logger.text(), ...errors.map(serialise), ...errors.map(String)].join(
        '\n',
      );
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toContain(CODE);
      expect(everything).not.toContain('9812345678');
      expect(logger.text()).toContain('+97798XXXX5678');
      for (const error of errors) expect(error).not.toHaveProperty('cause');
    });
  });
});
