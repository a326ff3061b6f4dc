import type { INestApplication } from '@nestjs/common';
import { Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger as PinoLogger } from 'pino';
import { ShutdownState } from './shutdown-state';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** How long the stop waits for the open connections to be used once more (and closed) at most. */
const CONNECTIONS_SETTLE_MS = 2000;

/**
 * SIGTERM (or SIGINT) stops the process in two logged steps, then exits 0:
 * 1. drain, for `drainSeconds`: readiness answers 503 SHUTTING_DOWN and every other route still
 *    serves, so a load balancer that reads readiness stops sending here;
 * 2. stop: the listener closes (a new connection is refused, which a proxy retries elsewhere,
 *    even a POST, since nothing was sent) and from then on each answer closes its connection
 *    (app.setup.ts); the open connections get their next request answered and closed, for up to
 *    CONNECTIONS_SETTLE_MS; then `app.close()`: the connections still idle close, requests in
 *    flight finish, the pool and Redis close.
 * Keep-alive stays on during the drain: a proxy that does not read readiness (nginx) keeps
 * sending on the connections it holds, instead of opening new ones that could sit unaccepted in
 * the kernel's queue when the listener closes (reset, with the request unread).
 * A second signal during the drain cuts it short.
 */
export function stopGracefullyOnSignals(
  app: INestApplication,
  options: { drainSeconds: number; logger: PinoLogger },
): void {
  const { drainSeconds, logger } = options;
  let stopping = false;
  let endDrain: (() => void) | undefined;

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    app.get(ShutdownState).beginDrain();
    if (drainSeconds > 0) {
      logger.info(
        { signal, drainSeconds },
        `${signal}: draining for ${drainSeconds} s; /health/ready answers 503 SHUTTING_DOWN, every other route still serves`,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainSeconds * 1000);
        endDrain = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    logger.info(
      { signal },
      `${signal}: stopping; no new connections, finishing the requests in flight, then closing the pool`,
    );
    // A server cannot close an idle HTTP/1.1 connection without racing a request the client is
    // sending on it (a reset, with the request unread, which a proxy cannot tell from one that
    // failed mid-way: it would not retry a POST). Node's http.Server#close closes idle connections
    // at once, and to it a connection accepted a moment ago whose request is not read yet is idle
    // too. So the listener closes first, alone; the connections a proxy keeps are used once more
    // and closed by the answer (Connection: close); only those left idle that long are closed.
    app.get(ShutdownState).beginStop();
    const server = app.getHttpServer() as Server;
    Server.prototype.close.call(server);
    await untilNoConnections(server, CONNECTIONS_SETTLE_MS);
    await app.close();
    logger.info({ signal }, 'stopped');
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      endDrain?.();
      return;
    }
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'the stop failed');
        process.exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/** Resolves once `server` has no open connection, or after `withinMs`. */
async function untilNoConnections(server: Server, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const open = await new Promise<number>((resolve) =>
      server.getConnections((error, count) => resolve(error ? 0 : count)),
    );
    if (open === 0) return;
    await sleep(25);
  }
}
