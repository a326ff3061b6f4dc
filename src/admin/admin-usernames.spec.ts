import { loadConfiguration } from '../configuration';

describe('ADMIN_USERNAMES', () => {
  it('is a comma-separated list compared in lower case', () => {
    expect(loadConfiguration({ ADMIN_USERNAMES: ' Ram , sita.K,ops_1 ' }).admin.usernames).toEqual([
      'ram',
      'sita.k',
      'ops_1',
    ]);
    expect(loadConfiguration({}).admin.usernames).toEqual([]);
  });

  it('refuses what could never be a username, at start-up', () => {
    for (const value of ['ram sita', 'ram,,sita', 'ab', 'ram;sita', `${'x'.repeat(31)}`]) {
      expect(() => loadConfiguration({ ADMIN_USERNAMES: value })).toThrow(
        /ADMIN_USERNAMES: must be a comma-separated list of usernames/,
      );
    }
  });
});
