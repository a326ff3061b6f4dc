import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FRAUD_GUARD_OFF } from './fraud-guard-off';

const ROOT = join(__dirname, '..', '..');

/** Secrets every instance of one test shares, as one deployment's instances do. */
export const PROCESS_SECRETS = {
  JWT_SECRET: `test-jwt-secret-${randomBytes(16).toString('hex')}`,
  OTP_HMAC_SECRET: `test-otp-secret-${randomBytes(16).toString('hex')}`,
  CHALLENGE_HMAC_SECRET: `test-challenge-secret-${randomBytes(16).toString('hex')}`,
};

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess {
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Settles when the process exits. */
  readonly exited: Promise<ExitStatus>;
  /** Sends `signal` and waits for the exit; SIGKILLs it and throws after `withinMs`. */
  stop(signal?: NodeJS.Signals, withinMs?: number): Promise<ExitStatus>;
}

export interface AppProcessOptions {
  /** Operator environment (DATABASE_URL, SMS_GATEWAY …), over production-like defaults. */
  env: Record<string, string>;
  /** How long start-up may take before the test gives up. */
  readyWithinMs?: number;
  /** The address to listen on (HOST); 127.0.0.1 by default. */
  host?: string;
  /** The port: a free one by default; give one to restart an instance where it was. */
  port?: number;
}

const running = new Set<ChildProcess>();

/**
 * The real server as its own process, from the TypeScript sources through the SWC require hook
 * (no build step): `node -r ./tools/swc-register.js src/main.ts`, on a free port (or the
 * one given), with NODE_ENV=production. Resolves once `/health/ready` answers 200.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const { child, output, exited } = spawnServer({ ...options.env, HOST: host, PORT: String(port) });
  const url = `http://${host}:${port}`;

  const early = await Promise.race([
    waitUntilReady(url, options.readyWithinMs ?? 60_000).then(() => undefined),
    exited,
  ]).catch((error: unknown) => error);
  if (early !== undefined) {
    child.kill('SIGKILL');
    const reason = early instanceof Error ? early.message : `exited ${JSON.stringify(early)}`;
    throw new Error(`app process did not become ready (${reason}); its output:\n${output()}`);
  }

  return {
    pid: child.pid ?? 0,
    port,
    url,
    output,
    exited,
    stop: async (signal = 'SIGTERM', withinMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = new Promise<'timeout'>((resolve) => {
        setTimeout(() => resolve('timeout'), withinMs).unref();
      });
      const result = await Promise.race([exited, timer]);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        throw new Error(`app process did not exit within ${withinMs} ms of ${signal}`);
      }
      return result;
    },
  };
}

/** What a server process wrote and how it ended, for a start that is meant to fail. */
export interface FinishedProcess {
  readonly stdout: string;
  readonly stderr: string;
  readonly exit: ExitStatus;
}

/**
 * Runs the server with `env` until it exits by itself (a start-up failure), or kills it after
 * `withinMs` and throws.
 */
export async function runAppProcessToExit(
  env: Record<string, string>,
  withinMs = 30_000,
): Promise<FinishedProcess> {
  const { child, stdout, stderr, exited } = spawnServer({
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    ...env,
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), withinMs);
  const exit = await exited;
  clearTimeout(timer);
  if (exit.signal === 'SIGKILL') {
    throw new Error(
      `app process did not exit within ${withinMs} ms; its output:\n${stdout()}${stderr()}`,
    );
  }
  return { stdout: stdout(), stderr: stderr(), exit };
}

/** `node … src/main.ts` with production-like defaults under `env`. */
function spawnServer(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      '--enable-source-maps',
      '-r',
      './tools/swc-register.js',
      'src/main.ts',
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        // a test that stops a process does not wait for a drain unless it tests the drain
        SHUTDOWN_DRAIN_SECONDS: '0',
        ...PROCESS_SECRETS,
        ...FRAUD_GUARD_OFF,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  const all: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    all.push(chunk.toString());
    out.push(chunk.toString());
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    all.push(chunk.toString());
    err.push(chunk.toString());
  });
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    exited,
    output: () => all.join(''),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** Kills whatever a failed test left running, so Jest can exit. */
export function killAppProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

async function waitUntilReady(url: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not ready within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A port nothing listens on right now (the OS picks it; it is free again once closed). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
