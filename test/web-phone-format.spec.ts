import { formatPhoneForDisplay as serverFormat } from '../src/phone-verification/phone-number/phone-number';
import { formatPhoneForDisplay as pageFormat } from '../web/phone-format';

// The page cannot import server code, so it carries its own copy of the rule: keep them one rule.
describe('the page groups phone numbers exactly as the server does', () => {
  it.each([
    '+9779812345678',
    '+9779841234567',
    '+9779700000000',
    '+97798123456789',
    '+977981234567',
    '+9199812345678',
    '9812345678',
    '',
    'not a number',
  ])('%p', (e164) => {
    expect(pageFormat(e164)).toBe(serverFormat(e164));
  });

  it('shows a Nepali number as +977 981-234-5678', () => {
    expect(pageFormat('+9779812345678')).toBe('+977 981-234-5678');
  });
});
