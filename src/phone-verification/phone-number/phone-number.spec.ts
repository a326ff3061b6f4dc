import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import {
  MOBILE_OPERATOR_PREFIXES,
  MOBILE_OPERATORS,
  MobileOperator,
  operatorOf,
} from './mobile-operators';
import {
  formatPhoneForDisplay,
  MAX_PHONE_INPUT_LENGTH,
  parsePhoneNumber,
  PhoneRejection,
} from './phone-number';

// The operator ranges exactly as API.md states them: an oracle independent of the code's table.
const API_MD_RANGES: Record<MobileOperator, string[]> = {
  NTC: ['984', '985', '986', '974', '975', '976'],
  NCELL: ['980', '981', '982', '970'],
  SMART: ['961', '962', '988'],
  UTL: ['972'],
};

const DEFAULT_OPERATORS: readonly MobileOperator[] = ['NTC', 'NCELL'];
const ALL_REASONS: PhoneRejection[] = [
  'not_a_string',
  'empty',
  'not_a_phone_number',
  'too_short',
  'too_long',
  'not_nepal',
  'not_mobile',
  'operator_not_allowed',
];

const DEVANAGARI = '०१२३४५६७८९';
const toDevanagari = (digits: string): string =>
  digits.replace(/[0-9]/g, (digit) => DEVANAGARI[Number(digit)]);

/** What the parser said, in one comparable value: the E.164 number or the rejection reason. */
function outcome(input: unknown, allowed: readonly MobileOperator[] = DEFAULT_OPERATORS): string {
  const result = parsePhoneNumber(input, allowed);
  return result.ok ? result.e164 : result.reason;
}

describe('parsePhoneNumber', () => {
  describe('accepts every documented form (NTC and NCELL allowed)', () => {
    it.each<[string, string]>([
      ['9812345678', '+9779812345678'],
      ['+977 9812345678', '+9779812345678'],
      ['+9779812345678', '+9779812345678'],
      ['+977-981-234-5678', '+9779812345678'],
      ['+977-9812345678', '+9779812345678'],
      ['+ 977 9812345678', '+9779812345678'],
      ['00977 9812345678', '+9779812345678'],
      ['009779812345678', '+9779812345678'],
      ['00-977-981-234-5678', '+9779812345678'],
      ['9779812345678', '+9779812345678'],
      ['977 981 234 5678', '+9779812345678'],
      ['(+977) 981-234-5678', '+9779812345678'],
      ['(+977)9851234567', '+9779851234567'],
      ['+977 (981) 234 5678', '+9779812345678'],
      ['(981) 234-5678', '+9779812345678'],
      ['981.234.5678', '+9779812345678'],
      ['98 12 34 56 78', '+9779812345678'],
      ['981 2345 678', '+9779812345678'],
      ['981 - 234 - 5678', '+9779812345678'],
      ['९८१२३४५६७८', '+9779812345678'],
      ['+९७७ ९८१२३४५६७८', '+9779812345678'],
      ['००९७७ ९८४-१२३-४५६७', '+9779841234567'],
      ['98१२345६78', '+9779812345678'],
      ['  9812345678  ', '+9779812345678'],
      ['\t+977 9841234567\n', '+9779841234567'],
      ['\u00A0 9701234567 \u3000', '+9779701234567'],
      ['+977\u00A09812345678', '+9779812345678'],
      ['981\u2013234\u20135678', '+9779812345678'],
      ['981\u2011234\u20115678', '+9779812345678'],
    ])('%j → %s', (input, e164) => {
      expect(outcome(input)).toBe(e164);
    });
  });

  describe('refuses with the right reason (NTC and NCELL allowed)', () => {
    it.each<[string, unknown, PhoneRejection]>([
      // not text at all
      ['a number', 9812345678, 'not_a_string'],
      ['null', null, 'not_a_string'],
      ['undefined', undefined, 'not_a_string'],
      ['an object', { phone: '9812345678' }, 'not_a_string'],
      ['an array', ['9812345678'], 'not_a_string'],
      ['a boolean', true, 'not_a_string'],
      // nothing typed
      ['the empty string', '', 'empty'],
      ['only spaces', '   \t ', 'empty'],
      // letters, extensions and other scripts' digits
      ['letters inside', '98123abc78', 'not_a_phone_number'],
      ['only letters', 'phone', 'not_a_phone_number'],
      ['a vanity number', '1-800-FLOWERS', 'not_a_phone_number'],
      ['a Devanagari letter', '981234५६7क', 'not_a_phone_number'],
      ['an extension', '+977 981 234 5678 ext. 5', 'not_a_phone_number'],
      ['an x extension', '9812345678x5', 'not_a_phone_number'],
      ['a # extension', '9812345678#5', 'not_a_phone_number'],
      ['Arabic-Indic digits', '٩٨١٢٣٤٥٦٧٨', 'not_a_phone_number'],
      ['Bengali digits', '৯৮১২৩৪৫৬৭৮', 'not_a_phone_number'],
      ['full-width digits', '９８１２３４５６７８', 'not_a_phone_number'],
      ['a plus in the middle', '98+12345678', 'not_a_phone_number'],
      ['a trailing plus', '9812345678+', 'not_a_phone_number'],
      ['two pluses', '++9779812345678', 'not_a_phone_number'],
      ['an unclosed parenthesis', '(981 2345678', 'not_a_phone_number'],
      ['a stray closing parenthesis', '981) 2345678', 'not_a_phone_number'],
      ['nested parentheses', '((981)) 2345678', 'not_a_phone_number'],
      ['empty parentheses', '() 9812345678', 'not_a_phone_number'],
      ['a newline inside', '98123\n45678', 'not_a_phone_number'],
      ['a slash', '981/2345678', 'not_a_phone_number'],
      ['only separators', '- . -', 'not_a_phone_number'],
      ['only a plus', '+', 'not_a_phone_number'],
      // length
      ['nine digits', '981234567', 'too_short'],
      ['five digits', '98123', 'too_short'],
      ['only the country code', '+977', 'too_short'],
      ['an unfinished country code', '+97', 'too_short'],
      ['a short number after +977', '+977 981234567', 'too_short'],
      ['eleven digits', '98123456789', 'too_long'],
      ['a 0 trunk prefix before a mobile', '09812345678', 'too_long'],
      ['a 0 trunk prefix after +977', '+977 09812345678', 'too_long'],
      ['a long number after 00977', '00977 98123456789', 'too_long'],
      ['41 characters, even if valid once trimmed', `${' '.repeat(31)}9812345678`, 'too_long'],
      ['a huge string', '9'.repeat(100_000), 'too_long'],
      // other countries
      ['India', '+91 98123 45678', 'not_nepal'],
      ['the USA', '+1 415 555 2671', 'not_nepal'],
      ['the UK via 00', '0044 20 7946 0958', 'not_nepal'],
      ['India via 00', '0091 98123 45678', 'not_nepal'],
      ['a plus before a national number', '+9812345678', 'not_nepal'],
      // not mobile
      ['a Kathmandu landline', '01-4123456', 'not_mobile'],
      ['a Kathmandu landline with +977', '+977 1 4123456', 'not_mobile'],
      ['a Kathmandu landline with 977', '977 1 4123456', 'not_mobile'],
      ['a Pokhara landline', '061-523456', 'not_mobile'],
      ['a toll-free number', '1660-01-23456', 'not_mobile'],
      ['a 10-digit number outside every range', '9512345678', 'not_mobile'],
      ['ten digits starting with 1', '1234567890', 'not_mobile'],
      ['ten digits starting with 0', '0981234567', 'not_mobile'],
      // mobile, but not an allowed operator
      ['a Smart number', '9612345678', 'operator_not_allowed'],
      ['a UTL number', '+977 972 1234567', 'operator_not_allowed'],
      ['a mobile range missing from our table', '9601234567', 'operator_not_allowed'],
    ])('%s (%j) → %s', (_label, input, reason) => {
      expect(outcome(input)).toBe(reason);
    });
  });

  describe('operator ranges', () => {
    it('the table is exactly the one in API.md', () => {
      expect(MOBILE_OPERATOR_PREFIXES).toEqual(API_MD_RANGES);
    });

    // The parser relies on libphonenumber only to word rejections; this catches a metadata
    // update that would make it disagree with our table.
    it('libphonenumber-js agrees that every range in the table is mobile', () => {
      for (const prefix of Object.values(API_MD_RANGES).flat()) {
        expect(parsePhoneNumberFromString(`+977${prefix}1234567`)?.getType()).toBe('MOBILE');
      }
    });

    const everyPrefix = (Object.entries(API_MD_RANGES) as [MobileOperator, string[]][]).flatMap(
      ([operator, prefixes]) => prefixes.map((prefix) => [operator, prefix] as const),
    );

    it.each(everyPrefix)('%s %s: accepted when that operator is allowed', (operator, prefix) => {
      const national = `${prefix}0012345`;
      const others = MOBILE_OPERATORS.filter((other) => other !== operator);
      expect(parsePhoneNumber(national, [operator])).toEqual({
        ok: true,
        e164: `+977${national}`,
        national,
        operator,
      });
      expect(parsePhoneNumber(`+977 ${national}`, [...others, operator])).toMatchObject({
        ok: true,
        operator,
      });
    });

    it.each(everyPrefix)('%s %s: refused when only the others are allowed', (operator, prefix) => {
      const others = MOBILE_OPERATORS.filter((other) => other !== operator);
      expect(outcome(`${prefix}9876543`, others)).toBe('operator_not_allowed');
      expect(outcome(`${prefix}9876543`, [])).toBe('operator_not_allowed');
    });

    it('every 9xx prefix outside the table is refused whatever is allowed', () => {
      const tablePrefixes = new Set(Object.values(API_MD_RANGES).flat());
      for (let prefix = 900; prefix <= 999; prefix += 1) {
        if (tablePrefixes.has(String(prefix))) continue;
        expect(parsePhoneNumber(`${prefix}1234567`, MOBILE_OPERATORS).ok).toBe(false);
      }
    });
  });

  describe('messages', () => {
    it.each<[readonly MobileOperator[], string]>([
      [['NTC', 'NCELL'], 'Only NTC and Ncell numbers are accepted.'],
      [['NCELL'], 'Only Ncell numbers are accepted.'],
      [['SMART', 'SMART'], 'Only Smart numbers are accepted.'],
      [['NTC', 'NCELL', 'SMART', 'UTL'], 'Only NTC, Ncell, Smart and UTL numbers are accepted.'],
      [[], 'No mobile operator is accepted at the moment.'],
    ])('operator_not_allowed with %j allowed: %s', (allowed, message) => {
      // 960 is a mobile range that no operator in our table owns
      expect(parsePhoneNumber('9601234567', allowed)).toEqual({
        ok: false,
        reason: 'operator_not_allowed',
        message,
      });
    });

    it('gives each reason its own short sentence that does not echo the input', () => {
      const inputs: Record<PhoneRejection, unknown> = {
        not_a_string: 9812345678,
        empty: ' ',
        not_a_phone_number: '98123abc78',
        too_short: '981234567',
        too_long: '98123456789',
        not_nepal: '+91 98123 45678',
        not_mobile: '01-4123456',
        operator_not_allowed: '9612345678',
      };
      const messages = ALL_REASONS.map((reason) => {
        const result = parsePhoneNumber(inputs[reason], DEFAULT_OPERATORS);
        if (result.ok) throw new Error(`${reason}: accepted`);
        expect(result.reason).toBe(reason);
        expect(result.message).toMatch(/^[A-Z].{10,100}\.$/);
        const typed = String(inputs[reason]).trim();
        if (typed !== '') expect(result.message).not.toContain(typed);
        return result.message;
      });
      expect(new Set(messages).size).toBe(ALL_REASONS.length);
      expect(messages.find((m) => m.includes('mobile number, e.g. 98XXXXXXXX.'))).toBeDefined();
    });
  });

  describe('properties', () => {
    const allowedOperators = fc.subarray([...MOBILE_OPERATORS], { minLength: 1 });

    /** A valid number from one of the allowed operators, as 10 national digits. */
    const allowedNumber = fc
      .record({
        allowed: allowedOperators,
        pick: fc.nat(),
        rest: fc.stringMatching(/^[0-9]{7}$/),
      })
      .map(({ allowed, pick, rest }) => {
        const prefixes = allowed.flatMap((operator) => API_MD_RANGES[operator]);
        return { allowed, national: prefixes[pick % prefixes.length] + rest };
      });

    /**
     * The number written the way a person might: any accepted prefix form, separators between
     * up to four random digit groups, some digits in Devanagari, whitespace around it. At most
     * 6 + 3 + 10 + 3 × 3 + 2 × 2 = 32 characters, under the 40-character cap.
     */
    const writtenNumber = fc
      .record({
        number: allowedNumber,
        prefix: fc.constantFrom('', '+977', '+977 ', '+977-', '(+977) ', '00977', '00 977 ', '977'),
        cuts: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 3 }),
        separators: fc.array(fc.constantFrom(' ', '-', '.', ' - ', '\u00A0', '\u2013'), {
          minLength: 3,
          maxLength: 3,
        }),
        parenthesiseFirstGroup: fc.boolean(),
        devanagari: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        before: fc.constantFrom('', ' ', '\t', '  ', '\n'),
        after: fc.constantFrom('', ' ', '\t', '  ', '\r\n'),
      })
      .map((w) => {
        const cuts = [0, ...[...w.cuts].sort((a, b) => a - b), 10];
        const groups = cuts.slice(1).map((end, i) => w.number.national.slice(cuts[i], end));
        if (w.parenthesiseFirstGroup) groups[0] = `(${groups[0]})`;
        const body = groups
          .map((group, i) => (i === 0 ? '' : w.separators[i - 1]) + group)
          .join('');
        const mixed = [...`${w.prefix}${body}`]
          .map((char, i) => (w.devanagari[i] ? toDevanagari(char) : char))
          .join('');
        return { ...w.number, text: `${w.before}${mixed}${w.after}` };
      });

    it('(a) any accepted way of writing an allowed number parses back to its E.164', () => {
      fc.assert(
        fc.property(writtenNumber, ({ allowed, national, text }) => {
          const result = parsePhoneNumber(text, allowed);
          expect(result).toEqual({
            ok: true,
            e164: `+977${national}`,
            national,
            operator: operatorOf(national),
          });
        }),
        { numRuns: 2000 },
      );
    });

    it('(a) the display format parses back to the same number', () => {
      fc.assert(
        fc.property(allowedNumber, ({ allowed, national }) => {
          const display = formatPhoneForDisplay(`+977${national}`);
          expect(outcome(display, allowed)).toBe(`+977${national}`);
        }),
      );
    });

    it('(b) ten digits that do not start with an allowed prefix are refused', () => {
      const tenDigits = fc.oneof(
        fc.stringMatching(/^[0-9]{10}$/),
        fc.stringMatching(/^9[0-9]{9}$/), // bias towards the mobile block
      );
      fc.assert(
        fc.property(allowedOperators, tenDigits, (allowed, digits) => {
          const allowedPrefixes = allowed.flatMap((operator) => API_MD_RANGES[operator]);
          fc.pre(!allowedPrefixes.includes(digits.slice(0, 3)));
          expect(parsePhoneNumber(digits, allowed).ok).toBe(false);
          expect(parsePhoneNumber(`+977${digits}`, allowed).ok).toBe(false);
        }),
        { numRuns: 2000 },
      );
    });

    it('(b) a letter anywhere makes a number unacceptable', () => {
      const letter = fc.constantFrom(...'aAbeElOoxXzZ', 'क', 'ж', 'é', 'ß');
      fc.assert(
        fc.property(writtenNumber, letter, fc.nat(), ({ allowed, text }, char, at) => {
          const position = at % (text.length + 1);
          const withLetter = text.slice(0, position) + char + text.slice(position);
          expect(outcome(withLetter, allowed)).toBe('not_a_phone_number');
        }),
        { numRuns: 1000 },
      );
    });

    it('(b) whatever is accepted is a 10-digit number from an allowed operator', () => {
      const phoneish = fc.string({
        unit: fc.constantFrom(...'0123456789+-.() ', ...'०९८७'),
        maxLength: 24,
      });
      fc.assert(
        fc.property(allowedOperators, phoneish, (allowed, text) => {
          const result = parsePhoneNumber(text, allowed);
          if (!result.ok) return;
          expect(result.national).toMatch(/^[0-9]{10}$/);
          expect(result.e164).toBe(`+977${result.national}`);
          expect(allowed).toContain(result.operator);
          expect(operatorOf(result.national)).toBe(result.operator);
        }),
        { numRuns: 3000 },
      );
    });

    const neverThrows = (input: unknown, allowed: MobileOperator[]): void => {
      const result = parsePhoneNumber(input, allowed);
      if (result.ok) {
        expect(typeof input).toBe('string');
        return;
      }
      expect(ALL_REASONS).toContain(result.reason);
      expect(result.message.length).toBeGreaterThan(0);
    };

    it('(c) never throws, whatever it is given', () => {
      fc.assert(fc.property(fc.anything(), allowedOperators, neverThrows), { numRuns: 1000 });
      fc.assert(fc.property(fc.string(), allowedOperators, neverThrows), { numRuns: 1000 });
      fc.assert(fc.property(fc.string({ unit: 'binary' }), allowedOperators, neverThrows), {
        numRuns: 1000,
      });
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 400 }), allowedOperators, neverThrows),
        { numRuns: 200 },
      );
    });
  });
});

describe('formatPhoneForDisplay', () => {
  it.each([
    ['+9779812345678', '+977 981-234-5678'],
    ['+9779700000001', '+977 970-000-0001'],
    // anything else comes back unchanged rather than half-formatted
    ['9812345678', '9812345678'],
    ['+97798123456789', '+97798123456789'],
    ['+919812345678', '+919812345678'],
    ['', ''],
  ])('%j → %j', (e164, display) => {
    expect(formatPhoneForDisplay(e164)).toBe(display);
  });

  it('formats what the parser returns', () => {
    const result = parsePhoneNumber('९८४ १२३ ४५६७', DEFAULT_OPERATORS);
    expect(result.ok && formatPhoneForDisplay(result.e164)).toBe('+977 984-123-4567');
  });

  it('reports MAX_PHONE_INPUT_LENGTH as the documented 40 characters', () => {
    expect(MAX_PHONE_INPUT_LENGTH).toBe(40);
    expect(outcome(`${' '.repeat(30)}9812345678`)).toBe('+9779812345678');
  });
});
