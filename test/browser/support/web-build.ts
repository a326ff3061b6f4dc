import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..', '..');
const WEB_SOURCES = join(ROOT, 'web');
const ENTRY = join(ROOT, 'public', 'js', 'main.js');
const LOCK = join(ROOT, 'test-artifacts', 'build-web.lock');

/**
 * Compiles web/ into public/js when it is missing or older than its sources, so `npm test` on a
 * fresh clone serves the page it tests. Test files run in parallel workers: a mkdir lock keeps
 * two of them from writing the same files at once.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (isFresh()) return;
  await withLock(() => {
    if (isFresh()) return; // another worker built it while we waited
    const tsc = require.resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(WEB_SOURCES, 'tsconfig.json')], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  });
}

function isFresh(): boolean {
  if (!existsSync(ENTRY)) return false;
  const built = statSync(ENTRY).mtimeMs;
  return newestSource(WEB_SOURCES) <= built;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

async function withLock(work: () => void): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than the deadline is left over from a killed run.
      const lockedAt = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > 120_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${LOCK}`, { cause: error });
      await sleep(200);
    }
  }
  try {
    work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
