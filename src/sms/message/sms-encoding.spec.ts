import fc from 'fast-check';
import { SegmentedMessage } from 'sms-segments-calculator';
import { GSM7_DEFAULT_ALPHABET, GSM7_ESCAPE, GSM7_EXTENSION_TABLE } from './gsm7-alphabet';
import {
  describeCharacters,
  isGsm7,
  isGsm7ExtensionCharacter,
  measureSms,
  nonGsm7Characters,
  SmsMeasure,
} from './sms-encoding';

/*
 * 3GPP TS 23.038 §6.2.1, transcribed here a second time as (septet, Unicode code point) so that
 * a slip in the module's table does not repeat itself in the test. Septets 0x20–0x5A and
 * 0x61–0x7A are ASCII except where listed.
 */
const DEFAULT_ALPHABET_EXCEPTIONS: [number, number][] = [
  [0x00, 0x0040], [0x01, 0x00a3], [0x02, 0x0024], [0x03, 0x00a5], [0x04, 0x00e8],
  [0x05, 0x00e9], [0x06, 0x00f9], [0x07, 0x00ec], [0x08, 0x00f2], [0x09, 0x00c7],
  [0x0a, 0x000a], [0x0b, 0x00d8], [0x0c, 0x00f8], [0x0d, 0x000d], [0x0e, 0x00c5],
  [0x0f, 0x00e5], [0x10, 0x0394], [0x11, 0x005f], [0x12, 0x03a6], [0x13, 0x0393],
  [0x14, 0x039b], [0x15, 0x03a9], [0x16, 0x03a0], [0x17, 0x03a8], [0x18, 0x03a3],
  [0x19, 0x0398], [0x1a, 0x039e], [0x1c, 0x00c6], [0x1d, 0x00e6], [0x1e, 0x00df],
  [0x1f, 0x00c9], [0x24, 0x00a4], [0x40, 0x00a1], [0x5b, 0x00c4], [0x5c, 0x00d6],
  [0x5d, 0x00d1], [0x5e, 0x00dc], [0x5f, 0x00a7], [0x60, 0x00bf], [0x7b, 0x00e4],
  [0x7c, 0x00f6], [0x7d, 0x00f1], [0x7e, 0x00fc], [0x7f, 0x00e0],
]; // prettier-ignore
const EXTENSION: [number, number][] = [
  [0x0a, 0x000c], [0x14, 0x005e], [0x28, 0x007b], [0x29, 0x007d], [0x2f, 0x005c],
  [0x3c, 0x005b], [0x3d, 0x007e], [0x3e, 0x005d], [0x40, 0x007c], [0x65, 0x20ac],
]; // prettier-ignore

function expectedDefaultAlphabet(): Map<number, number> {
  const table = new Map<number, number>();
  for (let septet = 0x20; septet <= 0x7a; septet += 1) {
    if (septet !== 0x1b) table.set(septet, septet);
  }
  for (const [septet, codePoint] of DEFAULT_ALPHABET_EXCEPTIONS) table.set(septet, codePoint);
  return table;
}
const BASIC_CODE_POINTS = new Set(expectedDefaultAlphabet().values());
const EXTENSION_CODE_POINTS = new Set(EXTENSION.map(([, codePoint]) => codePoint));

const m = (encoding: SmsMeasure['encoding'], units: number, segments: number): SmsMeasure => ({
  encoding,
  units,
  segments,
});

/** sms-segments-calculator's answer in our terms (units from its bit count, without headers). */
function reference(text: string): SmsMeasure {
  const message = new SegmentedMessage(text);
  const gsm7 = message.getEncodingName() === 'GSM-7';
  return {
    encoding: gsm7 ? 'gsm7' : 'ucs2',
    units: message.messageSize / (gsm7 ? 7 : 16),
    segments: message.segmentsCount,
  };
}

describe('the GSM 03.38 tables', () => {
  it('has the default alphabet of TS 23.038 at every septet, and the escape at 0x1B', () => {
    const expected = expectedDefaultAlphabet();
    expect(GSM7_DEFAULT_ALPHABET).toHaveLength(128);
    expect(GSM7_ESCAPE).toBe(0x1b);
    for (let septet = 0; septet < 128; septet += 1) {
      const codePoint = expected.get(septet);
      const actual = GSM7_DEFAULT_ALPHABET[septet];
      if (septet === 0x1b) expect(actual).toBeNull();
      else expect([septet, actual]).toEqual([septet, String.fromCodePoint(codePoint ?? -1)]);
    }
  });

  it('has the extension table of TS 23.038, and nothing more', () => {
    expect([...GSM7_EXTENSION_TABLE.entries()].sort(([a], [b]) => a - b)).toEqual(
      EXTENSION.map(([septet, codePoint]) => [septet, String.fromCodePoint(codePoint)]),
    );
  });

  it('counts every default-alphabet character as one septet', () => {
    for (const codePoint of BASIC_CODE_POINTS) {
      const char = String.fromCodePoint(codePoint);
      expect([char, measureSms(char)]).toEqual([char, m('gsm7', 1, 1)]);
      expect(isGsm7ExtensionCharacter(char)).toBe(false);
    }
    expect(BASIC_CODE_POINTS.size).toBe(127);
  });

  it('counts every extension character, € and { included, as two septets', () => {
    for (const codePoint of EXTENSION_CODE_POINTS) {
      const char = String.fromCodePoint(codePoint);
      expect([char, measureSms(char)]).toEqual([char, m('gsm7', 2, 1)]);
      expect(isGsm7ExtensionCharacter(char)).toBe(true);
    }
    expect(measureSms('€')).toEqual(m('gsm7', 2, 1));
    expect(measureSms('{')).toEqual(m('gsm7', 2, 1));
    expect(measureSms('Pay {€5}')).toEqual(m('gsm7', 11, 1));
  });

  it('knows no other character below U+0400 or in U+2000–U+20FF (Latin, Greek, punctuation, currency)', () => {
    for (const range of [
      [0x0000, 0x03ff],
      [0x2000, 0x20ff],
    ]) {
      for (let codePoint = range[0]; codePoint <= range[1]; codePoint += 1) {
        const char = String.fromCodePoint(codePoint);
        const inTables = BASIC_CODE_POINTS.has(codePoint) || EXTENSION_CODE_POINTS.has(codePoint);
        expect([codePoint.toString(16), isGsm7(char)]).toEqual([codePoint.toString(16), inTables]);
      }
    }
  });

  it('agrees with sms-segments-calculator on every character of those ranges and of Devanagari', () => {
    for (const [first, last] of [
      [0x0000, 0x03ff],
      [0x0900, 0x097f],
      [0x2000, 0x20ff],
    ]) {
      for (let codePoint = first; codePoint <= last; codePoint += 1) {
        const char = String.fromCodePoint(codePoint);
        expect([codePoint.toString(16), measureSms(char)]).toEqual([
          codePoint.toString(16),
          reference(char),
        ]);
      }
    }
  });

  it.each([
    ['ç', 'small c cedilla: only capital Ç is at 0x09'],
    ['`', 'backtick: 0x60 is ¿'],
    ['’', 'typographic apostrophe'],
    ['“', 'typographic quote'],
    ['\u00a0', 'no-break space'],
    ['\t', 'tab'],
    ['\u001b', 'the escape itself is not a character'],
    ['\u2206', 'U+2206 INCREMENT, not U+0394 capital delta'],
    ['\u2126', 'U+2126 OHM SIGN, not U+03A9 capital omega'],
    ['δ', 'small Greek letters'],
    ['À', 'capital A grave: only small à is at 0x7F'],
    ['â', 'circumflex vowels'],
    ['₹', 'rupee sign'],
    ['¢', 'cent sign'],
  ])('sends %j as UCS-2 (%s)', (char) => {
    expect(measureSms(char)).toEqual(m('ucs2', 1, 1));
    expect(measureSms(`Hello ${char}`)).toEqual(m('ucs2', 7, 1));
  });

  it('names the characters that are outside GSM-7, once each, with their code points', () => {
    expect(nonGsm7Characters('Hi ’there’ ₹5 €')).toEqual(['’', '₹']);
    expect(describeCharacters(['’', '\t', '😀'])).toBe('’ (U+2019), \\t (U+0009), 😀 (U+1F600)');
  });
});

describe('measureSms', () => {
  it('sends any Devanagari as UCS-2, counting every UTF-16 unit (vowel signs and virama too)', () => {
    expect(measureSms('क')).toEqual(m('ucs2', 1, 1));
    expect(measureSms('Code 123 क')).toEqual(m('ucs2', 10, 1));
    expect(measureSms('प्रमाणीकरण')).toEqual(m('ucs2', 10, 1));
    expect(measureSms('१२३')).toEqual(m('ucs2', 3, 1));
    // in UCS-2 an extension character is one unit like any other
    expect(measureSms('क{€')).toEqual(m('ucs2', 3, 1));
  });

  it('counts a character outside the BMP (an emoji) as two UTF-16 units', () => {
    expect(measureSms('😀')).toEqual(m('ucs2', 2, 1));
    expect(measureSms('ok 👍')).toEqual(m('ucs2', 5, 1));
    expect(measureSms('𝐀')).toEqual(m('ucs2', 2, 1));
    expect(measureSms('🇳🇵')).toEqual(m('ucs2', 4, 1));
  });

  it('calls the empty text one (empty) SMS', () => {
    expect(measureSms('')).toEqual(m('gsm7', 0, 1));
  });

  describe('GSM-7 segments: 160 alone, 153 per part', () => {
    it.each([
      ['a'.repeat(160), m('gsm7', 160, 1)],
      ['a'.repeat(161), m('gsm7', 161, 2)],
      ['a'.repeat(153 * 2), m('gsm7', 306, 2)],
      ['a'.repeat(153 * 2 + 1), m('gsm7', 307, 3)],
      ['a'.repeat(153 * 3), m('gsm7', 459, 3)],
      ['a'.repeat(158) + '€', m('gsm7', 160, 1)],
      ['a'.repeat(159) + '€', m('gsm7', 161, 2)],
      ['€'.repeat(80), m('gsm7', 160, 1)],
      ['€'.repeat(81), m('gsm7', 162, 2)],
      // parts of 152 + 153: the escape pair would straddle septets 153/154, so it moves whole
      ['a'.repeat(152) + '€' + 'a'.repeat(151), m('gsm7', 305, 2)],
      ['a'.repeat(152) + '€' + 'a'.repeat(152), m('gsm7', 306, 3)],
      ['a'.repeat(153) + '€' + 'a'.repeat(151), m('gsm7', 306, 2)],
      ['€'.repeat(153), m('gsm7', 306, 3)],
    ])('%#: %s', (text, expected) => {
      expect(measureSms(text)).toEqual(expected);
      expect(reference(text)).toEqual(expected);
    });
  });

  describe('UCS-2 segments: 70 alone, 67 per part', () => {
    it.each([
      ['क'.repeat(70), m('ucs2', 70, 1)],
      ['क'.repeat(71), m('ucs2', 71, 2)],
      ['क'.repeat(67 * 2), m('ucs2', 134, 2)],
      ['क'.repeat(67 * 2 + 1), m('ucs2', 135, 3)],
      ['क'.repeat(68) + '😀', m('ucs2', 70, 1)],
      ['क'.repeat(69) + '😀', m('ucs2', 71, 2)],
      ['😀'.repeat(35), m('ucs2', 70, 1)],
      // a surrogate pair is not split either: 66 + 67 + 1
      ['क'.repeat(66) + '😀' + 'क'.repeat(66), m('ucs2', 134, 3)],
      ['क'.repeat(67) + '😀' + 'क'.repeat(65), m('ucs2', 134, 2)],
      ['€' + 'क'.repeat(70), m('ucs2', 71, 2)],
    ])('%#: %s', (text, expected) => {
      expect(measureSms(text)).toEqual(expected);
      expect(reference(text)).toEqual(expected);
    });
  });

  it('splits between the code units of a Devanagari cluster (the reference library does not)', () => {
    // कि is two code points, one grapheme, straddling units 67/68. The standard splits UCS-2 by
    // code units; gateways bill by that count. sms-segments-calculator keeps graphemes whole,
    // so it moves कि to the next part and needs a third.
    const text = 'क'.repeat(66) + 'कि' + 'क'.repeat(66);
    expect(measureSms(text)).toEqual(m('ucs2', 134, 2));
    expect(reference(text)).toEqual(m('ucs2', 134, 3));
  });

  it('treats CR LF as two GSM-7 characters', () => {
    expect(measureSms('a\r\nb')).toEqual(m('gsm7', 4, 1));
    expect(reference('a\r\nb')).toEqual(m('gsm7', 4, 1));
  });
});

/*
 * A second, bit-level count straight from TS 23.040: one SMS carries 140 octets of user data; each
 * part of a concatenated SMS spends 6 of them on its header (UDHL, IEI 00, IEL 03, reference,
 * total, sequence), and GSM-7 text after a header starts on a septet boundary (one fill bit). A
 * character's septets or code units travel together in one part.
 */
function bitLevelReference(text: string): SmsMeasure {
  const chars = [...text];
  const codePoint = (char: string) => char.codePointAt(0) ?? -1;
  const gsm7 = chars.every(
    (char) => BASIC_CODE_POINTS.has(codePoint(char)) || EXTENSION_CODE_POINTS.has(codePoint(char)),
  );
  const unitBits = gsm7 ? 7 : 16;
  const bits = chars.map((char) =>
    gsm7 ? (EXTENSION_CODE_POINTS.has(codePoint(char)) ? 14 : 7) : 16 * char.length,
  );
  const total = bits.reduce((sum, b) => sum + b, 0);
  const userDataBits = 140 * 8;
  const measure = { encoding: gsm7 ? 'gsm7' : 'ucs2', units: total / unitBits } as const;
  if (total <= userDataBits) return { ...measure, segments: 1 };
  const partBits = userDataBits - Math.ceil((6 * 8) / unitBits) * unitBits;
  let segments = 1;
  let used = 0;
  for (const b of bits) {
    if (used + b > partBits) {
      segments += 1;
      used = 0;
    }
    used += b;
  }
  return { ...measure, segments };
}

describe('measureSms against references (property tests)', () => {
  const char = (codePoint: number) => String.fromCodePoint(codePoint);
  const gsmBasic = fc.constantFrom(...[...BASIC_CODE_POINTS].map(char));
  const gsmExtension = fc.constantFrom(...[...EXTENSION_CODE_POINTS].map(char));
  const gsm = fc.oneof({ arbitrary: gsmBasic, weight: 4 }, { arbitrary: gsmExtension, weight: 1 });
  const devanagari = fc.integer({ min: 0x0900, max: 0x097f }).map(char);
  const astral = fc
    .oneof(
      fc.integer({ min: 0x1f300, max: 0x1faff }), // emoji
      fc.integer({ min: 0x1d400, max: 0x1d7ff }), // mathematical letters
      fc.integer({ min: 0x10000, max: 0x10ffff }),
    )
    .map(char);
  const nearGsm = fc.constantFrom('ç', '’', '`', '\u00a0', '₹', 'À', '\t', '\u2126', '\u2206');
  const anyChar = fc.oneof(gsmBasic, gsmExtension, devanagari, astral, nearGsm);

  const texts = {
    'GSM-7 (default alphabet and extension)': fc.string({ unit: gsm, maxLength: 480, size: 'max' }),
    'GSM-7 around 160 and 306 septets': fc.oneof(
      fc.string({ unit: gsm, minLength: 140, maxLength: 165, size: 'max' }),
      fc.string({ unit: gsm, minLength: 250, maxLength: 310, size: 'max' }),
    ),
    Devanagari: fc.string({ unit: devanagari, maxLength: 220, size: 'max' }),
    'Devanagari and emoji around 70 and 134 units': fc.oneof(
      fc.string({ unit: fc.oneof(devanagari, astral), minLength: 35, maxLength: 72, size: 'max' }),
      fc.string({ unit: fc.oneof(devanagari, astral), minLength: 68, maxLength: 136, size: 'max' }),
    ),
    'everything mixed': fc.string({ unit: anyChar, maxLength: 300, size: 'max' }),
    'GSM-7 with one character from elsewhere': fc
      .tuple(
        fc.string({ unit: gsm, maxLength: 200, size: 'max' }),
        fc.oneof(devanagari, astral, nearGsm),
        fc.nat(),
      )
      .map(([text, other, at]) => {
        const cut = at % (text.length + 1);
        return text.slice(0, cut) + other + text.slice(cut);
      }),
  };

  it('draws texts on both sides of every bound (fixed seed)', () => {
    const reached = (arbitrary: fc.Arbitrary<string>) =>
      new Set(
        fc.sample(arbitrary, { numRuns: 1000, seed: 18 }).map((text) => {
          const { encoding, segments } = measureSms(text);
          return `${encoding}:${segments}`;
        }),
      );
    expect([...reached(texts['GSM-7 around 160 and 306 septets'])]).toEqual(
      expect.arrayContaining(['gsm7:1', 'gsm7:2', 'gsm7:3']),
    );
    expect([...reached(texts['Devanagari and emoji around 70 and 134 units'])]).toEqual(
      expect.arrayContaining(['ucs2:1', 'ucs2:2', 'ucs2:3']),
    );
    for (const name of ['GSM-7 (default alphabet and extension)', 'Devanagari'] as const) {
      expect([...reached(texts[name])].length).toBeGreaterThanOrEqual(3);
    }
  });

  describe.each(Object.entries(texts))('%s', (_name, arbitrary) => {
    it('has the encoding and unit count of sms-segments-calculator', () => {
      fc.assert(
        fc.property(arbitrary, (text) => {
          const ours = measureSms(text);
          const theirs = reference(text);
          expect([ours.encoding, ours.units]).toEqual([theirs.encoding, theirs.units]);
        }),
        { numRuns: 1000 },
      );
    });

    it('has its segment count where every grapheme is one code point, and never more', () => {
      fc.assert(
        fc.property(arbitrary, (text) => {
          const ours = measureSms(text);
          const theirs = new SegmentedMessage(text);
          // the library keeps grapheme clusters (कि, flags) whole; the standard does not
          if (theirs.graphemes.length === [...text].length) {
            expect(ours.segments).toBe(theirs.segmentsCount);
          } else {
            expect(ours.segments).toBeLessThanOrEqual(theirs.segmentsCount);
          }
        }),
        { numRuns: 1000 },
      );
    });

    it('equals the bit-level count from TS 23.040', () => {
      fc.assert(
        fc.property(arbitrary, (text) => {
          expect(measureSms(text)).toEqual(bitLevelReference(text));
        }),
        { numRuns: 1000 },
      );
    });
  });
});
