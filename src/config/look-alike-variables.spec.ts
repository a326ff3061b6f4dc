import { editDistance, lookAlikeVariables } from './look-alike-variables';

const names = (raw: Record<string, string>) => lookAlikeVariables(raw);

describe('lookAlikeVariables', () => {
  it('names a variable within two edits of a known one, with the name it meant', () => {
    expect(names({ TRUSTPROXY: '1', LOG_LEVLE: 'debug', trust_proxy: '1' })).toEqual([
      { name: 'LOG_LEVLE', suggestion: 'LOG_LEVEL' },
      { name: 'TRUSTPROXY', suggestion: 'TRUST_PROXY' },
      { name: 'trust_proxy', suggestion: 'TRUST_PROXY' },
    ]);
  });

  it("names an unknown variable with one of the service's prefixes", () => {
    expect(
      names({ REDIS_HOST: 'x', DB_HOST: 'x', FRAUD_SOMETHING: '1', CHALLENGE_X: '1' }),
    ).toEqual([
      { name: 'CHALLENGE_X' },
      { name: 'DB_HOST' },
      { name: 'FRAUD_SOMETHING' },
      { name: 'REDIS_HOST' },
    ]);
  });

  it('says nothing about known variables or the usual variables of a machine, npm and systemd', () => {
    const usual = {
      PATH: '/usr/bin',
      HOME: '/home/app',
      HOSTNAME: 'vm',
      USER: 'app',
      SHELL: '/bin/sh',
      LANG: 'C.UTF-8',
      PWD: '/srv',
      TERM: 'xterm',
      TZ: 'UTC',
      NODE: '/usr/bin/node',
      NODE_OPTIONS: '--enable-source-maps',
      INIT_CWD: '/srv',
      npm_lifecycle_event: 'start:prod',
      npm_config_cache: '/tmp',
      npm_package_name: 'phone-verify',
      JOURNAL_STREAM: '8:1234',
      INVOCATION_ID: 'abc',
      SYSTEMD_EXEC_PID: '1',
      LOGNAME: 'app',
      PGHOST: 'db',
      CI: 'true',
      PORT: '3000',
      HOST: '0.0.0.0',
      TRUST_PROXY: '1',
      OTP_LENGTH: '6',
      DB_MIGRATE_ON_BOOT: 'true',
    };
    expect(names(usual)).toEqual([]);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and a swap of neighbours as one edit each', () => {
    expect(editDistance('TRUSTPROXY', 'TRUST_PROXY')).toBe(1);
    expect(editDistance('LOG_LEVLE', 'LOG_LEVEL')).toBe(1);
    expect(editDistance('HOME', 'HOST')).toBe(2);
    expect(editDistance('SMS_GATEWY', 'SMS_GATEWAY')).toBe(1);
    expect(editDistance('', 'ABC')).toBe(3);
  });
});
