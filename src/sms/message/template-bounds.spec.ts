import fc from 'fast-check';
import { SegmentedMessage } from 'sms-segments-calculator';
import {
  DEFAULT_OTP_TEMPLATES,
  renderOtpSms,
  renderOtpSmsBody,
  SMS_LOCALES,
  SmsLocale,
} from './otp-templates';
import { TemplateBoundsConfig, templateProblems } from './template-bounds';

const APP_HASH = 'FA+9qCX9VSu';
const config: TemplateBoundsConfig = { brand: 'Example', codeLength: 6, ttlSeconds: 600 };

/** A valid host name of exactly `length` characters (6 or more): two labels and `.np`. */
function hostOfLength(length: number): string {
  const first = Math.ceil((length - 4) / 2);
  const host = `${'a'.repeat(first)}.${'b'.repeat(length - 4 - first)}.np`;
  expect(host).toHaveLength(length);
  return host;
}

const problemsOf = (locale: SmsLocale, template: string, options: TemplateBoundsConfig) =>
  templateProblems(locale, template, options);

describe('templateProblems', () => {
  it.each(SMS_LOCALES)('accepts the built-in %s text with the default configuration', (locale) => {
    expect(problemsOf(locale, DEFAULT_OTP_TEMPLATES[locale], config)).toEqual([]);
    expect(
      problemsOf(locale, DEFAULT_OTP_TEMPLATES[locale], {
        ...config,
        codeLength: 10,
        androidAppHash: APP_HASH,
        webOtpDomain: 'verify.example.com',
      }),
    ).toEqual([]);
  });

  describe('any template', () => {
    it.each(SMS_LOCALES)('refuses a %s template without {code}', (locale) => {
      expect(problemsOf(locale, 'Your {brand} code', config)).toEqual([
        {
          variable: `SMS_TEMPLATE_${locale.toUpperCase()}`,
          problem: 'must contain {code}, where the code goes',
        },
      ]);
    });

    it('refuses unknown placeholders, naming them', () => {
      expect(problemsOf('ne', '{Code} {code} {otp} {minutes}', config)).toEqual([
        {
          variable: 'SMS_TEMPLATE_NE',
          problem:
            'has unknown placeholders {Code}, {otp}; the placeholders are {code}, {brand} and {minutes}',
        },
      ]);
    });
  });

  describe('English: one GSM-7 SMS, and 140 bytes with an app hash', () => {
    const code10 = { ...config, codeLength: 10 };

    it('accepts 160 GSM-7 characters and refuses 161, saying by how much', () => {
      expect(problemsOf('en', `${'x'.repeat(150)}{code}`, code10)).toEqual([]);
      expect(problemsOf('en', `${'x'.repeat(151)}{code}`, code10)).toEqual([
        {
          variable: 'SMS_TEMPLATE_EN',
          problem:
            'with SMS_BRAND "Example", OTP_LENGTH 10 and OTP_TTL_SECONDS 600, the English SMS (SMS_TEMPLATE_EN) is 161 GSM-7 characters; one GSM-7 SMS holds 160 (1 too many)',
        },
      ]);
    });

    it('counts each extension character as two', () => {
      expect(problemsOf('en', `${'€'.repeat(75)}{code}`, code10)).toEqual([]);
      expect(problemsOf('en', `${'€'.repeat(76)}{code}`, code10)).toEqual([
        {
          variable: 'SMS_TEMPLATE_EN',
          problem:
            'with SMS_BRAND "Example", OTP_LENGTH 10 and OTP_TTL_SECONDS 600, the English SMS (SMS_TEMPLATE_EN) is 162 GSM-7 characters (each of € [ ] { } | ^ ~ \\ counts two); one GSM-7 SMS holds 160 (2 too many)',
        },
      ]);
    });

    it('counts the WebOTP line into the 160', () => {
      // k + 6 + 43 (newline, @, 33-character host, space, #, code)
      const options = { ...config, webOtpDomain: hostOfLength(33) };
      expect(problemsOf('en', `${'x'.repeat(111)}{code}`, options)).toEqual([]);
      expect(problemsOf('en', `${'x'.repeat(112)}{code}`, options)).toEqual([
        {
          variable: 'SMS_TEMPLATE_EN',
          problem:
            'with SMS_BRAND "Example", OTP_LENGTH 6 and OTP_TTL_SECONDS 600, the English SMS (SMS_TEMPLATE_EN) with the OTP_WEBOTP_DOMAIN line is 161 GSM-7 characters; one GSM-7 SMS holds 160 (1 too many)',
        },
      ]);
    });

    it('counts the app-hash line into the 160 too (where [ is two septets but one byte)', () => {
      // 2 × 49 + 1 + 6 + 12 (hash line) + 43 (WebOTP line) = 160 septets, 111 bytes
      const options = { ...config, androidAppHash: APP_HASH, webOtpDomain: hostOfLength(33) };
      expect(problemsOf('en', `${'['.repeat(49)}x{code}`, options)).toEqual([]);
      expect(problemsOf('en', `${'['.repeat(50)}{code}`, options)).toEqual([
        {
          variable: 'SMS_TEMPLATE_EN',
          problem:
            'with SMS_BRAND "Example", OTP_LENGTH 6 and OTP_TTL_SECONDS 600, the English SMS (SMS_TEMPLATE_EN) with the OTP_ANDROID_APP_HASH and OTP_WEBOTP_DOMAIN lines is 161 GSM-7 characters (each of € [ ] { } | ^ ~ \\ counts two); one GSM-7 SMS holds 160 (1 too many)',
        },
      ]);
    });

    it('refuses more than 140 UTF-8 bytes only when an app hash is set', () => {
      // £ is one septet but two UTF-8 bytes: 61 × 2 + 1 + 6 + 12 (hash line) = 141 bytes, 80 septets
      const template = `${'£'.repeat(61)}a{code}`;
      expect(problemsOf('en', template, config)).toEqual([]);
      expect(problemsOf('en', template, { ...config, androidAppHash: APP_HASH })).toEqual([
        {
          variable: 'SMS_TEMPLATE_EN',
          problem:
            'with SMS_BRAND "Example", OTP_LENGTH 6 and OTP_TTL_SECONDS 600, the English SMS (SMS_TEMPLATE_EN) with the OTP_ANDROID_APP_HASH line is 141 bytes (UTF-8); with OTP_ANDROID_APP_HASH set the SMS Retriever reads at most 140 (1 too many)',
        },
      ]);
      expect(
        problemsOf('en', `${'£'.repeat(61)}{code}`, { ...config, androidAppHash: APP_HASH }),
      ).toEqual([]);
    });

    it('lays a too-long built-in text on SMS_BRAND, the value the operator chose', () => {
      // 52 + 10 + 2 (minutes) = 64 fixed; with the hash line (12) 140 bytes leave 64 for the brand
      const withHash = { ...code10, androidAppHash: APP_HASH };
      expect(
        problemsOf('en', DEFAULT_OTP_TEMPLATES.en, { ...withHash, brand: 'B'.repeat(64) }),
      ).toEqual([]);
      const brand = 'B'.repeat(65);
      expect(problemsOf('en', DEFAULT_OTP_TEMPLATES.en, { ...code10, brand })).toEqual([]);
      expect(
        problemsOf('en', DEFAULT_OTP_TEMPLATES.en, { ...code10, brand, androidAppHash: APP_HASH }),
      ).toEqual([
        {
          variable: 'SMS_BRAND',
          problem: `with SMS_BRAND "${brand}", OTP_LENGTH 10 and OTP_TTL_SECONDS 600, the English SMS (built-in text) with the OTP_ANDROID_APP_HASH line is 141 bytes (UTF-8); with OTP_ANDROID_APP_HASH set the SMS Retriever reads at most 140 (1 too many)`,
        },
      ]);
    });

    it('refuses a template with characters outside GSM-7, naming them, and does not measure it', () => {
      expect(problemsOf('en', '{code} is your code — don’t share it', config)).toEqual([
        {
          variable: 'SMS_TEMPLATE_EN',
          problem:
            'has characters outside GSM-7: — (U+2014), ’ (U+2019); the English SMS must be one GSM-7 SMS, and any of these would send it as UCS-2',
        },
      ]);
    });

    it('refuses a brand outside GSM-7 for English, and accepts it for Nepali', () => {
      const options = { ...config, brand: 'नमस्ते' };
      const problems = problemsOf('en', DEFAULT_OTP_TEMPLATES.en, options);
      expect(problems.map((p) => p.variable)).toEqual(['SMS_BRAND']);
      expect(problems[0].problem).toMatch(/^has characters outside GSM-7: न \(U\+0928\), म/);
      expect(problemsOf('ne', DEFAULT_OTP_TEMPLATES.ne, options)).toEqual([]);
    });

    it('accepts GSM-7 that only looks exotic: Greek capitals, £, ¥, €', () => {
      expect(problemsOf('en', '{code} ΔΦΓΛΩΠΨΣΘΞ £¥€ {brand}', config)).toEqual([]);
    });
  });

  describe('Nepali: one UCS-2 SMS without the optional lines, two with them', () => {
    it('accepts 70 UTF-16 units and refuses 71 (46 fixed + 6 + १० leaves 16 for the brand)', () => {
      expect(
        problemsOf('ne', DEFAULT_OTP_TEMPLATES.ne, { ...config, brand: 'B'.repeat(16) }),
      ).toEqual([]);
      expect(
        problemsOf('ne', DEFAULT_OTP_TEMPLATES.ne, { ...config, brand: 'B'.repeat(17) }),
      ).toEqual([
        {
          variable: 'SMS_BRAND',
          problem: `with SMS_BRAND "${'B'.repeat(17)}", OTP_LENGTH 6 and OTP_TTL_SECONDS 600, the Nepali SMS (built-in text) without the app-hash and WebOTP lines is 71 UTF-16 units; one UCS-2 SMS holds 70 (1 too many)`,
        },
      ]);
    });

    it('measures with the configured lifetime: १४४० minutes is two units more than १०', () => {
      const options = { ...config, brand: 'B'.repeat(16), ttlSeconds: 86_400 };
      expect(problemsOf('ne', DEFAULT_OTP_TEMPLATES.ne, options)).toEqual([
        {
          variable: 'SMS_BRAND',
          problem: `with SMS_BRAND "${'B'.repeat(16)}", OTP_LENGTH 6 and OTP_TTL_SECONDS 86400, the Nepali SMS (built-in text) without the app-hash and WebOTP lines is 72 UTF-16 units; one UCS-2 SMS holds 70 (2 too many)`,
        },
      ]);
    });

    it('measures with the longest code', () => {
      const options = { ...config, brand: 'B'.repeat(12) };
      expect(problemsOf('ne', DEFAULT_OTP_TEMPLATES.ne, { ...options, codeLength: 10 })).toEqual(
        [],
      );
      expect(
        problemsOf('ne', DEFAULT_OTP_TEMPLATES.ne, {
          ...options,
          brand: 'B'.repeat(13),
          codeLength: 10,
        }),
      ).toHaveLength(1);
    });

    it('accepts 134 units with the app-hash and WebOTP lines and refuses 135', () => {
      // body 61 + hash line 12 + WebOTP line (2 + host + 2 + 6) = 83 + host
      const options = { ...config, androidAppHash: APP_HASH };
      const template = DEFAULT_OTP_TEMPLATES.ne;
      expect(problemsOf('ne', template, { ...options, webOtpDomain: hostOfLength(51) })).toEqual(
        [],
      );
      expect(problemsOf('ne', template, { ...options, webOtpDomain: hostOfLength(52) })).toEqual([
        {
          variable: 'SMS_BRAND',
          problem:
            'with SMS_BRAND "Example", OTP_LENGTH 6 and OTP_TTL_SECONDS 600, the Nepali SMS (built-in text) with the OTP_ANDROID_APP_HASH and OTP_WEBOTP_DOMAIN lines is 135 UTF-16 units; two UCS-2 SMS hold 134 (1 too many)',
        },
      ]);
    });

    it('reports the body and the whole separately, on SMS_TEMPLATE_NE for a configured template', () => {
      const template = `{code} ${'क'.repeat(70)}`;
      const problems = problemsOf('ne', template, { ...config, webOtpDomain: hostOfLength(60) });
      expect(problems).toEqual([
        {
          variable: 'SMS_TEMPLATE_NE',
          problem:
            'with SMS_BRAND "Example", OTP_LENGTH 6 and OTP_TTL_SECONDS 600, the Nepali SMS (SMS_TEMPLATE_NE) without the app-hash and WebOTP lines is 77 UTF-16 units; one UCS-2 SMS holds 70 (7 too many)',
        },
        {
          variable: 'SMS_TEMPLATE_NE',
          problem:
            'with SMS_BRAND "Example", OTP_LENGTH 6 and OTP_TTL_SECONDS 600, the Nepali SMS (SMS_TEMPLATE_NE) with the OTP_WEBOTP_DOMAIN line is 147 UTF-16 units; two UCS-2 SMS hold 134 (13 too many)',
        },
      ]);
    });

    it('refuses 134 units that need a third SMS because an emoji straddles the parts', () => {
      // code 4 + 62 क + 😀 = 68 units (the emoji on units 67–68); + 12 + (2 + 46 + 2 + 4) = 134
      const options = {
        ...config,
        codeLength: 4,
        brand: `${'क'.repeat(62)}😀`,
        androidAppHash: APP_HASH,
        webOtpDomain: hostOfLength(46),
      };
      expect(problemsOf('ne', '{code}{brand}', options)).toEqual([
        {
          variable: 'SMS_TEMPLATE_NE',
          problem: `with SMS_BRAND "${options.brand}", OTP_LENGTH 4 and OTP_TTL_SECONDS 600, the Nepali SMS (SMS_TEMPLATE_NE) with the OTP_ANDROID_APP_HASH and OTP_WEBOTP_DOMAIN lines is 134 UTF-16 units but needs 3 SMS, because a two-unit character cannot be split across parts; two UCS-2 SMS hold 134`,
        },
      ]);
    });
  });
});

/*
 * The bounds, checked independently: sms-segments-calculator decides GSM-7 and one SMS for
 * English, Buffer counts the bytes, and for Nepali API.md's unit counts (70, 134) are taken
 * literally from the UTF-16 length. The code is all nines (templateProblems measures zeros).
 */
function fitsByReference(locale: SmsLocale, template: string, options: TemplateBoundsConfig) {
  if (!template.includes('{code}')) return false;
  const values = { ...options, code: '9'.repeat(options.codeLength) };
  const whole = renderOtpSms(locale, template, values);
  if (locale === 'en') {
    // the rule kept from before: SMS_BRAND is GSM-7 even where a template leaves it out
    if (new SegmentedMessage(options.brand).getEncodingName() !== 'GSM-7') return false;
    const sms = new SegmentedMessage(whole);
    const bytes = Buffer.byteLength(whole, 'utf8');
    return (
      sms.getEncodingName() === 'GSM-7' &&
      sms.segmentsCount === 1 &&
      (!options.androidAppHash || bytes <= 140)
    );
  }
  const body = renderOtpSmsBody(locale, template, values);
  const hasLines = Boolean(options.androidAppHash || options.webOtpDomain);
  return (
    new SegmentedMessage(body).getEncodingName() === 'UCS-2' &&
    body.length <= 70 &&
    (!hasLines || whole.length <= 134)
  );
}

describe('templateProblems against the bounds (property tests)', () => {
  it('finds no problem exactly when the rendered SMS fits, over every configured combination', () => {
    const verdicts = new Map<string, number>();
    for (const locale of SMS_LOCALES) {
      for (let codeLength = 4; codeLength <= 10; codeLength += 1) {
        for (const androidAppHash of [undefined, APP_HASH]) {
          for (const webOtpDomain of [undefined, 'verify.example.com', hostOfLength(60)]) {
            for (const ttlSeconds of [60, 600, 86_400]) {
              for (let brandLength = 1; brandLength <= 30; brandLength += 1) {
                const options = {
                  brand: 'B'.repeat(brandLength),
                  codeLength,
                  ttlSeconds,
                  androidAppHash,
                  webOtpDomain,
                };
                const template = DEFAULT_OTP_TEMPLATES[locale];
                const accepted = templateProblems(locale, template, options).length === 0;
                expect({ locale, ...options, accepted }).toEqual({
                  locale,
                  ...options,
                  accepted: fitsByReference(locale, template, options),
                });
                const key = `${locale}:${accepted}`;
                verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
              }
            }
          }
        }
      }
    }
    // 2 × 7 × 2 × 3 × 3 × 30 combinations, with both verdicts in both languages
    expect([...verdicts.values()].reduce((a, b) => a + b, 0)).toBe(7560);
    expect([...verdicts.keys()].sort()).toEqual(['en:false', 'en:true', 'ne:false', 'ne:true']);
  });

  const gsmChars = [
    ...'@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
    '€',
    '[',
    ']',
    '|',
    '^',
    '~',
    '\\',
  ];
  const gsm = fc.constantFrom(...gsmChars);
  const devanagari = fc.integer({ min: 0x0900, max: 0x097f }).map((c) => String.fromCodePoint(c));
  const hostLabel = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    minLength: 1,
    maxLength: 40,
    size: 'max',
  });
  const appHash = fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
    minLength: 11,
    maxLength: 11,
  });
  const text = (unit: fc.Arbitrary<string>, maxLength: number) =>
    fc.string({ unit, maxLength, size: 'max' });
  const placeholders = fc.subarray(['{brand}', '{minutes}']);

  const templates: Record<SmsLocale, fc.Arbitrary<string>> = {
    en: fc.oneof(
      fc.constant(DEFAULT_OTP_TEMPLATES.en),
      fc
        .tuple(text(gsm, 90), placeholders, text(gsm, 60))
        .map(([before, more, after]) => `${before}{code}${more.join(' ')}${after}`),
    ),
    ne: fc.oneof(
      fc.constant(DEFAULT_OTP_TEMPLATES.ne),
      fc
        .tuple(
          text(devanagari, 50).map((t) => `क${t}`),
          placeholders,
          text(fc.oneof(gsm, devanagari), 30),
        )
        .map(([before, more, after]) => `${before}{code}${more.join(' ')}${after}`),
    ),
  };
  const brands: Record<SmsLocale, fc.Arbitrary<string>> = {
    en: fc.oneof(
      { arbitrary: fc.string({ unit: gsm, minLength: 1, maxLength: 30, size: 'max' }), weight: 9 },
      { arbitrary: fc.string({ unit: devanagari, minLength: 1, maxLength: 5 }), weight: 1 },
    ),
    ne: fc.string({ unit: fc.oneof(gsm, devanagari), minLength: 1, maxLength: 30, size: 'max' }),
  };

  it.each(SMS_LOCALES)(
    'finds no problem exactly when the %s SMS fits, for random brands, templates, lifetimes and lines',
    (locale) => {
      const verdicts = { accepted: 0, refused: 0 };
      fc.assert(
        fc.property(
          templates[locale],
          brands[locale],
          fc.integer({ min: 4, max: 10 }),
          fc.integer({ min: 60, max: 86_400 }),
          fc.option(appHash, { nil: undefined }),
          fc.option(
            fc.tuple(hostLabel, hostLabel).map(([a, b]) => `${a}.${b}.np`),
            { nil: undefined },
          ),
          (template, brand, codeLength, ttlSeconds, androidAppHash, webOtpDomain) => {
            const options = { brand, codeLength, ttlSeconds, androidAppHash, webOtpDomain };
            const accepted = templateProblems(locale, template, options).length === 0;
            expect(accepted).toBe(fitsByReference(locale, template, options));
            verdicts[accepted ? 'accepted' : 'refused'] += 1;
          },
        ),
        { numRuns: 2000 },
      );
      // both sides of the bound were drawn often enough to mean something
      expect(verdicts.accepted).toBeGreaterThan(200);
      expect(verdicts.refused).toBeGreaterThan(200);
    },
  );
});
