import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parsePhoneNumber,
  type PhoneRejection,
} from '../src/phone-verification/phone-number/phone-number';
import {
  MOBILE_OPERATORS,
  type MobileOperator,
} from '../src/phone-verification/phone-number/mobile-operators';
import { en, type Messages } from '../web/i18n/en';
import { chooseLanguage } from '../web/i18n/languages';
import { ne } from '../web/i18n/ne';
import { classifyPhoneRejection } from '../web/phone-rejection';

const INDEX_HTML = readFileSync(join(__dirname, '..', 'public', 'index.html'), 'utf8');
const CATALOGUES: Record<string, Messages> = { en, ne };

/** `{ a: { b: 'x' } }` → `[['a.b', 'x']]`, functions included as leaves. */
function leaves(node: unknown, prefix = ''): [string, unknown][] {
  if (typeof node !== 'object' || node === null) return [[prefix, node]];
  return Object.entries(node).flatMap(([key, value]) =>
    leaves(value, prefix ? `${prefix}.${key}` : key),
  );
}

function textAt(m: Messages, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => {
    return typeof node === 'object' && node !== null
      ? (node as Record<string, unknown>)[key]
      : undefined;
  }, m);
}

/** Every value a catalogue can show, its functions called with sample arguments. */
function everyText(m: Messages): [string, string][] {
  return leaves(m).flatMap(([path, value]): [string, string][] => {
    if (typeof value === 'string') return [[path, value]];
    if (typeof value !== 'function') return [];
    const samples: unknown[] =
      path === 'digits'
        ? ['0:58']
        : path === 'errors.operatorsOnly'
          ? [['NTC', 'Ncell', 'Smart']]
          : path.startsWith('errors.') && value.length === 1 && !path.endsWith('attemptsLeft')
            ? [m.wait.minutes(14)]
            : path === 'code.resendIn'
              ? ['0:58']
              : path === 'code.newCodeSent'
                ? ['+977 981-234-5678']
                : [6];
    return [[path, String(value(...samples))]];
  });
}

/** Latin letters that are not part of what the Nepali page may keep Latin. */
function latinIn(text: string): string {
  return text
    .replace(/\+977 \d{3}-\d{3}-\d{4}|\+977|98X{8}|\{[a-z]+\}/gi, '')
    .replace(/[^A-Za-z]/g, '');
}

/** The `data-…="path"` values of index.html. */
function htmlPaths(attribute: string): string[] {
  return [...INDEX_HTML.matchAll(new RegExp(`\\s${attribute}="([^"]+)"`, 'g'))].map((m) => m[1]);
}

describe('The page’s message catalogues', () => {
  it('have the same keys in English and Nepali, each a text or a function of the same arity', () => {
    const shape = (m: Messages) =>
      leaves(m).map(([path, value]) => [
        path,
        typeof value === 'function' ? `fn/${value.length}` : typeof value,
      ]);
    expect(shape(ne)).toEqual(shape(en));
    // Counted for the record: a text the HTML or the code may show.
    expect(leaves(en).length).toBeGreaterThan(100);
  });

  it('hold no English in Nepali, only Devanagari digits, and every sentence ends with a danda', () => {
    for (const [path, text] of everyText(ne)) {
      if (path === 'language' || path === 'phone.placeholder') continue;
      expect([path, latinIn(text)]).toEqual([path, '']);
      // ASCII digits only inside phone numbers and the 98XXXXXXXX pattern.
      const digits = text.replace(/\+977 \d{3}-\d{3}-\d{4}|\+977|98X{8}/g, '');
      expect({ path, asciiDigits: /[0-9]/.test(digits) }).toEqual({ path, asciiDigits: false });
      expect({ path, fullStop: text.endsWith('.') }).toEqual({ path, fullStop: false });
    }
  });

  it('name in index.html only texts both catalogues have', () => {
    const paths = [
      ...htmlPaths('data-i18n'),
      ...htmlPaths('data-i18n-template'),
      ...htmlPaths('data-i18n-busy'),
      ...htmlPaths('data-i18n-placeholder'),
      ...htmlPaths('data-i18n-aria-label'),
    ];
    expect(paths.length).toBeGreaterThan(30);
    for (const [language, m] of Object.entries(CATALOGUES)) {
      for (const path of paths) {
        expect([language, path, typeof textAt(m, path)]).toEqual([language, path, 'string']);
      }
    }
  });

  it('put the same {places} in both languages, and index.html has an element for each', () => {
    const places = (text: string) => [...text.matchAll(/\{([a-z]+)\}/gi)].map((m) => m[1]).sort();
    for (const path of htmlPaths('data-i18n-template')) {
      const wanted = places(textAt(en, path) as string);
      expect(places(textAt(ne, path) as string)).toEqual(wanted);
      for (const place of wanted) expect(INDEX_HTML).toContain(`data-slot="${place}"`);
    }
    expect(places(ne.code.lead(6))).toEqual(places(en.code.lead(6)));
    expect(places(en.code.lead(6))).toEqual(['phone']);
  });

  it('leaves no English text in index.html outside the catalogue', () => {
    const body = INDEX_HTML.slice(INDEX_HTML.indexOf('<body>'))
      .replace(/<noscript>[\s\S]*?<\/noscript>/g, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      // The switch: each language's own name, in its own script, on purpose.
      .replace(/<button[^>]*\slang="(en|ne)"[^>]*>[^<]*<\/button>/g, '');
    const texts = [...body.matchAll(/>([^<]+)</g)].map((m) => m[1].trim()).filter(Boolean);
    // Only the examples of the phone hint, which keep their usual form in every language.
    expect(texts).toEqual(['9812345678', '+977 981-234-5678']);
  });

  it('write numbers in Devanagari digits in Nepali', () => {
    expect(ne.number(1234567890)).toBe('१२३४५६७८९०');
    expect(ne.digits('0:58')).toBe('०:५८');
    expect(ne.code.resendIn('1:00')).toBe('१:०० पछि नयाँ कोड पठाउनुहोस्');
    expect(ne.errors.attemptsLeft(4)).toBe(
      'एसएमएस हेरेर फेरि प्रयास गर्नुहोस्: अझै ४ पटक प्रयास गर्न सकिन्छ।',
    );
    expect(en.errors.attemptsLeft(1)).toBe('Check the SMS and try again: 1 attempt left.');
    expect(ne.errors.operatorsOnly(['NTC', 'Ncell'])).toBe(
      'नेपाल टेलिकम र एनसेलका मोबाइल नम्बर मात्र स्वीकार गरिन्छ।',
    );
  });
});

describe('The page reads the reason of a refused phone number as the server words it', () => {
  const ALL = MOBILE_OPERATORS;
  const NTC_NCELL: MobileOperator[] = ['NTC', 'NCELL'];
  const cases: [PhoneRejection, unknown, readonly MobileOperator[]][] = [
    ['not_a_string', 9812345678, ALL],
    ['empty', '  ', ALL],
    ['not_a_phone_number', '98-ABC-1234', ALL],
    ['too_short', '98123', ALL],
    ['too_long', '981234567890', ALL],
    ['not_nepal', '+1 202 555 0123', ALL],
    ['not_mobile', '01-4123456', ALL],
    ['operator_not_allowed', '9612345678', NTC_NCELL],
    ['operator_not_allowed', '9612345678', ['NTC']],
    ['operator_not_allowed', '9722345678', ['NTC', 'NCELL', 'SMART']],
    ['operator_not_allowed', '9612345678', []],
  ];

  it.each(cases)('%s (%p, operators %p)', (reason, input, operators) => {
    const parsed = parsePhoneNumber(input, operators);
    if (parsed.ok) throw new Error(`${String(input)} was supposed to be refused`);
    expect(parsed.reason).toBe(reason);
    const read = classifyPhoneRejection(parsed.message);
    if (read === undefined) throw new Error(`the page cannot read "${parsed.message}"`);
    // The English page says exactly what the server said; the Nepali page the same in Nepali.
    const english =
      read.kind === 'operators'
        ? en.errors.operatorsOnly(read.operators)
        : en.errors.phoneRejection[read.kind];
    expect(english).toBe(parsed.message);
    const nepali =
      read.kind === 'operators'
        ? ne.errors.operatorsOnly(read.operators)
        : ne.errors.phoneRejection[read.kind];
    expect(latinIn(nepali)).toBe('');
  });

  it('does not guess at wording it does not know', () => {
    expect(classifyPhoneRejection('Something new went wrong.')).toBeUndefined();
  });
});

describe('The page’s language', () => {
  const choose = (query: string | null, stored: string | null, browser: string[]) =>
    chooseLanguage({ query, stored, browser });

  it('is ?lang= first, then the choice made, then the browser’s languages, then English', () => {
    expect(choose('ne', 'en', ['en-US'])).toBe('ne');
    expect(choose('EN', 'ne', ['ne-NP'])).toBe('en');
    expect(choose('fr', 'ne', ['en-US'])).toBe('ne');
    expect(choose(null, 'en', ['ne-NP'])).toBe('en');
    expect(choose(null, 'xx', ['ne-NP', 'en'])).toBe('ne');
    expect(choose(null, null, ['ne'])).toBe('ne');
    expect(choose(null, null, ['hi-IN', 'ne-NP', 'en-GB'])).toBe('ne');
    expect(choose(null, null, ['en-GB', 'ne-NP'])).toBe('en');
    expect(choose(null, null, ['new', 'nep'])).toBe('en');
    expect(choose(null, null, ['hi-IN'])).toBe('en');
    expect(choose(null, null, [])).toBe('en');
  });
});
