import { ConfigurationError } from '../config/app-config';
import { loadConfiguration } from '../configuration';
import {
  gsm7Septets,
  isGsm7,
  OtpMessageOptions,
  otpMessageProblems,
  renderOtpMessage,
  SMS_MAX_SEPTETS,
  SMS_RETRIEVER_MAX_BYTES,
} from './otp-message';

const APP_HASH = 'FA+9qCX9VSu';

/** A valid host name of exactly `length` characters (6 to 130): two labels and `.np`. */
function hostOfLength(length: number): string {
  const first = Math.ceil((length - 4) / 2);
  const host = `${'a'.repeat(first)}.${'b'.repeat(length - 4 - first)}.np`;
  expect(host).toHaveLength(length);
  return host;
}

/** Options whose message, with the longest code, is exactly `size` long by `measure`. */
function optionsOfSize(
  size: number,
  codeLength: number,
  base: Omit<OtpMessageOptions, 'webOtpDomain'>,
  measure: (text: string) => number,
): OtpMessageOptions {
  const code = '0'.repeat(codeLength);
  const probe = measure(renderOtpMessage(code, { ...base, webOtpDomain: hostOfLength(10) }));
  const options = { ...base, webOtpDomain: hostOfLength(size - (probe - 10)) };
  expect(measure(renderOtpMessage(code, options))).toBe(size);
  return options;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('the verification SMS', () => {
  describe('text', () => {
    it('is the API.md sentence', () => {
      expect(renderOtpMessage('123456', { brand: 'Example', ttlSeconds: 600 })).toBe(
        '123456 is your Example verification code. It expires in 10 minutes.',
      );
    });

    it('puts the WebOTP line last, after the app hash', () => {
      const text = renderOtpMessage('123456', {
        brand: 'Example',
        ttlSeconds: 600,
        androidAppHash: APP_HASH,
        webOtpDomain: 'verify.example.com',
      });
      expect(text.split('\n')).toEqual([
        '123456 is your Example verification code. It expires in 10 minutes.',
        APP_HASH,
        '@verify.example.com #123456',
      ]);
    });

    it('adds the app hash on its own line when no WebOTP domain is set', () => {
      const text = renderOtpMessage('123456', {
        brand: 'Example',
        ttlSeconds: 600,
        androidAppHash: APP_HASH,
      });
      expect(text).toBe(
        `123456 is your Example verification code. It expires in 10 minutes.\n${APP_HASH}`,
      );
    });

    it('keeps leading zeros of the code, in both places', () => {
      const text = renderOtpMessage('004217', {
        brand: 'Example',
        ttlSeconds: 600,
        webOtpDomain: 'example.com',
      });
      expect(text.startsWith('004217 is your')).toBe(true);
      expect(text.endsWith('\n@example.com #004217')).toBe(true);
    });

    it.each([
      [60, '1 minute.'],
      [90, '1 minute.'], // rounded down: never promises more time than the code has
      [120, '2 minutes.'],
      [600, '10 minutes.'],
      [86_400, '1440 minutes.'],
    ])('says %i seconds as "%s"', (ttlSeconds, ending) => {
      const text = renderOtpMessage('123456', { brand: 'Example', ttlSeconds });
      expect(text).toBe(`123456 is your Example verification code. It expires in ${ending}`);
    });
  });

  describe('GSM-7', () => {
    it('counts the extension table characters as two septets', () => {
      expect(gsm7Septets('abc')).toBe(3);
      expect(gsm7Septets('€')).toBe(2);
      expect(gsm7Septets('[x]')).toBe(5);
      expect(gsm7Septets('^{}\\~|')).toBe(12);
      expect(gsm7Septets('£é\n')).toBe(3);
    });

    it('tells GSM-7 text from text that would force UCS-2', () => {
      expect(isGsm7('Bank & Co. {Nepal} £5 €5 ñ Ä')).toBe(true);
      expect(isGsm7('नेपाल')).toBe(false);
      expect(isGsm7('Smart “Bank”')).toBe(false);
      expect(isGsm7('Emoji 😀')).toBe(false);
    });

    it.each(['नेपाल बैंक', 'Smart “Bank”', 'Café™'])('refuses the brand %s', (brand) => {
      expect(otpMessageProblems(6, { brand, ttlSeconds: 600 })).toEqual([
        'must use only GSM-7 characters (plain Latin letters, digits and common punctuation)',
      ]);
    });
  });

  describe('one SMS: 160 septets', () => {
    const base = { brand: 'A&B Bank', ttlSeconds: 600 };

    it('accepts exactly 160', () => {
      const options = optionsOfSize(SMS_MAX_SEPTETS, 10, base, gsm7Septets);
      expect(otpMessageProblems(10, options)).toEqual([]);
    });

    it('refuses 161', () => {
      const options = optionsOfSize(SMS_MAX_SEPTETS + 1, 10, base, gsm7Septets);
      expect(otpMessageProblems(10, options)).toEqual([
        'makes the SMS 161 characters long; one SMS holds 160',
      ]);
    });

    it('refuses 160 characters that are 161 septets because of an extension character', () => {
      const options = optionsOfSize(SMS_MAX_SEPTETS, 10, base, gsm7Septets);
      const withEuro = { ...options, brand: 'A€B Bank' };
      const text = renderOtpMessage('0'.repeat(10), withEuro);
      expect([...text]).toHaveLength(160);
      expect(otpMessageProblems(10, withEuro)).toEqual([
        'makes the SMS 161 characters long; one SMS holds 160',
      ]);
    });

    it('measures with the longest code the configuration allows', () => {
      const options = optionsOfSize(SMS_MAX_SEPTETS, 10, base, gsm7Septets);
      expect(otpMessageProblems(10, options)).toEqual([]);
      // the same text with a 10-digit code would be 2 + 2 septets longer than with 8
      const roomy = optionsOfSize(SMS_MAX_SEPTETS, 8, base, gsm7Septets);
      expect(otpMessageProblems(10, roomy)).toEqual([
        'makes the SMS 164 characters long; one SMS holds 160',
      ]);
    });

    it('stops start-up naming SMS_BRAND', () => {
      const options = optionsOfSize(SMS_MAX_SEPTETS + 1, 10, base, gsm7Septets);
      const env = {
        SMS_BRAND: options.brand,
        OTP_LENGTH: '10',
        OTP_WEBOTP_DOMAIN: options.webOtpDomain,
      };
      expect(() => loadConfiguration(env)).toThrow(ConfigurationError);
      expect(() => loadConfiguration(env)).toThrow(/SMS_BRAND: makes the SMS 161 characters long/);
      const fits = optionsOfSize(SMS_MAX_SEPTETS, 10, base, gsm7Septets);
      expect(() =>
        loadConfiguration({ ...env, OTP_WEBOTP_DOMAIN: fits.webOtpDomain }),
      ).not.toThrow();
    });
  });

  describe('SMS Retriever: 140 bytes with an app hash', () => {
    const base = { brand: 'Example', ttlSeconds: 600, androidAppHash: APP_HASH };

    it('accepts exactly 140 bytes', () => {
      const options = optionsOfSize(SMS_RETRIEVER_MAX_BYTES, 6, base, bytes);
      expect(otpMessageProblems(6, options)).toEqual([]);
    });

    it('refuses 141 bytes', () => {
      const options = optionsOfSize(SMS_RETRIEVER_MAX_BYTES + 1, 6, base, bytes);
      expect(otpMessageProblems(6, options)).toEqual([
        'makes the SMS 141 bytes long; with OTP_ANDROID_APP_HASH set it must fit 140',
      ]);
    });

    it('counts bytes, not characters: "£" is one septet but two bytes', () => {
      const options = optionsOfSize(SMS_RETRIEVER_MAX_BYTES, 6, base, bytes);
      const withPound = { ...options, brand: 'Exampl£' };
      expect(gsm7Septets(renderOtpMessage('000000', withPound))).toBe(140);
      expect(otpMessageProblems(6, withPound)).toEqual([
        'makes the SMS 141 bytes long; with OTP_ANDROID_APP_HASH set it must fit 140',
      ]);
    });

    it('does not apply the byte limit without an app hash', () => {
      const options = optionsOfSize(150, 6, { brand: 'Example', ttlSeconds: 600 }, bytes);
      expect(otpMessageProblems(6, options)).toEqual([]);
    });
  });
});
