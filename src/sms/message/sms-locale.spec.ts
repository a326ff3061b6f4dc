import { chooseSmsLocale } from './sms-locale';

describe('chooseSmsLocale', () => {
  it('takes the request’s own locale first', () => {
    expect(chooseSmsLocale('ne', 'en-US,en;q=0.9', 'en')).toBe('ne');
    expect(chooseSmsLocale('en', 'ne', 'ne')).toBe('en');
  });

  it.each([
    ['ne', 'ne'],
    ['ne-NP', 'ne'],
    ['NE-np,en;q=0.5', 'ne'],
    ['en-GB,ne;q=0.8', 'en'],
    ['fr,ne;q=0.7,en;q=0.6', 'ne'],
    ['hi-IN,ne;q=0.9,en;q=0.9', 'ne'],
    ['en;q=0.4, ne;q=0.6', 'ne'],
  ])('Accept-Language %j → %s', (header, expected) => {
    expect(chooseSmsLocale(undefined, header, 'en')).toBe(expected);
  });

  it.each([
    [undefined],
    [''],
    ['fr-FR,de;q=0.9'],
    ['*'],
    ['ne;q=0'],
    ['ne;q=abc'],
    ['ne-😀'],
    ['ne'.padEnd(600, ',x')],
  ])('falls back to the default for %j', (header) => {
    expect(chooseSmsLocale(undefined, header, 'en')).toBe('en');
    expect(chooseSmsLocale(undefined, header, 'ne')).toBe('ne');
  });
});
