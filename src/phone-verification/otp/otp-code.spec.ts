import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  generateOtp,
  hashOtp,
  MAX_OTP_INPUT_LENGTH,
  MAX_OTP_LENGTH,
  normaliseOtpInput,
  otpMatches,
} from './otp-code';

const SECRET = 'test-otp-hmac-secret';
const VERIFICATION_ID = '0b7f3f5e-2c1d-4e8a-9a47-3f6f1c2d9e10';
const OTHER_VERIFICATION_ID = '5d1c8e22-7a0b-4f3e-8c61-2b9d4e7f0a33';

const DEVANAGARI = '०१२३४५६७८९';
const toDevanagari = (digits: string): string =>
  digits.replace(/[0-9]/g, (digit) => DEVANAGARI[Number(digit)]);

function draw(count: number, length: number): string[] {
  return Array.from({ length: count }, () => generateOtp(length));
}

describe('generateOtp', () => {
  it.each([1, 4, 6, 8, 10, 15, MAX_OTP_LENGTH])(
    'gives exactly %i ASCII digits, every time',
    (length) => {
      const codes = draw(500, length);
      expect(new Set(codes.map((code) => code.length))).toEqual(new Set([length]));
      for (const code of codes) expect(code).toMatch(/^[0-9]+$/);
    },
  );

  // Not deterministic, but the chance of a false failure is negligible: a correct generator
  // leaves a given digit out of a given position in 3000 draws with probability 0.9^3000 ≈ 1e-137,
  // so even summed over 10 digits × 10 positions this cannot flake in practice. A generator that
  // drops leading zeros, never draws some digit or favours positions fails every run.
  it('draws every digit in every position, leading zeros included', () => {
    const length = 10;
    const codes = draw(3000, length);
    for (let position = 0; position < length; position += 1) {
      const seen = new Set(codes.map((code) => code[position]));
      expect([...seen].sort().join('')).toBe('0123456789');
    }
    expect(codes.some((code) => code.startsWith('0'))).toBe(true);
    expect(codes.some((code) => code.startsWith('00'))).toBe(true);
  });

  // 100,000 digits: each digit's count is Binomial(100000, 0.1), mean 10,000, s.d. ≈ 95. A ±15%
  // band is ±1,500 ≈ 16 s.d. (false-failure probability far below 1e-50) yet catches any bias of
  // one digit that is worth worrying about (e.g. modulo bias of 2:1 on some digits).
  it('draws digits with roughly equal frequency', () => {
    const counts = new Array<number>(10).fill(0);
    for (const code of draw(10_000, 10)) for (const digit of code) counts[Number(digit)] += 1;
    for (const count of counts) {
      expect(count).toBeGreaterThan(8_500);
      expect(count).toBeLessThan(11_500);
    }
  });

  it('does not repeat itself', () => {
    // 2,000 codes from 10^10: a repeat has probability ≈ 2000² / (2 × 10^10) = 2e-4 per run…
    // so allow one, which keeps the false-failure probability around 1e-8.
    const codes = draw(2000, 10);
    expect(new Set(codes).size).toBeGreaterThanOrEqual(1999);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_OTP_LENGTH + 1])(
    'refuses length %p',
    (length) => {
      expect(() => generateOtp(length)).toThrow(RangeError);
    },
  );
});

describe('hashOtp', () => {
  it('is HMAC-SHA256 keyed by the secret over "verificationId:code"', () => {
    const expected = createHmac('sha256', SECRET).update(`${VERIFICATION_ID}:123456`).digest();
    const hash = hashOtp(SECRET, VERIFICATION_ID, '123456');
    expect(hash).toBeInstanceOf(Buffer);
    expect(hash).toHaveLength(32);
    expect(hash.equals(expected)).toBe(true);
  });

  it('is stable for the same inputs', () => {
    expect(hashOtp(SECRET, VERIFICATION_ID, '004711')).toEqual(
      hashOtp(SECRET, VERIFICATION_ID, '004711'),
    );
  });

  it('differs per verification id, per code and per secret', () => {
    const base = hashOtp(SECRET, VERIFICATION_ID, '123456');
    const variants = [
      hashOtp(SECRET, OTHER_VERIFICATION_ID, '123456'),
      hashOtp(SECRET, VERIFICATION_ID, '123457'),
      hashOtp(SECRET, VERIFICATION_ID, '0123456'),
      hashOtp(`${SECRET}x`, VERIFICATION_ID, '123456'),
    ];
    for (const variant of variants) expect(variant.equals(base)).toBe(false);
  });

  it('gives distinct hashes to distinct codes of one verification', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{6}$/), fc.stringMatching(/^[0-9]{6}$/), (a, b) => {
        fc.pre(a !== b);
        expect(
          hashOtp(SECRET, VERIFICATION_ID, a).equals(hashOtp(SECRET, VERIFICATION_ID, b)),
        ).toBe(false);
      }),
    );
  });
});

describe('otpMatches', () => {
  const stored = hashOtp(SECRET, VERIFICATION_ID, '042917');

  it('is true for the right code of the right verification', () => {
    expect(otpMatches(SECRET, VERIFICATION_ID, '042917', stored)).toBe(true);
  });

  it.each<[string, string, string, string]>([
    ['a wrong code', SECRET, VERIFICATION_ID, '042918'],
    ['the code without its leading zero', SECRET, VERIFICATION_ID, '42917'],
    ['an empty code', SECRET, VERIFICATION_ID, ''],
    ['the code checked against another verification', SECRET, OTHER_VERIFICATION_ID, '042917'],
    ['another secret', 'another-secret', VERIFICATION_ID, '042917'],
  ])('is false for %s', (_label, secret, verificationId, candidate) => {
    expect(otpMatches(secret, verificationId, candidate, stored)).toBe(false);
  });

  it('is false when any single bit of the stored hash differs', () => {
    for (let bit = 0; bit < stored.length * 8; bit += 1) {
      const tampered = Buffer.from(stored);
      tampered[bit >> 3] ^= 1 << (bit & 7);
      expect(otpMatches(SECRET, VERIFICATION_ID, '042917', tampered)).toBe(false);
    }
  });

  it.each([0, 1, 31, 33, 64])(
    'is false, without throwing, for a stored hash of %i bytes',
    (bytes) => {
      const wrongLength = Buffer.alloc(bytes);
      stored.copy(wrongLength, 0, 0, Math.min(bytes, stored.length));
      expect(otpMatches(SECRET, VERIFICATION_ID, '042917', wrongLength)).toBe(false);
    },
  );

  it('matches a generated code and nothing else', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.string({ maxLength: 12 }),
        (length, other) => {
          const code = generateOtp(length);
          const hash = hashOtp(SECRET, VERIFICATION_ID, code);
          expect(otpMatches(SECRET, VERIFICATION_ID, code, hash)).toBe(true);
          fc.pre(other !== code);
          expect(otpMatches(SECRET, VERIFICATION_ID, other, hash)).toBe(false);
        },
      ),
    );
  });
});

describe('normaliseOtpInput', () => {
  it.each<[string, unknown, number, string | undefined]>([
    ['plain digits', '123456', 6, '123456'],
    ['leading zeros', '000123', 6, '000123'],
    ['Devanagari digits', '१२३४५६', 6, '123456'],
    ['mixed scripts', '१२3४5६', 6, '123456'],
    ['surrounding spaces', '  123456  ', 6, '123456'],
    ['surrounding tabs and newlines', '\t123456\r\n', 6, '123456'],
    ['surrounding no-break spaces', '\u00A0123456\u00A0', 6, '123456'],
    ['one inner space', '123 456', 6, '123456'],
    ['one inner dash', '123-456', 6, '123456'],
    ['several groups', '12 34-56', 6, '123456'],
    ['a space between every digit', '1 2 3 4 5 6', 6, '123456'],
    ['Devanagari in groups', ' ०१२ ३४५ ', 6, '012345'],
    ['a 4-digit code', '0042', 4, '0042'],
    ['a 10-digit code', '01234 56789', 10, '0123456789'],
    ['one digit short', '12345', 6, undefined],
    ['one digit long', '1234567', 6, undefined],
    ['the right length for another setting', '1234', 6, undefined],
    ['a letter', '12345a', 6, undefined],
    ['a letter O for a zero', '12345O', 6, undefined],
    ['only letters', 'abcdef', 6, undefined],
    ['the empty string', '', 6, undefined],
    ['only spaces', '      ', 6, undefined],
    ['two spaces in a row', '123  456', 6, undefined],
    ['a spaced dash', '123 - 456', 6, undefined],
    ['a leading dash', '-123456', 6, undefined],
    ['a trailing dash', '123456-', 6, undefined],
    ['a dot', '123.456', 6, undefined],
    ['a tab inside', '123\t456', 6, undefined],
    ['a plus sign', '+123456', 6, undefined],
    ['a minus number', '-12345', 5, undefined],
    ['a decimal point', '12345.0', 6, undefined],
    ['Arabic-Indic digits', '١٢٣٤٥٦', 6, undefined],
    ['Bengali digits', '১২৩৪৫৬', 6, undefined],
    ['full-width digits', '１２３４５６', 6, undefined],
    ['a number', 123456, 6, undefined],
    ['null', null, 6, undefined],
    ['undefined', undefined, 6, undefined],
    ['an object', { code: '123456' }, 6, undefined],
    ['an array', ['123456'], 6, undefined],
    ['an over-long string', `${' '.repeat(MAX_OTP_INPUT_LENGTH)}123456`, 6, undefined],
  ])('%s (%j, length %i) → %j', (_label, input, length, expected) => {
    expect(normaliseOtpInput(input, length)).toBe(expected);
  });

  it('gives back any generated code however it was typed', () => {
    const typed = fc.record({
      length: fc.integer({ min: 4, max: 10 }),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 4 }),
      separator: fc.constantFrom(' ', '-'),
      devanagari: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
      before: fc.constantFrom('', ' ', '\t', '\n '),
      after: fc.constantFrom('', ' ', '\r\n'),
    });
    fc.assert(
      fc.property(typed, (t) => {
        const code = generateOtp(t.length);
        const cuts = [0, ...t.cuts.filter((cut) => cut < t.length).sort((a, b) => a - b), t.length];
        const groups = cuts.slice(1).map((end, i) => code.slice(cuts[i], end));
        const digits = groups.join(t.separator);
        const mixed = [...digits]
          .map((char, i) => (t.devanagari[i % 10] ? toDevanagari(char) : char))
          .join('');
        expect(normaliseOtpInput(`${t.before}${mixed}${t.after}`, t.length)).toBe(code);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns either undefined or exactly `length` ASCII digits, and never throws', () => {
    const check = (input: unknown, length: number): void => {
      const result = normaliseOtpInput(input, length);
      if (result !== undefined) expect(result).toMatch(new RegExp(`^[0-9]{${length}}$`));
    };
    const length = fc.integer({ min: 4, max: 10 });
    fc.assert(fc.property(fc.anything(), length, check), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: 'binary' }), length, check), { numRuns: 500 });
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789 -०९a'), maxLength: 14 }),
        length,
        check,
      ),
      { numRuns: 2000 },
    );
  });
});
