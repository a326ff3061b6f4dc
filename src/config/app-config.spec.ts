import { loadConfiguration } from '../configuration';
import { ConfigurationError, DEV_JWT_SECRET } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfiguration(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('loadConfiguration', () => {
  it('gives every documented default with an empty environment', () => {
    const config = loadConfiguration({});
    expect(config.nodeEnv).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe('./data');
    expect(config.database.migrateOnBoot).toBe(true);
    expect(config.auth).toMatchObject({
      jwtSecret: DEV_JWT_SECRET,
      accessTtlSeconds: 900,
      refreshTtlSeconds: 2_592_000,
    });
    expect(config.otp).toMatchObject({
      length: 6,
      ttlSeconds: 600,
      maxAttempts: 5,
      resendCooldownSeconds: 60,
      maxSendsPerPhonePerHour: 5,
      maxSendsPerUserPerDay: 10,
      maxSendsPerIpPerHour: 20,
      allowedOperators: ['NTC', 'NCELL'],
      retentionDays: 30,
    });
    expect(config.sms).toMatchObject({
      gateways: ['console'],
      dailyBudget: 1000,
      brand: 'Example',
      failureThreshold: 5,
      openSeconds: 30,
      defaultLocale: 'en',
      templates: { en: undefined, ne: undefined },
      allowTestNumbersInProduction: false,
    });
    expect(config.sms.aakash).toMatchObject({
      baseUrl: 'https://sms.aakashsms.com',
      timeoutMs: 5000,
    });
    expect(config.sms.sparrow).toMatchObject({
      baseUrl: 'https://api.sparrowsms.com',
      timeoutMs: 5000,
    });
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.http.trustProxy).toEqual({ hops: 0 });
    expect(config.logLevel).toBe('info');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfiguration({ PORT: '', OTP_LENGTH: '  ' }).otp.length).toBe(6);
  });

  it('refuses OTP_LENGTH=3 and names the variable', () => {
    expect(() => loadConfiguration({ OTP_LENGTH: '3' })).toThrow(
      /OTP_LENGTH: must be a whole number from 4 to 10 \(got "3"\)/,
    );
  });

  it('refuses numbers that are not plain integers', () => {
    expect(problemsOf({ PORT: '3e3', OTP_TTL_SECONDS: '10.5', OTP_MAX_ATTEMPTS: 'five' })).toEqual([
      'PORT',
      'OTP_TTL_SECONDS',
      'OTP_MAX_ATTEMPTS',
    ]);
  });

  it('names every bad variable at once', () => {
    expect(
      problemsOf({
        NODE_ENV: 'production',
        OTP_LENGTH: '3',
        LOG_LEVEL: 'loud',
        DB_MIGRATE_ON_BOOT: 'maybe',
      }).sort(),
    ).toEqual(
      [
        'CHALLENGE_HMAC_SECRET',
        'DB_MIGRATE_ON_BOOT',
        'JWT_SECRET',
        'LOG_LEVEL',
        'OTP_HMAC_SECRET',
        'OTP_LENGTH',
        'SMS_GATEWAY',
      ].sort(),
    );
  });

  it('in production requires every secret and refuses the console gateway', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).sort()).toEqual([
      'CHALLENGE_HMAC_SECRET',
      'JWT_SECRET',
      'OTP_HMAC_SECRET',
      'SMS_GATEWAY',
    ]);
    const secret = 'x'.repeat(32);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        JWT_SECRET: secret,
        OTP_HMAC_SECRET: secret,
        CHALLENGE_HMAC_SECRET: secret,
        SMS_GATEWAY: 'sparrow',
        SPARROW_TOKEN: 't',
        SPARROW_FROM: 'Demo',
      }),
    ).toEqual([]);
  });

  it('never echoes a secret in the message', () => {
    expect(() => loadConfiguration({ JWT_SECRET: 'short-secret-value' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('short-secret-value') }),
    );
  });

  it('requires the Sparrow token and sender with SMS_GATEWAY=sparrow', () => {
    const secret = 'x'.repeat(32);
    expect(
      problemsOf({
        SMS_GATEWAY: 'sparrow',
        JWT_SECRET: secret,
        OTP_HMAC_SECRET: secret,
        CHALLENGE_HMAC_SECRET: secret,
      }).sort(),
    ).toEqual(['SPARROW_FROM', 'SPARROW_TOKEN']);
  });

  // Found in the review of issue 14: with a real gateway and NODE_ENV unset, the service started
  // with the development JWT secret published in this repository, and a forged token read data.
  it('with a real gateway, whatever NODE_ENV says, refuses to start without the secrets, naming each', () => {
    const sparrow = { SMS_GATEWAY: 'sparrow', SPARROW_TOKEN: 't', SPARROW_FROM: 'Demo' };
    const nodeEnvs: Array<Record<string, string>> = [
      {},
      { NODE_ENV: 'development' },
      { NODE_ENV: 'test' },
    ];
    for (const nodeEnv of nodeEnvs) {
      expect(problemsOf({ ...sparrow, ...nodeEnv }).sort()).toEqual([
        'CHALLENGE_HMAC_SECRET',
        'JWT_SECRET',
        'OTP_HMAC_SECRET',
      ]);
    }
    expect(() => loadConfiguration(sparrow)).toThrow(
      /JWT_SECRET: is required with a real SMS gateway \(SMS_GATEWAY=sparrow\)[^]*OTP_HMAC_SECRET: is required with a real SMS gateway/,
    );
    const challenge = { CHALLENGE_HMAC_SECRET: 'c'.repeat(32) };
    expect(problemsOf({ ...sparrow, ...challenge, JWT_SECRET: 'j'.repeat(32) })).toEqual([
      'OTP_HMAC_SECRET',
    ]);
    expect(problemsOf({ ...sparrow, ...challenge, OTP_HMAC_SECRET: 'o'.repeat(32) })).toEqual([
      'JWT_SECRET',
    ]);
  });

  it('keeps the development secrets for the console gateway outside production', () => {
    expect(loadConfiguration({ SMS_GATEWAY: 'console' }).auth.jwtSecret).toBe(DEV_JWT_SECRET);
  });

  it('accepts only known operators', () => {
    expect(
      loadConfiguration({ PHONE_ALLOWED_OPERATORS: 'ntc, smart' }).otp.allowedOperators,
    ).toEqual(['NTC', 'SMART']);
    expect(problemsOf({ PHONE_ALLOWED_OPERATORS: 'NTC,VODAFONE' })).toEqual([
      'PHONE_ALLOWED_OPERATORS',
    ]);
  });

  it('parses booleans strictly and proxy hops', () => {
    expect(loadConfiguration({ DB_MIGRATE_ON_BOOT: 'false' }).database.migrateOnBoot).toBe(false);
    expect(loadConfiguration({ TRUST_PROXY: 'true' }).http.trustProxy).toEqual({ hops: 1 });
    expect(loadConfiguration({ TRUST_PROXY: '2' }).http.trustProxy).toEqual({ hops: 2 });
    expect(loadConfiguration({ TRUST_PROXY: 'FALSE' }).http.trustProxy).toEqual({ hops: 0 });
  });

  it('takes TRUST_PROXY as a list of proxy addresses and CIDRs, IPv4 and IPv6', () => {
    expect(
      loadConfiguration({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::1,loopback' }).http
        .trustProxy,
    ).toEqual({ proxies: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1', 'loopback'] });
  });

  it.each(['sometimes', '10.0.0.0/33', '10.0.0.0/8,proxy.example', '2001:db8::/129', ', ,', '-1'])(
    'refuses TRUST_PROXY=%j, naming the entries that are not addresses',
    (value) => {
      expect(problemsOf({ TRUST_PROXY: value })).toEqual(['TRUST_PROXY']);
    },
  );

  it('names the bad entry of a TRUST_PROXY list', () => {
    expect(() => loadConfiguration({ TRUST_PROXY: '10.0.0.1,proxy.example' })).toThrow(
      /TRUST_PROXY: .*\(not an address or CIDR: proxy\.example\)/,
    );
  });

  it('refuses an SMS brand that would not fit one GSM-7 SMS', () => {
    expect(problemsOf({ SMS_BRAND: 'नमस्ते' })).toEqual(['SMS_BRAND']);
    expect(
      problemsOf({
        SMS_BRAND: 'B'.repeat(30),
        OTP_LENGTH: '10',
        OTP_WEBOTP_DOMAIN: `${'d'.repeat(60)}.example.com`,
      }),
    ).toEqual(['SMS_BRAND', 'SMS_BRAND', 'SMS_BRAND']);
  });

  it('names the Nepali SMS when a long brand fits English but not one UCS-2 SMS', () => {
    expect(() => loadConfiguration({ SMS_BRAND: 'Kathmandu Valley Bank' })).toThrow(
      /SMS_BRAND: with SMS_BRAND "Kathmandu Valley Bank", .* the Nepali SMS \(built-in text\) without the app-hash and WebOTP lines is 7\d UTF-16 units; one UCS-2 SMS holds 70 \(\d+ too many\)/,
    );
  });

  it('refuses an oversized SMS_TEMPLATE_NE at start-up, saying by how much', () => {
    const template = `{code} तपाईंको {brand} प्रमाणीकरण कोड हो। कृपया यो कोड कसैलाई नदिनुहोस्। {minutes} मिनेटसम्म मान्य।`;
    expect(() => loadConfiguration({ SMS_TEMPLATE_NE: template })).toThrow(
      /SMS_TEMPLATE_NE: .* is \d+ UTF-16 units; one UCS-2 SMS holds 70 \(\d+ too many\)/,
    );
    expect(problemsOf({ SMS_TEMPLATE_NE: 'तपाईंको कोड' })).toEqual(['SMS_TEMPLATE_NE']);
    expect(
      loadConfiguration({ SMS_TEMPLATE_NE: '{code} {brand} कोड। {minutes} मिनेट।' }).sms.templates,
    ).toEqual({ en: undefined, ne: '{code} {brand} कोड। {minutes} मिनेट।' });
  });

  it('takes an ordered list of gateways, each with its credentials', () => {
    const both = {
      // real gateways need the secrets, whatever NODE_ENV says
      JWT_SECRET: 'j'.repeat(32),
      OTP_HMAC_SECRET: 'o'.repeat(32),
      CHALLENGE_HMAC_SECRET: 'c'.repeat(32),
      SMS_GATEWAY: 'aakash, Sparrow',
      SPARROW_TOKEN: 't',
      SPARROW_FROM: 'Demo',
      AAKASH_TOKEN: 'a',
    };
    expect(loadConfiguration(both).sms.gateways).toEqual(['aakash', 'sparrow']);
    expect(problemsOf({ ...both, AAKASH_TOKEN: '' })).toEqual(['AAKASH_TOKEN']);
    expect(problemsOf({ ...both, SMS_GATEWAY: 'sparrow,twilio' })).toEqual(['SMS_GATEWAY']);
    expect(problemsOf({ ...both, SMS_GATEWAY: 'sparrow,sparrow' })).toEqual(['SMS_GATEWAY']);
    expect(() => loadConfiguration({ ...both, SMS_GATEWAY: 'console,sparrow' })).toThrow(
      /SMS_GATEWAY: names "console", which only works alone/,
    );
  });

  it('reads test numbers, and refuses them in production unless allowed', () => {
    const secret = 'x'.repeat(32);
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: secret,
      OTP_HMAC_SECRET: secret,
      CHALLENGE_HMAC_SECRET: secret,
      SMS_GATEWAY: 'sparrow',
      SPARROW_TOKEN: 't',
      SPARROW_FROM: 'Demo',
      TEST_PHONE_NUMBERS: '9800000001:123456, +9779800000002:654321',
    };
    expect(
      loadConfiguration({ TEST_PHONE_NUMBERS: production.TEST_PHONE_NUMBERS }).sms.testNumbers,
    ).toBe('9800000001:123456, +9779800000002:654321');
    expect(() => loadConfiguration(production)).toThrow(
      /TEST_PHONE_NUMBERS: is refused when NODE_ENV=production/,
    );
    expect(problemsOf({ ...production, ALLOW_TEST_PHONE_NUMBERS_IN_PRODUCTION: 'true' })).toEqual(
      [],
    );
    expect(() => loadConfiguration({ TEST_PHONE_NUMBERS: '1234:123456' })).toThrow(
      /"1234" is not a 10-digit Nepali mobile number/,
    );
    expect(() => loadConfiguration({ TEST_PHONE_NUMBERS: '9800000001:12' })).toThrow(
      /the code for 9800000001 must be 6 digits/,
    );
    expect(problemsOf({ TEST_PHONE_NUMBERS: 'nonsense' })).toEqual(['TEST_PHONE_NUMBERS']);
  });

  it('takes the SMS default language from en and ne only', () => {
    expect(loadConfiguration({ SMS_DEFAULT_LOCALE: 'ne' }).sms.defaultLocale).toBe('ne');
    expect(problemsOf({ SMS_DEFAULT_LOCALE: 'hi' })).toEqual(['SMS_DEFAULT_LOCALE']);
  });

  it('splits CORS origins', () => {
    expect(
      loadConfiguration({ CORS_ORIGINS: 'https://a.example, https://b.example' }).http.corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
  });
});
