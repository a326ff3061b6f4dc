import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How busy the machine is apart from the benchmark, and what code was measured. On a shared
 * 2-core machine the figures are only worth comparing when these are written next to them.
 */

/** Linux PSI: the share of the last 10 s in which some runnable task waited for a CPU (0–100). */
export function cpuPressure(): number | null {
  try {
    const line = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    const value = /avg10=([\d.]+)/.exec(line)?.[1];
    return value === undefined ? null : Number(value);
  } catch {
    return null;
  }
}

/**
 * Waits (up to `maxSeconds`) until CPU pressure drops to `threshold` %, so a scenario does not
 * start while other work, or the previous scenario's tail, still crowds the cores.
 */
export async function waitForQuiet(
  threshold: number,
  maxSeconds: number,
  log: (message: string) => void,
): Promise<number | null> {
  const deadline = Date.now() + maxSeconds * 1000;
  let pressure = cpuPressure();
  if (pressure === null || pressure <= threshold) return pressure;
  log(`waiting for CPU pressure ≤ ${threshold} % (now ${pressure} %)`);
  while (Date.now() < deadline) {
    await sleep(2000);
    pressure = cpuPressure();
    if (pressure === null || pressure <= threshold) return pressure;
  }
  log(`still ${pressure} % after ${maxSeconds} s: measuring anyway`);
  return pressure;
}

/** The commit measured, and whether the working tree had uncommitted changes under src/. */
export function gitState(repo: string): { commit: string; uncommittedSrcFiles: number } | null {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo })
      .toString()
      .trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], {
      cwd: repo,
    }).toString();
    return { commit, uncommittedSrcFiles: status.split('\n').filter(Boolean).length };
  } catch {
    return null;
  }
}
