import request from 'supertest';
import { registerUser } from './support/accounts';
import {
  checkExchanges,
  OpenApiConformance,
  type OpenApiDocument,
} from './support/openapi-conformance';
import { createTestApp, TestApp } from './support/test-app';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  wrongCode,
} from './support/verification-flow';

// The document as JSON to break on purpose: any member may be reached and changed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EditableJson = Record<string, any>;

/**
 * The conformance check itself (test/support/openapi-conformance.ts): a verification flow with its
 * refusals passes against the document the app serves, and the same responses fail, each naming
 * what differs, against documents that are wrong in the ways a document drifts.
 */
describe('OpenAPI conformance: responses against /docs-json', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  const conformance = new OpenApiConformance();

  beforeAll(async () => {
    t = await createTestApp({
      recorder: conformance,
      env: { OTP_MAX_ATTEMPTS: '2', OTP_RESEND_COOLDOWN_SECONDS: '60' },
    });
    const account = await registerUser(t.url);
    const token = account.accessToken;
    const phone = uniquePhone();
    // null where the service takes it as absent: the request schema must say nullable
    const sent = await request(t.url)
      .post('/v1/phone-verifications')
      .set('authorization', `Bearer ${token}`)
      .send({ phone, locale: null, challenge: null })
      .expect(201);
    await startVerification(t.url, token, phone).expect(429); // RESEND_COOLDOWN
    const code = t.sms.lastCodeFor(e164(phone));
    await checkCode(t.url, token, phone, wrongCode(code)).expect(400); // INVALID_CODE
    await checkCode(t.url, token, phone, wrongCode(code)).expect(400);
    await checkCode(t.url, token, phone, code).expect(429); // TOO_MANY_ATTEMPTS
    await request(t.url)
      .get(`/v1/phone-verifications/${sent.body.id as string}`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    await request(t.url)
      .post('/v1/phone-verifications')
      .set('authorization', `Bearer ${token}`)
      .send({ phone, extra: true })
      .expect(400); // VALIDATION_FAILED
    await request(t.url).get('/v1/users/me').expect(401);
    await request(t.url).get('/health/ready').expect(200);
    document = (await request(t.url).get('/docs-json').expect(200)).body as OpenApiDocument;
  });
  afterAll(() => t.close());

  /** A copy of the served document, edited as plain JSON by `change`. */
  const mutated = (change: (doc: EditableJson) => void): OpenApiDocument => {
    const copy = structuredClone(document) as unknown as EditableJson;
    change(copy);
    return copy as unknown as OpenApiDocument;
  };
  const failuresAgainst = (doc: OpenApiDocument): readonly string[] => {
    const { failures } = checkExchanges(doc, conformance.exchanges);
    console.log(`against a wrong document:\n  ${failures.join('\n  ')}`);
    return failures;
  };

  it('validates every response of the flow against the served document, without a failure', async () => {
    const report = await conformance.expectConformance(t.url, 10);
    expect(report.validated).toBe(10); // the requests above, /docs-json apart
  });

  it('fails a response body that does not match its schema (attemptsLeft a string)', () => {
    const failures = failuresAgainst(
      mutated((doc) => {
        doc.components.schemas.VerificationView.properties.attemptsLeft.type = 'string';
      }),
    );
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^POST \/v1\/phone-verifications → 201: body .*attemptsLeft must be string/,
        ),
        expect.stringMatching(
          /^GET \/v1\/phone-verifications\/[0-9a-f-]+ → 200: body .*attemptsLeft/,
        ),
      ]),
    );
  });

  it('fails a code the route does not list (INVALID_CODE left out of the check route’s 400)', () => {
    const failures = failuresAgainst(
      mutated((doc) => {
        const schema = doc.paths['/v1/phone-verifications/check'].post.responses['400'].content[
          'application/problem+json'
        ].schema as { oneOf: { $ref: string }[] };
        schema.oneOf = schema.oneOf.filter(({ $ref }) => !$ref.endsWith('/InvalidCodeProblem'));
      }),
    );
    expect(failures).toEqual([
      expect.stringMatching(
        /^POST \/v1\/phone-verifications\/check → 400: body .*\(code INVALID_CODE\)$/,
      ),
      expect.stringMatching(
        /^POST \/v1\/phone-verifications\/check → 400: body .*\(code INVALID_CODE\)$/,
      ),
    ]);
  });

  it('fails an undocumented status and a missing required header', () => {
    const failures = failuresAgainst(
      mutated((doc) => {
        delete doc.paths['/v1/users/me'].get.responses['401'];
        doc.paths['/v1/phone-verifications/{id}'].get.responses['200'].headers = {
          'X-Verification-Version': { required: true, schema: { type: 'integer' } },
        };
      }),
    );
    expect(failures).toEqual(
      expect.arrayContaining([
        'GET /v1/users/me → 401: status 401 is not documented for this operation (code UNAUTHENTICATED)',
        expect.stringMatching(/→ 200: required header x-verification-version is missing$/),
      ]),
    );
  });

  it('fails a Retry-After the document does not give', () => {
    const failures = failuresAgainst(
      mutated((doc) => {
        delete doc.paths['/v1/phone-verifications'].post.responses['429'].headers;
      }),
    );
    expect(failures).toEqual([
      'POST /v1/phone-verifications → 429: sends Retry-After, which the document does not give this response',
    ]);
  });

  it('fails a document stricter than the service: a request it accepted, which the schema refuses', () => {
    const failures = failuresAgainst(
      mutated((doc) => {
        doc.components.schemas.StartVerificationDto.properties.phone.maxLength = 5;
      }),
    );
    expect(failures).toEqual([
      expect.stringMatching(
        /^POST \/v1\/phone-verifications → 201: accepted a request body the document refuses: .*phone must NOT have more than 5 characters/,
      ),
    ]);
  });
});
