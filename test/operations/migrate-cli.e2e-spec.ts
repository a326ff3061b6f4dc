import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS } from '../../migrations';
import { databaseUrl, dropDatabase, runPrefix, withServer } from '../support/test-database';

const ROOT = join(__dirname, '..', '..');
const ENTRY = join(ROOT, 'dist', 'src', 'migrate.js');

interface Run {
  code: number | null;
  lines: Array<Record<string, unknown> & { level: number; msg: string }>;
  packages: string[];
}

/** `npm run migrate` as an operator runs it, recording the packages it loads. */
async function migrate(env: Record<string, string>): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'pv-migrate-'));
  try {
    const child = spawn('npm', ['run', '--silent', 'migrate'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        NODE_OPTIONS: `--require ${join(__dirname, 'fixtures', 'record-packages.cjs')}`,
        RECORD_PACKAGES_TO: dir,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    process.stdout.write(`[migrate-cli] npm run migrate → exit ${code}:\n${output}`);
    const lines = output
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Run['lines'][number]); // every line JSON
    const files = readdirSync(dir).flatMap(
      (file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as string[],
    );
    return { code, lines, packages: packagesOf(files) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The project's installed packages among loaded files (`<root>/node_modules/@scope/name/…`);
 * npm's own, which it loads from where it is installed, are not the command's.
 */
function packagesOf(files: readonly string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    if (!file.startsWith(join(ROOT, 'node_modules'))) continue;
    const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (match) names.add(match[1]);
  }
  return [...names].sort();
}

/**
 * Issue 21, upgrades: `npm run migrate` applies pending migrations from the build in dist/ (CI
 * builds before the tests), with no build step and none of the devDependencies, and logs what it
 * applied as JSON lines; a second run has nothing to do.
 */
describe('npm run migrate', () => {
  const name = `${runPrefix()}_migrate_cli_${process.pid}`;
  const url = databaseUrl(name);

  beforeAll(async () => {
    if (!existsSync(ENTRY)) {
      throw new Error(
        `${ENTRY} is missing: run \`npm run build\` first (CI builds before the tests)`,
      );
    }
    await withServer((client) => client.query(`CREATE DATABASE "${name}"`)); // empty
  });
  afterAll(() => dropDatabase(name));

  it('applies every pending migration from dist/, logs them, and needs no devDependency', async () => {
    const expected = MIGRATIONS.map((Migration) => new Migration().name ?? Migration.name);
    const first = await migrate({ DATABASE_URL: url });
    expect(first.code).toBe(0);
    const applied = first.lines.find((line) => line.msg.startsWith('Applied '));
    expect(applied).toMatchObject({ level: 30, applied: expected });
    expect(first.lines.find((line) => line.msg.startsWith('Applying '))).toMatchObject({
      pending: expected,
    });
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client
      .query<{ name: string }>('SELECT name FROM migrations ORDER BY id')
      .finally(() => client.end());
    expect(rows.map((row) => row.name)).toEqual(expected);

    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const devOnly = first.packages.filter((name) => name in manifest.devDependencies);
    expect(devOnly).toEqual([]);
    expect(first.packages).toEqual(expect.arrayContaining(['pg', 'typeorm', 'pino']));

    const again = await migrate({ DATABASE_URL: url });
    expect(again.code).toBe(0);
    expect(again.lines.map((line) => line.msg)).toEqual([
      'The database schema is up to date: no pending migration',
    ]);
  });

  it('refuses without DATABASE_URL, in one fatal line', async () => {
    const run = await migrate({});
    expect(run.code).toBe(1);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatchObject({ level: 60 });
    expect(run.lines[0].msg).toMatch(/^Migration failed: DATABASE_URL is not set/);
  });
});
