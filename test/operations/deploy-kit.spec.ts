import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCTION_DRAIN_SECONDS } from '../../src/config/app-config';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** deploy/phone-verify.service stays in step with package.json and the shutdown it waits for. */
describe('deploy/phone-verify.service', () => {
  const unit = read('deploy/phone-verify.service');
  const setting = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1];

  it('runs what `npm run start:prod` runs, with its heap flags', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    const startProd = scripts['start:prod'].replace(/^node /, '');
    expect(setting('ExecStart')).toBe(`/usr/bin/node ${startProd}`);
  });

  it('stops with SIGTERM and waits at least the drain plus the longest request before killing', () => {
    expect(setting('KillSignal')).toBe('SIGTERM');
    const longestRequestSeconds = 2 * 5; // a send: one try at each of two gateways, 5 s each
    expect(Number(setting('TimeoutStopSec'))).toBeGreaterThanOrEqual(
      PRODUCTION_DRAIN_SECONDS + longestRequestSeconds + 5,
    );
  });

  it('runs as its own user from its directory with an env file, restarted on failure only', () => {
    expect(setting('User')).toBe('phone-verify');
    expect(setting('WorkingDirectory')).toBe('/srv/phone-verify');
    expect(setting('EnvironmentFile')).toBe('/etc/phone-verify/env');
    expect(setting('Restart')).toBe('on-failure');
  });
});
