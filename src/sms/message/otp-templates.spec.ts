import {
  DEFAULT_OTP_TEMPLATES,
  isSmsLocale,
  renderOtpSms,
  renderOtpSmsBody,
  ttlMinutes,
  unknownPlaceholders,
} from './otp-templates';

const APP_HASH = 'FA+9qCX9VSu';
const base = { code: '123456', brand: 'Example', ttlSeconds: 600 };

describe('the OTP SMS templates', () => {
  describe('English', () => {
    it('is the API.md sentence', () => {
      expect(renderOtpSms('en', DEFAULT_OTP_TEMPLATES.en, base)).toBe(
        '123456 is your Example verification code. It expires in 10 minutes.',
      );
    });

    it('says "1 minute" for a lifetime under two minutes, as before', () => {
      for (const ttlSeconds of [60, 119]) {
        expect(renderOtpSms('en', DEFAULT_OTP_TEMPLATES.en, { ...base, ttlSeconds })).toBe(
          '123456 is your Example verification code. It expires in 1 minute.',
        );
      }
      expect(renderOtpSms('en', DEFAULT_OTP_TEMPLATES.en, { ...base, ttlSeconds: 120 })).toMatch(
        /in 2 minutes\.$/,
      );
    });

    it('adds the app hash, then the WebOTP line last', () => {
      const text = renderOtpSms('en', DEFAULT_OTP_TEMPLATES.en, {
        ...base,
        androidAppHash: APP_HASH,
        webOtpDomain: 'verify.example.com',
      });
      expect(text.split('\n')).toEqual([
        '123456 is your Example verification code. It expires in 10 minutes.',
        APP_HASH,
        '@verify.example.com #123456',
      ]);
    });

    it('adds either line alone', () => {
      expect(
        renderOtpSms('en', DEFAULT_OTP_TEMPLATES.en, { ...base, androidAppHash: APP_HASH }),
      ).toBe(`123456 is your Example verification code. It expires in 10 minutes.\n${APP_HASH}`);
      expect(
        renderOtpSms('en', DEFAULT_OTP_TEMPLATES.en, { ...base, webOtpDomain: 'example.com' }),
      ).toBe(
        '123456 is your Example verification code. It expires in 10 minutes.\n@example.com #123456',
      );
    });
  });

  describe('Nepali', () => {
    it('is Devanagari with the code in ASCII digits and the minutes in Devanagari digits', () => {
      expect(renderOtpSms('ne', DEFAULT_OTP_TEMPLATES.ne, base)).toBe(
        '123456 तपाईंको Example प्रमाणीकरण कोड हो। १० मिनेटसम्म मान्य।',
      );
    });

    it.each([
      [60, '१'],
      [600, '१०'],
      [90 * 60, '९०'],
      [86_400, '१४४०'],
      [1234 * 60, '१२३४'],
      [5678 * 60, '५६७८'],
    ])('writes %i seconds as %s minutes (every digit in Devanagari)', (ttlSeconds, minutes) => {
      expect(renderOtpSmsBody('ne', '{minutes}', { ...base, ttlSeconds })).toBe(minutes);
    });

    it('keeps the app-hash and WebOTP lines exactly as in English', () => {
      const options = { ...base, androidAppHash: APP_HASH, webOtpDomain: 'verify.example.com' };
      const ne = renderOtpSms('ne', DEFAULT_OTP_TEMPLATES.ne, options).split('\n');
      const en = renderOtpSms('en', DEFAULT_OTP_TEMPLATES.en, options).split('\n');
      expect(ne).toHaveLength(3);
      expect(ne.slice(1)).toEqual(en.slice(1));
      expect(ne[2]).toBe('@verify.example.com #123456');
    });

    it('has no singular/plural switch (मिनेट has one form)', () => {
      expect(renderOtpSms('ne', DEFAULT_OTP_TEMPLATES.ne, { ...base, ttlSeconds: 60 })).toBe(
        '123456 तपाईंको Example प्रमाणीकरण कोड हो। १ मिनेटसम्म मान्य।',
      );
    });
  });

  describe('placeholders', () => {
    it('fills every occurrence, in any template', () => {
      expect(renderOtpSmsBody('en', '{code}/{code} {brand} {minutes}', base)).toBe(
        '123456/123456 Example 10',
      );
    });

    it('inserts a brand as it is, even one that looks like a placeholder or a replacement pattern', () => {
      for (const brand of ['{code}', '$&', "$'", '$1', '{minutes}']) {
        expect(renderOtpSmsBody('en', '{brand}:{code}', { ...base, brand })).toBe(
          `${brand}:123456`,
        );
      }
    });

    it('refuses a code that is not ASCII digits (autofill and WebOTP read only those)', () => {
      for (const code of ['१२३४५६', '12345a', '']) {
        expect(() => renderOtpSms('ne', DEFAULT_OTP_TEMPLATES.ne, { ...base, code })).toThrow(
          'the code must be ASCII digits',
        );
      }
    });

    it('lists unknown placeholders once each, and not the known ones or other braces', () => {
      expect(unknownPlaceholders('{code} {Code} {otp} {Code} { brand } {} {minutes}')).toEqual([
        '{Code}',
        '{otp}',
      ]);
      expect(unknownPlaceholders(DEFAULT_OTP_TEMPLATES.en)).toEqual([]);
      expect(unknownPlaceholders(DEFAULT_OTP_TEMPLATES.ne)).toEqual([]);
    });
  });

  it('knows en and ne only', () => {
    expect(['en', 'ne', 'NE', 'hi', 'en-US', ''].map(isSmsLocale)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('counts whole minutes, at least one', () => {
    expect([0, 59, 60, 119, 120, 600, 86_400].map(ttlMinutes)).toEqual([1, 1, 1, 1, 2, 10, 1440]);
  });
});
