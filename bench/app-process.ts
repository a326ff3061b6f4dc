import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:net';
import type { AppLogMode } from './settings';

export const REPO_ROOT = resolve(__dirname, '..');
/**
 * The directory whose `dist/` is run: the repository, or (BENCH_APP_DIR) a scratch copy of the
 * build with one change tried in it, for before/after figures without touching src/.
 */
export const APP_DIR = process.env.BENCH_APP_DIR ? resolve(process.env.BENCH_APP_DIR) : REPO_ROOT;
export const APP_ENTRY = join(APP_DIR, 'dist', 'src', 'main.js');

/** The built app must exist: the benchmark measures what `npm run build` produced, nothing else. */
export function assertBuilt(): void {
  if (!existsSync(APP_ENTRY)) {
    throw new Error(
      `${APP_ENTRY} is missing. The benchmark runs the built app: run \`npm run build\` first.`,
    );
  }
}

export interface AppProcessOptions {
  /** A label for file names (`app-0`, `scenario-3` …). */
  readonly name: string;
  readonly port: number;
  /** Every app variable, as given to the process (nothing else is inherited but PATH/HOME). */
  readonly env: Record<string, string>;
  readonly log: AppLogMode;
  readonly workDir: string;
  /** Write a V8 CPU profile into this directory when the process exits. */
  readonly cpuProfileDir?: string;
  /** Further node options (diagnostics only, e.g. `--require` a recorder). */
  readonly nodeArgs?: readonly string[];
  /** Scheduling priority of the process (see BENCH_NICE). */
  readonly nice?: number;
  /** The node binary; default: the one running the harness. */
  readonly node?: string;
}

export interface MemoryStatus {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size (VmHWM), MB. */
  peakRssMb: number;
}

/**
 * `node dist/src/main.js` as a child process: started, waited for until /health/ready answers
 * 200 (that time is its start-to-ready), measured through /proc, and stopped with SIGTERM.
 */
export class AppProcess {
  readonly url: string;
  startToReadyMs = NaN;
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private stderr = '';

  constructor(readonly options: AppProcessOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  get pid(): number {
    if (this.child?.pid === undefined) throw new Error(`${this.options.name} is not running`);
    return this.child.pid;
  }

  get logFile(): string | undefined {
    return this.options.log === 'file'
      ? join(this.options.workDir, `${this.options.name}.log`)
      : undefined;
  }

  async start(readyTimeoutMs = 30_000): Promise<void> {
    await assertPortFree(this.options.port);
    mkdirSync(this.options.workDir, { recursive: true });
    const logFile = this.logFile;
    const stdout = logFile ? openSync(logFile, 'a') : 'ignore';
    const args = [...(this.options.nodeArgs ?? [])];
    if (this.options.cpuProfileDir) {
      mkdirSync(this.options.cpuProfileDir, { recursive: true });
      args.push(
        '--cpu-prof',
        `--cpu-prof-dir=${this.options.cpuProfileDir}`,
        `--cpu-prof-name=${this.options.name}.cpuprofile`,
      );
    }
    const startedAt = performance.now();
    const child = spawn(this.options.node ?? process.execPath, [...args, APP_ENTRY], {
      cwd: APP_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...this.options.env,
        PORT: String(this.options.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: this.options.log === 'silent' ? 'silent' : 'info',
      },
      stdio: ['ignore', stdout, 'pipe'],
    });
    if (typeof stdout === 'number') closeSync(stdout);
    if (this.options.nice !== undefined && child.pid !== undefined) {
      setPriority(child.pid, this.options.nice);
    }
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-20_000);
    });
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));

    const deadline = startedAt + readyTimeoutMs;
    while (performance.now() < deadline) {
      if (exitCode !== undefined) {
        throw new Error(
          `${this.options.name} exited with ${exitCode} before it was ready:\n${this.stderr}`,
        );
      }
      if (await answers200(`${this.url}/health/ready`)) {
        this.startToReadyMs = performance.now() - startedAt;
        return;
      }
      await sleep(20);
    }
    await this.stop();
    throw new Error(
      `${this.options.name} was not ready within ${readyTimeoutMs} ms:\n${this.stderr}`,
    );
  }

  /** VmRSS and VmHWM of the app process (Linux /proc). */
  memory(): MemoryStatus {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  }

  /** SIGTERM (the app finishes in-flight requests and exits 0); SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<number | null> {
    const child = this.child;
    if (!child || !this.exited) return null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      this.child = undefined;
    }
  }

  /** The last lines the app wrote to stderr (start-up failures land there). */
  get stderrTail(): string {
    return this.stderr;
  }
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Another process on the port (another benchmark, say) would answer the readiness probe in the
 * app's place and be measured instead of it: refuse to start rather than measure it.
 */
async function assertPortFree(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', () => reject(new Error(`port ${port} is in use: choose a free one`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
