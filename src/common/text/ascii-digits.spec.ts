import fc from 'fast-check';
import { toAsciiDigits } from './ascii-digits';

describe('toAsciiDigits', () => {
  it.each([
    ['०१२३४५६७८९', '0123456789'],
    ['९८१२३४५६७८', '9812345678'],
    ['+९७७ ९८१-२३४', '+977 981-234'],
    ['98१२345678', '9812345678'],
    ['', ''],
    ['abc 123', 'abc 123'],
    // neighbours of the Devanagari digit block: danda (U+0965) and abbreviation sign (U+0970)
    ['\u0965\u0970', '\u0965\u0970'],
    // other scripts' digits are not ours to convert
    ['٠١٢٣٤٥٦٧٨٩', '٠١٢٣٤٥٦٧٨٩'],
    ['০১২৩', '০১২৩'],
    ['０１２３', '０１２３'],
    ['कखग', 'कखग'],
  ])('%j → %j', (input, expected) => {
    expect(toAsciiDigits(input)).toBe(expected);
  });

  it('maps each Devanagari digit to the ASCII digit of the same value', () => {
    for (let value = 0; value <= 9; value += 1) {
      expect(toAsciiDigits(String.fromCharCode(0x0966 + value))).toBe(String(value));
    }
  });

  it('changes only Devanagari digits, one character for one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        const output = toAsciiDigits(input);
        expect(output.length).toBe(input.length);
        for (let i = 0; i < input.length; i += 1) {
          const isDevanagariDigit = /[\u0966-\u096F]/.test(input[i]);
          if (isDevanagariDigit) expect(output[i]).toMatch(/^[0-9]$/);
          else expect(output[i]).toBe(input[i]);
        }
      }),
    );
  });
});
