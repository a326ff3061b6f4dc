import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { BODY_LIMIT_BYTES } from '../src/app.setup';
import { registerUser, RegisteredUser } from './support/accounts';
import {
  closeRawAgent,
  RawRequest,
  RawResponse,
  sendOverSocket,
  sendRaw,
} from './support/raw-http';
import { responseViolations } from './support/response-hygiene';
import { createTestApp, TestApp } from './support/test-app';
import { startVerification, uniquePhone } from './support/verification-flow';

/*
 * Property-based fuzzing of every route over real HTTP. Each property sends one generated request
 * per run and checks the answer against the contract (API.md): never a 5xx, every non-2xx an RFC
 * 9457 problem document with a stable `code` and the HTTP status, nothing internal or secret in
 * the body, and an answer within a second.
 *
 *   FUZZ_RUNS=1000 npm test -- test/fuzz.e2e-spec.ts    more runs per property (default 300)
 *   FUZZ_SEED=123 …                                      another seed (default fixed, below)
 *
 * A failure prints the seed and fast-check's path, which replay the exact failing input.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const RESPONSE_BUDGET_MS = 1000;

const JWT_SECRET = 'fuzz-jwt-secret-3c9f1a7e5b2d4c6a8e0f1b3d5c7a9e2f';
const OTP_HMAC_SECRET = 'fuzz-otp-hmac-secret-7d1e3f5a9b2c4e6f8a0b2d4f6a8c0e1b';

// ---------------------------------------------------------------------------------------------
// The routes and their fields

interface Route {
  method: string;
  path: string;
  fields: readonly string[];
}

const ID = ':id';
const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/auth/register',
    fields: ['username', 'password', 'email', 'firstName', 'lastName'],
  },
  { method: 'POST', path: '/v1/auth/login', fields: ['username', 'password'] },
  { method: 'POST', path: '/v1/auth/refresh', fields: ['refreshToken'] },
  { method: 'POST', path: '/v1/auth/logout', fields: ['refreshToken'] },
  { method: 'GET', path: '/v1/users/me', fields: [] },
  { method: 'DELETE', path: '/v1/users/me/phone', fields: [] },
  { method: 'POST', path: '/v1/phone-verifications', fields: ['phone'] },
  { method: 'POST', path: '/v1/phone-verifications/check', fields: ['phone', 'code'] },
  { method: 'GET', path: `/v1/phone-verifications/${ID}`, fields: [] },
  { method: 'DELETE', path: `/v1/phone-verifications/${ID}`, fields: [] },
  { method: 'GET', path: '/v1/members/welcome', fields: [] },
  { method: 'GET', path: '/health/live', fields: [] },
  { method: 'GET', path: '/health/ready', fields: [] },
];
const ALL_FIELDS = [...new Set(ROUTES.flatMap((route) => route.fields))];

/** What the generators need from the running app: a real account, its tokens, a real id. */
interface Context {
  user: RegisteredUser;
  verificationId: string;
}

// ---------------------------------------------------------------------------------------------
// JSON documents as text, so duplicate keys, __proto__ and raw number tokens survive

type Json = null | boolean | number | string | JsonRaw | JsonArray | JsonObject;
interface JsonRaw {
  t: 'raw';
  text: string;
}
interface JsonArray {
  t: 'arr';
  items: Json[];
}
interface JsonObject {
  t: 'obj';
  entries: Array<[string, Json]>;
}

function serialise(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  switch (value.t) {
    case 'raw':
      return value.text;
    case 'arr':
      return `[${value.items.map(serialise).join(',')}]`;
    case 'obj':
      return `{${value.entries.map(([key, item]) => `${JSON.stringify(key)}:${serialise(item)}`).join(',')}}`;
  }
}

const obj = (...entries: Array<[string, Json]>): JsonObject => ({ t: 'obj', entries });
const raw = (text: string): JsonRaw => ({ t: 'raw', text });

// ---------------------------------------------------------------------------------------------
// Strings people do not expect

const NASTY_CHARACTERS = [
  '\u0000', // NUL: PostgreSQL refuses it in text
  '\u0007',
  '\u001b',
  '\u007f',
  '\u202e', // right-to-left override
  '\u200f', // right-to-left mark
  '\u061c', // Arabic letter mark
  '\u05d0', // Hebrew alef
  '\u0627', // Arabic alef
  '\u200b', // zero-width space
  '\u200c',
  '\u200d',
  '\u2060', // word joiner
  '\ufeff', // byte-order mark
  '\u2028', // line separator
  '\u2029',
  '\u0301', // combining accent
  '\ufffd',
  '\uffff',
  '\u{10ffff}',
  '\u{1f4f1}',
  '९', // Devanagari digits
  '८',
  '١', // Arabic-Indic digit
  '\ud800', // lone surrogates: JSON.stringify escapes them as \ud800
  '\udfff',
  '%00',
  '${7*7}',
  "'; DROP TABLE users; --",
  '<script>',
  '../../etc/passwd',
  '\r\n',
];

const nastyChar = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_CHARACTERS) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);
const nastyString = fc.string({ unit: nastyChar, maxLength: 40 });

/** Up to 20 000 characters of one repeated unit (cheap to generate, still long). */
const longString = fc
  .tuple(
    fc.constantFrom('a', '9', 'न', '\u{1f4f1}', '\u0000', '\u202e', '"', '\\'),
    fc.integer({ min: 200, max: 20_000 }),
  )
  .map(([unit, length]) => unit.repeat(length));

const RAW_NUMBERS = [
  '1e309',
  '-1e309',
  '-0',
  '1e-400',
  '123456789012345678901234567890',
  '0.0000001',
  '9007199254740993',
];

// ---------------------------------------------------------------------------------------------
// Values for each known field: plausible ones (to get past validation) and wrong ones

const NEPALI_MOBILE_PREFIXES = [
  '984',
  '985',
  '986',
  '974',
  '975',
  '976',
  '980',
  '981',
  '982',
  '970',
  '961',
  '972',
];
const DEVANAGARI = '०१२३४५६७८९';

const nepaliMobile = fc
  .tuple(fc.constantFrom(...NEPALI_MOBILE_PREFIXES), fc.stringMatching(/^[0-9]{7}$/))
  .map(([prefix, rest]) => `${prefix}${rest}`);

const phoneInput = fc.oneof(
  nepaliMobile,
  nepaliMobile.map((n) => `+977${n}`),
  nepaliMobile.map((n) => `00977 ${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`),
  nepaliMobile.map((n) => `(+977) ${n.replace(/\d/g, (d) => DEVANAGARI[Number(d)])}`),
  fc.stringMatching(/^\+?[0-9 ().-]{0,24}$/),
  nastyString,
);

const codeInput = fc.oneof(
  fc.stringMatching(/^[0-9]{6}$/),
  fc.stringMatching(/^[0-9]{6}$/).map((c) => c.replace(/\d/g, (d) => DEVANAGARI[Number(d)])),
  fc.stringMatching(/^ ?[0-9]{3}[ -][0-9]{3} ?$/),
  fc.stringMatching(/^[0-9]{0,12}$/),
  nastyString,
);

function plausible(field: string, context: Context): fc.Arbitrary<Json> {
  switch (field) {
    case 'username':
      return fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_.-]{3,30}$/),
        fc.constant(context.user.username),
        nastyString,
      );
    case 'password':
      return fc.oneof(
        fc.string({ minLength: 8, maxLength: 128 }),
        fc.string({ unit: nastyChar, minLength: 8, maxLength: 64 }),
        fc.constant(context.user.password),
      );
    case 'email':
      return fc.oneof(fc.emailAddress(), nastyString);
    case 'firstName':
    case 'lastName':
      return fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }), nastyString);
    case 'refreshToken':
      return fc.oneof(
        fc.constant(context.user.refreshToken),
        fc.base64String({ minLength: 40, maxLength: 48 }),
        nastyString,
      );
    case 'phone':
      return phoneInput;
    case 'code':
      return codeInput;
    default:
      return nastyString;
  }
}

const POLLUTION_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'constructor.prototype',
  '__defineGetter__',
  'hasOwnProperty',
  'toString',
  'valueOf',
];
const INTERESTING_KEYS = [
  'isAdmin',
  'phoneVerified',
  'phoneNumber',
  'id',
  'userId',
  'status',
  'attemptsLeft',
  'role',
];

const jsonKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ALL_FIELDS) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...INTERESTING_KEYS) },
  { weight: 2, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.string() },
);

const jsonLeaf: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(...RAW_NUMBERS).map(raw),
  nastyString,
  fc.string(),
  phoneInput,
  codeInput,
);

const { json: anyJson } = fc.letrec<{ json: Json; array: Json; object: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('json'), { maxLength: 5 }).map((items): Json => ({ t: 'arr', items })),
  object: fc
    .array(fc.tuple(jsonKey, tie('json')), { maxLength: 6 })
    .map((entries): Json => ({ t: 'obj', entries })),
}));

/** Every JSON type but the one a field wants (strings may still be the wrong string). */
const wrongType: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(...RAW_NUMBERS).map(raw),
  fc.array(jsonLeaf, { maxLength: 3 }).map((items): Json => ({ t: 'arr', items })),
  anyJson.map((inner): Json => obj(['value', inner])),
  longString,
  nastyString,
);

/** The route's own fields, each absent, plausible or of the wrong type, plus a stray key or two. */
function dtoShaped(route: Route, context: Context): fc.Arbitrary<Json> {
  const fieldValues = route.fields.map((field) =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant<Json | undefined>(undefined) },
      { weight: 3, arbitrary: plausible(field, context) },
      { weight: 2, arbitrary: wrongType },
    ),
  );
  return fc
    .tuple(fc.tuple(...fieldValues), fc.array(fc.tuple(jsonKey, anyJson), { maxLength: 2 }))
    .map(([values, extra]): Json => {
      const entries: Array<[string, Json]> = [];
      route.fields.forEach((field, index) => {
        const value = values[index];
        if (value !== undefined) entries.push([field, value]);
      });
      return { t: 'obj', entries: [...entries, ...extra] };
    });
}

/** Prototype-pollution attempts, alone, beside valid fields, and nested. */
function pollution(route: Route, context: Context): fc.Arbitrary<Json> {
  const payload = obj(['polluted', 'yes'], ['isAdmin', true], ['phoneVerified', true]);
  const attempts: Json[] = [
    obj(['__proto__', payload]),
    obj(['constructor', obj(['prototype', payload])]),
    obj(['constructor.prototype.polluted', 'yes'], ['__proto__.polluted', 'yes']),
    obj(['prototype', payload]),
    { t: 'arr', items: [obj(['__proto__', payload])] },
    obj(['__proto__', { t: 'arr', items: [payload] }]),
    obj(['__proto__', null]),
    obj(['__proto__', 'polluted']),
  ];
  return fc
    .tuple(
      fc.constantFrom(...attempts),
      dtoShaped(route, context),
      fc.constantFrom(...route.fields, 'phone'),
    )
    .chain(([attempt, shaped, field]) =>
      fc.constantFrom<Json>(
        attempt,
        shaped !== null &&
          typeof shaped === 'object' &&
          shaped.t === 'obj' &&
          attempt !== null &&
          typeof attempt === 'object' &&
          attempt.t === 'obj'
          ? { t: 'obj', entries: [...shaped.entries, ...attempt.entries] }
          : attempt,
        obj([field, attempt]),
      ),
    );
}

// ---------------------------------------------------------------------------------------------
// Tokens, honest and otherwise

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function jwt(header: object, payload: object, secret: string | undefined): string {
  const head = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature =
    secret === undefined ? '' : createHmac('sha256', secret).update(head).digest('base64url');
  return `${head}.${signature}`;
}

function bogusAuthorization(context: Context): fc.Arbitrary<string> {
  const now = Math.floor(Date.now() / 1000);
  const token = context.user.accessToken;
  const sub = context.user.id;
  return fc.oneof(
    fc.constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer  ',
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -2)}`,
      `Bearer ${token}.extra`,
      `Basic ${Buffer.from(`${context.user.username}:${context.user.password}`).toString('base64')}`,
      `Token ${token}`,
      `Bearer ${token} ${token}`,
      `Bearer\t${token}`,
      token,
      'Bearer null',
      'Bearer undefined',
      'Bearer [object Object]',
      `Bearer ${jwt({ alg: 'none', typ: 'JWT' }, { sub, iat: now, exp: now + 600 }, undefined)}`,
      `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { sub, iat: now, exp: now + 600 }, 'not-the-secret-at-all-0123456789abcdef')}`,
      `Bearer ${jwt({ alg: 'HS512', typ: 'JWT' }, { sub, iat: now, exp: now + 600 }, JWT_SECRET)}`,
      `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { sub, iat: now - 7200, exp: now - 3600 }, JWT_SECRET)}`,
      `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { sub: "' OR 1=1 --", iat: now, exp: now + 600 }, JWT_SECRET)}`,
      `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { sub: { $ne: null }, iat: now, exp: now + 600 }, JWT_SECRET)}`,
      `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { iat: now, exp: now + 600 }, JWT_SECRET)}`,
      `Bearer ${jwt({ alg: 'HS256', typ: 'JWT', kid: '../../dev/null' }, { sub, iat: now, exp: now + 600 }, '')}`,
    ),
    fc.base64String({ minLength: 1, maxLength: 400 }).map((junk) => `Bearer ${junk}`),
    fc
      .string({
        unit: fc
          .integer({ min: 0x20, max: 0xff })
          .filter((c) => c !== 0x7f)
          .map((c) => String.fromCharCode(c)),
        maxLength: 200,
      })
      .map((junk) => `Bearer ${junk}`),
    // long, but under Node's 16 KiB header limit: over it, see oddHeaders
    fc.integer({ min: 1_000, max: 12_000 }).map((length) => `Bearer ${'A'.repeat(length)}`),
  );
}

// ---------------------------------------------------------------------------------------------
// Requests

interface FuzzRequest extends RawRequest {
  kind: string;
}

function concretePath(route: Route, context: Context): string {
  return route.path.replace(ID, context.verificationId);
}

function authHeader(context: Context): fc.Arbitrary<Array<[string, string]>> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constant<Array<[string, string]>>([
        ['authorization', `Bearer ${context.user.accessToken}`],
      ]),
    },
    { weight: 2, arbitrary: fc.constant<Array<[string, string]>>([]) },
    {
      weight: 2,
      arbitrary: bogusAuthorization(context).map((value): Array<[string, string]> => [
        ['authorization', value],
      ]),
    },
  );
}

const JSON_HEADERS: Array<[string, string]> = [['content-type', 'application/json']];

function jsonBodies(context: Context): fc.Arbitrary<FuzzRequest> {
  return fc
    .constantFrom(...ROUTES)
    .chain((route) =>
      fc.record({
        route: fc.constant(route),
        auth: authHeader(context),
        body: fc.oneof(
          {
            weight: 4,
            arbitrary: dtoShaped(route, context).map((body) => ['dto-shaped', body] as const),
          },
          { weight: 3, arbitrary: anyJson.map((body) => ['any-json', body] as const) },
          {
            weight: 2,
            arbitrary: pollution(route, context).map(
              (body) => ['prototype-pollution', body] as const,
            ),
          },
        ),
        forwardedFor: fc.option(fc.ipV4(), { nil: undefined }),
      }),
    )
    .map(({ route, auth, body: [kind, body], forwardedFor }) => ({
      kind,
      method: route.method,
      path: concretePath(route, context),
      headers: [
        ...JSON_HEADERS,
        ...auth,
        ...(forwardedFor ? [['x-forwarded-for', forwardedFor] as [string, string]] : []),
      ],
      body: Buffer.from(serialise(body), 'utf8'),
    }));
}

const BROKEN_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=',
  'application/json;;;',
  'application/jsonx',
  'application/vnd.api+json',
  'application/problem+json',
  'APPLICATION/JSON',
  'json',
  '*/*',
  '',
  'application/json\u00e9',
];

function brokenBodies(context: Context): fc.Arbitrary<FuzzRequest> {
  const validText = fc
    .constantFrom(...ROUTES)
    .chain((route) => dtoShaped(route, context))
    .map(serialise);
  const invalidUtf8 = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom(
      Buffer.from([0xc0, 0x80]), // overlong NUL
      Buffer.from([0xed, 0xa0, 0x80]), // a surrogate encoded in UTF-8
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0x80]),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
      Buffer.from([0xe2, 0x82]), // truncated sequence
    ),
  );
  const body = fc.oneof(
    validText.chain((text) =>
      fc
        .integer({ min: 0, max: Math.max(0, text.length - 1) })
        .map((cut) => ['truncated-json', JSON_HEADERS, Buffer.from(text.slice(0, cut))] as const),
    ),
    fc
      .tuple(fc.constantFrom(...BROKEN_CONTENT_TYPES), fc.oneof(validText, nastyString))
      .map(
        ([type, text]) =>
          [
            'wrong-content-type',
            [['content-type', type]] as Array<[string, string]>,
            Buffer.from(text),
          ] as const,
      ),
    validText.map(
      (text) => ['no-content-type', [] as Array<[string, string]>, Buffer.from(text)] as const,
    ),
    fc.constant(['empty-json-body', JSON_HEADERS, Buffer.alloc(0)] as const),
    fc
      .tuple(fc.constantFrom(...ALL_FIELDS), invalidUtf8)
      .map(
        ([field, bytes]) =>
          [
            'invalid-utf8',
            JSON_HEADERS,
            Buffer.concat([Buffer.from(`{"${field}":"`), bytes, Buffer.from('"}')]),
          ] as const,
      ),
    invalidUtf8.map((bytes) => ['invalid-utf8-raw', JSON_HEADERS, bytes] as const),
    fc
      .tuple(fc.constantFrom(...ALL_FIELDS), plausible('phone', context), wrongType)
      .map(
        ([field, first, second]) =>
          [
            'duplicate-keys',
            JSON_HEADERS,
            Buffer.from(`{"${field}":${serialise(first)},"${field}":${serialise(second)}}`),
          ] as const,
      ),
    fc
      .constantFrom(
        '\ufeff{"phone":"9841234567"}',
        '{"phone":"9841234567"} trailing',
        '{"phone":"9841234567"}{"phone":"9841234567"}',
        "{'phone':'9841234567'}",
        '{"phone":"9841234567",}',
        '{phone:"9841234567"}',
        '{"phone":NaN}',
        '{"phone":Infinity}',
        '{"phone":undefined}',
        '/* c */ {"phone":"1"}',
        '{"phone":"\\u0000"}',
        '{"phone":"\\ud800"}',
        '{"code":"\\udc00\\ud800"}',
        '{"phone":"\\x41"}',
        'null',
        'true',
        '0',
        '"9841234567"',
        '[]',
        '[{"phone":"9841234567"}]',
        ' ',
        '\n',
      )
      .map((text) => ['odd-json-text', JSON_HEADERS, Buffer.from(text)] as const),
    fc
      .tuple(fc.integer({ min: 100, max: 45_000 }), fc.constantFrom('[', '{"a":'))
      .map(([depth, open]) => {
        const close = open === '[' ? ']' : '}';
        return [
          'deep-nesting',
          JSON_HEADERS,
          Buffer.from(`{"phone":${open.repeat(depth)}1${close.repeat(depth)}}`),
        ] as const;
      }),
    fc.constant([
      'utf16-body',
      [['content-type', 'application/json; charset=utf-16le']] as Array<[string, string]>,
      Buffer.from('{"phone":"9841234567"}', 'utf16le'),
    ] as const),
  );
  return fc
    .tuple(fc.constantFrom(...ROUTES), authHeader(context), body)
    .map(([route, auth, [kind, headers, bytes]]) => ({
      kind,
      method: route.method,
      path: concretePath(route, context),
      headers: [...headers, ...auth],
      body: bytes,
    }));
}

/** Bodies from well under to well over the limit, most of them within a few bytes of it. */
function hugeBodies(context: Context): fc.Arbitrary<FuzzRequest> {
  const size = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.integer({ min: BODY_LIMIT_BYTES - 16, max: BODY_LIMIT_BYTES + 16 }),
    },
    { weight: 1, arbitrary: fc.integer({ min: 50_000, max: 160_000 }) },
  );
  const bodyRoutes = ROUTES.filter((route) => route.fields.length > 0);
  return fc
    .tuple(
      fc.constantFrom(...bodyRoutes),
      authHeader(context),
      size,
      fc.constantFrom('a', 'न', '\u{1f4f1}', '\u0000'),
    )
    .map(([route, auth, bytes, unit]) => {
      const field = route.fields[0];
      const prefix = `{"${field}":"`;
      const suffix = '"}';
      const unitBytes = Buffer.byteLength(JSON.stringify(unit).slice(1, -1));
      const repeat = Math.max(0, Math.floor((bytes - prefix.length - suffix.length) / unitBytes));
      let text = prefix + JSON.stringify(unit.repeat(repeat)).slice(1, -1) + suffix;
      // pad with spaces, which JSON allows, to the exact size
      const missing = bytes - Buffer.byteLength(text);
      if (missing > 0) text = text.slice(0, -1) + ' '.repeat(missing) + '}';
      return {
        kind: `huge-body-${unit === 'a' ? 'ascii' : 'unicode'}`,
        method: route.method,
        path: concretePath(route, context),
        headers: [...JSON_HEADERS, ...auth],
        body: Buffer.from(text, 'utf8'),
      };
    });
}

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'PROPFIND',
  'SEARCH',
  'TRACE',
];

function paths(context: Context): fc.Arbitrary<FuzzRequest> {
  const badId = fc.oneof(
    fc.uuid().map((id) => ['random-uuid', id] as const),
    fc.uuid().map((id) => ['uppercase-uuid', id.toUpperCase()] as const),
    fc.constant(['own-id', context.verificationId] as const),
    fc
      .constantFrom(
        `${context.verificationId}x`,
        context.verificationId.slice(0, -1),
        context.verificationId.replace(/-/g, ''),
        `{${context.verificationId}}`,
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        'not-a-uuid',
        '1',
        '-1',
        '0x10',
        'null',
        'undefined',
        '%00',
        '%',
        '%zz',
        '%C0%80',
        '%ED%A0%80',
        '%FF',
        '..%2F..%2Fetc%2Fpasswd',
        "'%20OR%201=1--",
        '%0d%0aSet-Cookie:%20x=1',
        '%E0%A5%AF%E0%A5%AE', // Devanagari digits
        '%F0%9F%93%B1',
        '%EF%BB%BF',
        'a;b',
        'a,b',
        '.',
        '..',
      )
      .map((id) => ['bad-id', id] as const),
    fc.integer({ min: 90, max: 9000 }).map((length) => ['long-id', 'a'.repeat(length)] as const),
    nastyString.map(
      (text) =>
        ['encoded-junk-id', encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))] as const,
    ),
  );
  const suffix = fc.constantFrom(
    '',
    '/',
    '//',
    '?',
    '?x=1',
    '?__proto__[polluted]=1',
    '?constructor[prototype][polluted]=1',
    '?a=%',
    '?a=%zz',
    `?${'q'.repeat(3000)}=1`,
    '/..',
    '/%2e%2e',
    '/%2e%2e/%2e%2e/health/live',
    ';jsessionid=1',
    '%20',
    '.json',
    '%00',
    '/extra',
  );
  const idRoutes = ROUTES.filter((route) => route.path.includes(ID));
  const onIdRoute = fc
    .tuple(fc.constantFrom(...idRoutes), badId, suffix, authHeader(context))
    .map(([route, [kind, id], tail, auth]): FuzzRequest => ({
      kind,
      method: route.method,
      path: route.path.replace(ID, id) + tail,
      headers: auth,
    }));
  const mangled = fc
    .tuple(
      fc.constantFrom(...ROUTES),
      fc.constantFrom(...METHODS),
      suffix,
      fc.constantFrom('as-is', 'upper-case', 'double-slash', 'no-version', 'v2', 'percent-encoded'),
      authHeader(context),
    )
    .map(([route, method, tail, mangling, auth]): FuzzRequest => {
      let path = concretePath(route, context);
      if (mangling === 'upper-case') path = path.toUpperCase();
      if (mangling === 'double-slash') path = path.replace(/\//g, '//');
      if (mangling === 'no-version') path = path.replace('/v1', '');
      if (mangling === 'v2') path = path.replace('/v1', '/v2');
      if (mangling === 'percent-encoded')
        path = path.replace(/[a-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
      return { kind: `path-${mangling}`, method, path: path + tail, headers: auth };
    });
  const random = fc
    .tuple(fc.webPath(), fc.constantFrom(...METHODS), authHeader(context))
    .map(([path, method, auth]): FuzzRequest => ({
      kind: 'random-path',
      method,
      path: path.startsWith('/') ? path : `/${path}`,
      headers: auth,
    }));
  return fc.oneof(
    { weight: 3, arbitrary: onIdRoute },
    { weight: 2, arbitrary: mangled },
    { weight: 1, arbitrary: random },
  );
}

/** Header values node:http will send: visible ASCII, tab, and latin-1 bytes 0x80–0xFF. */
const latin1Value = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
    fc.constant('\t'),
  ),
  maxLength: 300,
});

function oddHeaders(context: Context): fc.Arbitrary<FuzzRequest> {
  const header = fc.oneof(
    fc.constantFrom<[string, string]>(
      ['expect', '100-continue'],
      ['expect', 'something-else'],
      ['content-encoding', 'gzip'],
      ['content-encoding', 'br'],
      ['content-encoding', 'x-unknown'],
      ['accept', 'application/xml'],
      ['accept', '*/*;q=0'],
      ['accept-encoding', 'gzip;q=2, *;q=-1'],
      ['accept-language', '\u00ff\u00fe'],
      ['x-http-method-override', 'DELETE'],
      ['x-forwarded-proto', 'javascript'],
      ['x-forwarded-host', 'evil.example'],
      ['forwarded', 'for=unknown;proto=gopher'],
      ['origin', 'https://evil.example'],
      ['origin', 'null'],
      ['cookie', 'session=1; __proto__=x'],
      ['range', 'bytes=0-0,0-0,0-0'],
      ['if-none-match', '*'],
      ['content-type', 'application/json'],
      ['te', 'trailers'],
    ),
    fc.tuple(
      fc.constantFrom(
        'x-request-id',
        'x-forwarded-for',
        'user-agent',
        'referer',
        'accept',
        'x-real-ip',
        'host',
      ),
      latin1Value,
    ),
    fc
      .tuple(
        fc.constantFrom('x-request-id', 'x-forwarded-for', 'user-agent', 'cookie'),
        fc.integer({ min: 4_000, max: 20_000 }),
      )
      .map(([name, length]): [string, string] => [name, 'x'.repeat(length)]),
    fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,40}$/), latin1Value),
  );
  const authorization = fc.oneof(
    authHeader(context),
    fc
      .tuple(bogusAuthorization(context), bogusAuthorization(context))
      .map(([a, b]): Array<[string, string]> => [
        ['authorization', a],
        ['authorization', b],
      ]),
    fc.constant<Array<[string, string]>>([
      ['authorization', `Bearer ${context.user.accessToken}`],
      ['authorization', 'Bearer x'],
    ]),
  );
  return fc
    .tuple(
      fc.constantFrom(...ROUTES),
      authorization,
      fc.array(header, { minLength: 1, maxLength: 6 }),
      fc.option(dtoShapedAny(context), { nil: undefined }),
    )
    .map(([route, auth, headers, json]): FuzzRequest => {
      // Over Node's 16 KiB header limit the server answers 431 and closes at once; a body still
      // being written would then meet a reset that can swallow the answer, so none is sent.
      const headerBytes = [...auth, ...headers].reduce(
        (sum, [n, v]) => sum + n.length + v.length,
        0,
      );
      const body = headerBytes > 12_000 ? undefined : json;
      return {
        kind: headerBytes > 16_384 ? 'odd-headers-over-16k' : 'odd-headers',
        method: route.method,
        path: concretePath(route, context),
        headers: [...auth, ...headers, ...(body === undefined ? [] : JSON_HEADERS)],
        body: body === undefined ? undefined : Buffer.from(serialise(body)),
      };
    });
}

// ---------------------------------------------------------------------------------------------
// Values of the headers the service reads (issue 14): every route, one to five of them at once

const hex4 = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));

/** Addresses as proxies, clients and attackers write them, and what only looks like one. */
const forwardedEntry: fc.Arbitrary<string> = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(), // 127.1, 0x7f.0.0.1, 0177.0.0.1
  fc.ipV6().map((ip) => ip.toUpperCase()),
  fc.ipV4().map((ip) => `::ffff:${ip}`),
  fc.ipV4().map((ip) => `::FFFF:${ip}`),
  fc.tuple(hex4, hex4, hex4).map(([a, b, c]) => `2001:0db8:${a}:${b}:0000:0000:0000:${c}`),
  fc
    .tuple(fc.ipV6(), fc.stringMatching(/^[0-9A-Za-z._-]{0,20}$/))
    .map(([ip, zone]) => `${ip}%${zone}`),
  fc
    .tuple(fc.constantFrom('fe80::1', '::1', '2001:db8::1'), fc.integer({ min: 30, max: 4000 }))
    .map(([ip, length]) => `${ip}%${'a'.repeat(length)}`),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 70_000 })).map(([ip, port]) => `${ip}:${port}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 70_000 })).map(([ip, port]) => `[${ip}]:${port}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 200 })).map(([ip, bits]) => `${ip}/${bits}`),
  fc.constantFrom(
    'unknown',
    '_hidden',
    'for=192.0.2.60',
    '',
    ' ',
    '%',
    '::ffff:',
    ':::',
    '1.2.3.4.5',
  ),
  latin1Value,
);

const forwardedFor: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: forwardedEntry },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.array(forwardedEntry, { minLength: 2, maxLength: 12 }),
        fc.constantFrom(',', ', ', ' ,  ', ',,'),
      )
      .map(([entries, separator]) => entries.join(separator)),
  },
  // long, but under Node's 16 KiB header limit
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.ipV4(), fc.integer({ min: 100, max: 900 }))
      .map(([ip, count]) => Array<string>(count).fill(ip).join(', ')),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((n) => '9'.repeat(n)) },
);

/** Tokens signed with the right secret whose claims are wrong (issue 14, item 6). */
function forgedTokens(context: Context): fc.Arbitrary<string> {
  const sub = context.user.id;
  return fc
    .tuple(
      fc.integer({ min: -10 * 86_400, max: 10 * 86_400 }),
      fc.option(fc.integer({ min: -10 * 86_400, max: 10 * 86_400 }), { nil: undefined }),
      fc.option(fc.integer({ min: -10 * 86_400, max: 10 * 86_400 }), { nil: undefined }),
    )
    .map(([iatOffset, expOffset, nbfOffset]) => {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, number | string> = { sub, iat: now + iatOffset };
      if (expOffset !== undefined) payload.exp = now + expOffset;
      if (nbfOffset !== undefined) payload.nbf = now + nbfOffset;
      return `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, payload, JWT_SECRET)}`;
    });
}

const requestId: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
  fc.stringMatching(/^[A-Za-z0-9._:-]{129,300}$/),
  fc.uuid(),
  fc.constantFrom('', ' ', '../../etc/passwd', '<script>', '${jndi:ldap://x}', 'a b', 'a\tb'),
  latin1Value,
  fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'r'.repeat(n)),
);

const contentType: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...BROKEN_CONTENT_TYPES),
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'Application/JSON; Charset="utf-8"',
    'application/json; boundary=x; charset=utf-8',
    'application/json ; charset=utf-8',
    'application/merge-patch+json',
    'text/html',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded; charset=utf-8',
    'multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW',
    'application/octet-stream',
    'application/json; charset=utf-8; charset=latin1',
  ),
  latin1Value.map((tail) => `application/json;${tail}`),
  latin1Value,
);

const acceptLanguage: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'ne',
    'ne-NP',
    'en',
    'en-US,en;q=0.9',
    'ne-NP,ne;q=0.9,en;q=0.8',
    'en;q=0.1, ne;q=1',
    '*',
    'ne;q=2',
    'ne;q=-1',
    'ne;q=abc',
    'ne;;;q=1',
    ',,,',
    ';q=1',
    'x-klingon',
    'ne-Deva-NP-u-nu-deva',
    '\u00ff\u00fe',
  ),
  fc
    .array(fc.tuple(fc.stringMatching(/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}$/), fc.double()), {
      maxLength: 40,
    })
    .map((tags) => tags.map(([tag, q]) => `${tag};q=${q}`).join(',')),
  latin1Value,
  fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'ne,'.repeat(Math.floor(n / 3))),
);

/** X-Forwarded-For, Authorization, X-Request-Id, Content-Type and Accept-Language, fuzzed together. */
function headerValues(context: Context): fc.Arbitrary<FuzzRequest> {
  const authorization = fc.oneof(
    fc.constant(`Bearer ${context.user.accessToken}`),
    bogusAuthorization(context),
    forgedTokens(context),
  );
  const values = fc.record(
    {
      'x-forwarded-for': forwardedFor,
      authorization,
      'x-request-id': requestId,
      'content-type': contentType,
      'accept-language': acceptLanguage,
    },
    { requiredKeys: [] },
  );
  return fc
    .constantFrom(...ROUTES)
    .chain((route) => fc.tuple(fc.constant(route), values, dtoShaped(route, context)))
    .map(([route, chosen, json]): FuzzRequest => {
      const headers = Object.entries<string>(chosen);
      // a route that takes a body gets one; without a fuzzed Content-Type it is declared JSON
      const takesBody = route.fields.length > 0;
      if (takesBody && chosen['content-type'] === undefined) headers.push(...JSON_HEADERS);
      // over 12 000 header bytes a body could meet the 431's reset (see oddHeaders)
      const headerBytes = headers.reduce((sum, [n, v]) => sum + n.length + v.length, 0);
      return {
        kind: `header-values:${Object.keys(chosen).sort().join('+') || 'none'}`,
        method: route.method,
        path: concretePath(route, context),
        headers,
        body: takesBody && headerBytes <= 12_000 ? Buffer.from(serialise(json)) : undefined,
      };
    });
}

function dtoShapedAny(context: Context): fc.Arbitrary<Json> {
  return fc.constantFrom(...ROUTES).chain((route) => dtoShaped(route, context));
}

/** What node:http cannot send: malformed request lines and header blocks, on their own socket. */
function malformedWire(context: Context): fc.Arbitrary<FuzzRequest> {
  const bearer = `Bearer ${context.user.accessToken}`;
  const line = fc.oneof(
    fc.constantFrom(
      'GET /v1/users/me HTTP/1.0',
      'GET /v1/users/me HTTP/2.0',
      'GET /v1/users/me HTTP/9.9',
      'GET /v1/users/me',
      'get /v1/users/me HTTP/1.1',
      'GET  /v1/users/me HTTP/1.1',
      'GET http://evil.example/v1/users/me HTTP/1.1',
      'OPTIONS * HTTP/1.1',
      'CONNECT 127.0.0.1:22 HTTP/1.1',
      'FOO /v1/users/me HTTP/1.1',
      'GET v1/users/me HTTP/1.1',
      'GET /v1/users/me\u0000 HTTP/1.1',
      'GET /v1/users/\u00ff\u00fe HTTP/1.1',
      'GET /v1/phone-verifications/\u0080\u0081 HTTP/1.1',
      'GET /v1/users/me#frag HTTP/1.1',
      'POST /v1/auth/login HTTP/1.1',
    ),
    fc
      .tuple(fc.constantFrom(...METHODS), fc.string({ unit: 'binary-ascii', maxLength: 40 }))
      .map(([method, junk]) => `${method} /v1/${junk} HTTP/1.1`),
  );
  const headerBlock = fc.oneof(
    fc.constantFrom(
      ['Host: x', `Authorization: ${bearer}`],
      ['Host: x', 'Bad Header: x'],
      ['Host: x', 'NoColon'],
      ['Host: x', 'X-Folded: a', ' continued'],
      ['Host: x', 'Content-Length: 5', 'Transfer-Encoding: chunked'],
      ['Host: x', 'Content-Length: -1'],
      ['Host: x', 'Content-Length: 1', 'Content-Length: 2'],
      ['Host: x', 'Content-Length: abc'],
      ['Host: x', 'Transfer-Encoding: gzip, chunked'],
      ['Host: x', 'Transfer-Encoding: x-unknown'],
      ['Host: x', `Authorization: ${bearer}\u0000`],
      ['Host: x', 'X-Bytes: \u00ff\u0000\u0001'],
      ['Host: x', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13'],
      [
        'Host: x',
        'Connection: Upgrade, HTTP2-Settings',
        'Upgrade: h2c',
        'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA',
      ],
      [],
      ['Host: a', 'Host: b'],
    ),
    fc
      .array(fc.string({ unit: 'binary-ascii', maxLength: 60 }), { maxLength: 4 })
      .map((lines) => ['Host: x', ...lines]),
  );
  // (a Content-Length the payload does not fill would stall until the request timeout; the
  // headers-and-limits spec covers that)
  const body = fc.constantFrom(
    '',
    '{}',
    '{"phone":"9841234567"}',
    '0\r\n\r\n',
    '5\r\nhello\r\n0\r\n\r\n',
    'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n',
  );
  const ending = fc.constantFrom('\r\n', '\n');
  return fc
    .tuple(line, headerBlock, body, ending)
    .map(([requestLine, headers, payload, eol]): FuzzRequest => ({
      kind: 'malformed-wire',
      method: requestLine.split(' ')[0],
      path: requestLine,
      body: Buffer.from(
        [requestLine, ...headers, 'Connection: close'].join(eol) + eol + eol + payload,
        'latin1',
      ),
    }));
}

// ---------------------------------------------------------------------------------------------
// Running and judging

class Measurements {
  readonly byKind = new Map<string, number>();
  readonly byStatus = new Map<number, number>();
  readonly times: number[] = [];
  slowest = { ms: 0, what: '' };

  record(request: FuzzRequest, status: number, ms: number): void {
    this.byKind.set(request.kind, (this.byKind.get(request.kind) ?? 0) + 1);
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.times.push(ms);
    if (ms > this.slowest.ms)
      this.slowest = {
        ms,
        what: `${request.kind} ${request.method} ${request.path.slice(0, 80)} → ${status}`,
      };
  }

  percentile(p: number): number {
    const sorted = [...this.times].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  }

  summary(): string {
    const kinds = [...this.byKind]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
    const statuses = [...this.byStatus]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    return [
      `fuzz: ${this.times.length} requests (seed ${SEED}, ${RUNS} runs per property)`,
      `response time: p50 ${this.percentile(50).toFixed(1)} ms, p99 ${this.percentile(99).toFixed(1)} ms, max ${this.slowest.ms.toFixed(1)} ms (${this.slowest.what})`,
      `statuses: ${statuses}`,
      `kinds: ${kinds}`,
    ].join('\n');
  }
}

/** An HTTP/1.1 request head without a Host header line. */
function lacksHost(wire: Buffer): boolean {
  const head = wire.toString('latin1').split(/\r?\n\r?\n/)[0];
  const [requestLine, ...lines] = head.split(/\r?\n/);
  return /HTTP\/1\.1$/.test(requestLine) && !lines.some((line) => /^host:/i.test(line));
}

function describeRequest(request: FuzzRequest): string {
  const headers = (request.headers ?? []).map(
    ([n, v]) => `${n}: ${v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v}`,
  );
  const body =
    request.body === undefined
      ? '(none)'
      : `${JSON.stringify(request.body.subarray(0, 160).toString('latin1'))} (${request.body.length} bytes)`;
  return `${request.kind}: ${request.method} ${JSON.stringify(request.path.slice(0, 200))}\n  headers: ${JSON.stringify(headers)}\n  body: ${body}`;
}

describe('Fuzzing every route over HTTP (real PostgreSQL)', () => {
  let t: TestApp;
  /** The same database and account, with the test's own peer (127.0.0.1) a listed proxy. */
  let behindListedProxy: TestApp;
  let context: Context;
  let secrets: string[];
  let prototypeBefore: string[];
  const measured = new Measurements();

  beforeAll(async () => {
    prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    t = await createTestApp({
      env: { JWT_SECRET, OTP_HMAC_SECRET, TRUST_PROXY: '2', OTP_MAX_SENDS_PER_USER_PER_DAY: '50' },
    });
    behindListedProxy = await createTestApp({
      env: {
        JWT_SECRET,
        OTP_HMAC_SECRET,
        TRUST_PROXY: '127.0.0.0/8, ::1, 10.0.0.0/8, 2001:db8::/32',
        OTP_MAX_SENDS_PER_USER_PER_DAY: '50',
      },
      database: t.database,
      clock: t.clock,
    });
    const user = await registerUser(t.url);
    const started = await startVerification(t.url, user.accessToken, uniquePhone());
    expect(started.status).toBe(201);
    context = { user, verificationId: started.body.id };
    secrets = [JWT_SECRET, OTP_HMAC_SECRET, user.password];
  });

  afterAll(async () => {
    closeRawAgent();
    process.stdout.write(`${measured.summary()}\n`);
    await behindListedProxy?.close();
    await t?.close();
  });

  function judge(
    request: FuzzRequest,
    res: Pick<RawResponse, 'status' | 'headers' | 'body'>,
    elapsedMs: number,
  ): void {
    measured.record(request, res.status, elapsedMs);
    const problems = responseViolations(res, request.method, secrets);
    if (elapsedMs >= RESPONSE_BUDGET_MS) problems.push(`answered in ${elapsedMs.toFixed(0)} ms`);
    if (problems.length > 0) {
      throw new Error(
        `${problems.join('; ')}\n${describeRequest(request)}\n  answer: ${res.status} ${String(res.headers['content-type'])} ${JSON.stringify(res.body.subarray(0, 300).toString('utf8'))}`,
      );
    }
  }

  async function fuzz(
    arbitrary: fc.Arbitrary<FuzzRequest>,
    check: (request: FuzzRequest) => Promise<void>,
    numRuns = RUNS,
  ): Promise<void> {
    try {
      // failures print the request readably, not as a 100 kB Buffer
      const readable = arbitrary.map((request) =>
        Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) }),
      );
      await fc.assert(fc.asyncProperty(readable, check), { seed: SEED, numRuns });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`Reproduce with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n${message}`, {
        cause: error,
      });
    }
  }

  const overHttp = async (request: FuzzRequest) => {
    const res = await sendRaw(t.url, request);
    judge(request, res, res.elapsedMs);
  };

  it('answers JSON bodies of every shape, wrong types and prototype-pollution keys on every route', async () => {
    await fuzz(jsonBodies(context), overHttp, RUNS * 2);
  }, 180_000);

  it('answers truncated, mistyped, empty, invalid UTF-8, duplicate-key and deeply nested bodies', async () => {
    await fuzz(brokenBodies(context), overHttp, RUNS * 2);
  }, 180_000);

  it('answers bodies around and over the 100 kB limit, 413 exactly above it', async () => {
    await fuzz(
      hugeBodies(context),
      async (request) => {
        const res = await sendRaw(t.url, request);
        judge(request, res, res.elapsedMs);
        const size = request.body?.length ?? 0;
        if (size > BODY_LIMIT_BYTES) expect(res.status).toBe(413);
        else expect(res.status).not.toBe(413);
      },
      Math.max(10, Math.ceil(RUNS / 3)),
    );
  }, 180_000);

  it('answers bad UUIDs, path junk, other methods and unknown paths', async () => {
    await fuzz(paths(context), overHttp, RUNS * 2);
  }, 180_000);

  it('answers odd, huge, non-ASCII and repeated headers, and bogus Authorization schemes and tokens', async () => {
    await fuzz(oddHeaders(context), overHttp, RUNS * 2);
  }, 180_000);

  it('answers fuzzed X-Forwarded-For, Authorization, X-Request-Id, Content-Type and Accept-Language on every route (TRUST_PROXY=2)', async () => {
    await fuzz(headerValues(context), overHttp, RUNS * 2);
  }, 180_000);

  it('answers the same header values with TRUST_PROXY as a list of proxy addresses', async () => {
    await fuzz(
      headerValues(context),
      async (request) => {
        const res = await sendRaw(behindListedProxy.url, request);
        judge(request, res, res.elapsedMs);
      },
      RUNS,
    );
  }, 180_000);

  it('answers malformed request lines and header blocks on the wire', async () => {
    await fuzz(
      malformedWire(context),
      async (request) => {
        const wire = request.body ?? Buffer.alloc(0);
        const res = await sendOverSocket(t.url, wire);
        if (res.status === 400 && res.body.length === 0 && lacksHost(wire)) {
          // Known deviation, reported: Node itself answers a well-formed HTTP/1.1 request without
          // Host (RFC 9112 §3.2 requires the 400) with an empty body before Fastify or Nest run,
          // and offers no hook to shape it. Only that exact answer is let through.
          expect(res.headers['content-type']).toBeUndefined();
          expect(res.headers.connection).toBe('close');
          measured.record(
            { ...request, kind: 'malformed-wire-no-host' },
            res.status,
            res.elapsedMs,
          );
          return;
        }
        // a server may close a connection it cannot parse; if it answers, the answer is judged
        if (res.status === 0) {
          expect(res.body.length).toBe(0);
          const how = `${request.kind}-closed-without-answer:${request.method.slice(0, 12)}`;
          measured.record({ ...request, kind: how }, 0, res.closedAfterMs);
          return;
        }
        judge(request, res, res.elapsedMs);
      },
      Math.max(20, RUNS),
    );
  }, 180_000);

  it('is unharmed afterwards: no prototype polluted, the account and the database still answer', async () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const me = await sendRaw(t.url, {
      method: 'GET',
      path: '/v1/users/me',
      headers: [['authorization', `Bearer ${context.user.accessToken}`]],
    });
    expect(me.status).toBe(200);
    const user = JSON.parse(me.body.toString()) as Record<string, unknown>;
    expect(user).not.toHaveProperty('polluted');
    expect(user).not.toHaveProperty('isAdmin');
    const ready = await sendRaw(t.url, { method: 'GET', path: '/health/ready' });
    expect(ready.status).toBe(200);
  });

  describe('regressions: what the fuzzer found', () => {
    const asProblem = (res: RawResponse) => {
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      const body = JSON.parse(res.body.toString()) as Record<string, unknown>;
      expect(body).toMatchObject({ type: 'about:blank', status: res.status });
      return body;
    };
    const postJson = (path: string, text: string, ip: string) =>
      sendRaw(t.url, {
        method: 'POST',
        path,
        headers: [
          ['content-type', 'application/json'],
          ['x-forwarded-for', ip],
          ['authorization', `Bearer ${context.user.accessToken}`],
        ],
        body: Buffer.from(text),
      });

    it.each([
      ['2 000 nested arrays', `{"username":${'['.repeat(2000)}1${']'.repeat(2000)}}`],
      ['50 000 nested arrays', `{"username":${'['.repeat(50_000)}${']'.repeat(50_000)}}`],
      ['5 000 nested objects', `{"password":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
    ])(
      'answers %s (class-transformer overflowed the stack: 500) with 400 VALIDATION_FAILED',
      async (_name, text) => {
        const res = await postJson('/v1/auth/login', text, '198.51.100.1');
        expect(res.status).toBe(400);
        expect(asProblem(res)).toMatchObject({
          code: 'VALIDATION_FAILED',
          errors: [
            {
              field: expect.stringMatching(/^(username|password)$/),
              message: expect.stringContaining('nests more than'),
            },
          ],
        });
      },
    );

    it('still accepts what nests within the bound (an ordinary body is one level)', async () => {
      const res = await postJson(
        '/v1/auth/login',
        '{"username":"nobody-here","password":"wrong password"}',
        '198.51.100.2',
      );
      expect(res.status).toBe(401);
    });

    it.each([
      [
        '/v1/auth/register',
        'email',
        '{"username":"surrogate_a","password":"long enough pw","email":"\\ud800@example.com"}',
      ],
      [
        '/v1/auth/register',
        'firstName',
        '{"username":"surrogate_b","password":"long enough pw","firstName":"R\\udc00m"}',
      ],
      ['/v1/phone-verifications', 'phone', '{"phone":"98412\\ud83d34567"}'],
      ['/v1/phone-verifications/check', 'code', '{"phone":"9841234567","code":"12345\\udfff"}'],
    ])(
      'answers a lone surrogate (escaped in JSON) on %s %s with 400 (isEmail threw: 500; names were stored as U+FFFD)',
      async (path, field, text) => {
        const res = await postJson(path, text, '198.51.100.3');
        expect(res.status).toBe(400);
        expect(asProblem(res)).toMatchObject({
          code: 'VALIDATION_FAILED',
          errors: [{ field, message: expect.stringContaining('lone surrogate') }],
        });
      },
    );

    it('still accepts astral characters (a surrogate pair) where free text is allowed', async () => {
      const res = await postJson(
        '/v1/auth/register',
        `{"username":"pair_${Date.now().toString(36)}","password":"long enough pw","firstName":"Ram \\ud83d\\udcf1"}`,
        '198.51.100.4',
      );
      expect(res.status).toBe(201);
      expect(JSON.parse(res.body.toString()).user.firstName).toBe('Ram \u{1f4f1}');
    });

    it('answers a path parameter over Fastify’s maxParamLength with a 414 problem that does not echo the URL', async () => {
      // (a GET that long falls through to the static files' wildcard route instead: 404 NOT_FOUND)
      const id = 'z'.repeat(101);
      const res = await sendRaw(t.url, {
        method: 'DELETE',
        path: `/v1/phone-verifications/${id}`,
      });
      expect(res.status).toBe(414);
      expect(asProblem(res)).toMatchObject({ code: 'URI_TOO_LONG' });
      expect(res.body.toString()).not.toContain(id);
    });

    it('answers a malformed %-escape in the path with a 400 problem naming the path', async () => {
      const res = await sendRaw(t.url, { method: 'GET', path: '/v1/phone-verifications/%zz' });
      expect(res.status).toBe(400);
      expect(asProblem(res)).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'path' }],
      });
    });

    it('answers headers over Node’s 16 KiB limit with a 431 problem and closes the connection', async () => {
      const res = await sendRaw(t.url, {
        method: 'GET',
        path: '/v1/users/me',
        headers: [['x-padding', 'x'.repeat(20_000)]],
      });
      expect(res.status).toBe(431);
      expect(asProblem(res)).toMatchObject({ code: 'HEADERS_TOO_LARGE' });
      expect(res.headers.connection).toBe('close');
    });

    it('answers an Expect other than 100-continue with a 417 problem (Node sent an empty 417)', async () => {
      const res = await sendRaw(t.url, {
        method: 'GET',
        path: '/health/live',
        headers: [['expect', 'the-impossible']],
      });
      expect(res.status).toBe(417);
      expect(asProblem(res)).toMatchObject({ code: 'EXPECTATION_FAILED' });
    });

    it('still honours Expect: 100-continue', async () => {
      const res = await postJson(
        '/v1/auth/login',
        '{"username":"nobody-here","password":"x"}',
        '198.51.100.5',
      );
      expect(res.status).toBe(401);
    });

    it.each([
      ['an unknown HTTP version', 'GET /health/live HTTP/9.9\r\nHost: x\r\n\r\n'],
      ['a header line without a colon', 'GET /health/live HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n'],
      [
        'Content-Length with Transfer-Encoding',
        'POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ],
      ['a NUL in the request line', 'GET /health/live\u0000 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ])(
      'answers %s (Fastify sent its own JSON) with a 400 problem and closes',
      async (_name, wire) => {
        const res = await sendOverSocket(t.url, Buffer.from(wire, 'latin1'));
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
        expect(JSON.parse(res.body.toString())).toMatchObject({
          status: 400,
          code: 'VALIDATION_FAILED',
        });
        expect(res.headers.connection).toBe('close');
      },
    );

    // Found by this suite: the access token is checked without a database read, so a still-valid
    // token of an account deleted meanwhile reaches PhoneVerificationService.start, whose INSERT
    // the foreign key refuses. GET /v1/users/me answers that token with 401; so does this now.
    it('a valid token of a deleted account gets 401 on POST /v1/phone-verifications, not a 500', async () => {
      const gone = await registerUser(t.url);
      await t.dataSource.query('DELETE FROM users WHERE id = $1', [gone.id]);
      const res = await sendRaw(t.url, {
        method: 'POST',
        path: '/v1/phone-verifications',
        headers: [
          ['content-type', 'application/json'],
          ['authorization', `Bearer ${gone.accessToken}`],
          ['x-forwarded-for', '198.51.100.9'],
        ],
        body: Buffer.from('{"phone":"9841000001"}'),
      });
      expect(res.status).toBe(401);
    });

    it('KNOWN DEVIATION, reported: Node answers an HTTP/1.1 request without Host with an empty 400 before the app runs', async () => {
      const res = await sendOverSocket(
        t.url,
        Buffer.from('GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n'),
      );
      expect(res.status).toBe(400);
      expect(res.body.length).toBe(0);
      expect(res.headers['content-type']).toBeUndefined();
    });
  });

  it('took under a second for every answer it measured', () => {
    expect(measured.times.length).toBeGreaterThan(0);
    expect(measured.slowest.ms).toBeLessThan(RESPONSE_BUDGET_MS);
  });
});
