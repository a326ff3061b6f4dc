import type { INestApplication } from '@nestjs/common';
import { Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger as PinoLogger } from 'pino';
import { ShutdownState } from './shutdown-state';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Between closing the listener and closing idle connections: long enough for a connection
 * accepted just before the listener closed to have its request read (a loop iteration or two).
 */
const ACCEPTED_SETTLE_MS = 250;

/**
 * SIGTERM (or SIGINT) stops the process in two logged steps, then exits 0:
 * 1. drain, for `drainSeconds`: readiness answers 503 SHUTTING_DOWN and every other route still
 *    serves, so a load balancer that reads readiness stops sending here;
 * 2. stop: the listener closes (a new connection is refused, which a proxy retries elsewhere,
 *    even a POST, since nothing was sent) and from then on each answer closes its connection
 *    (app.setup.ts); connections accepted just before get their request read and answered; then
 *    `app.close()`: the idle connections close, requests in flight finish, the pool and Redis
 *    close.
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
    // Node's http.Server#close closes idle connections at once, and to it a connection accepted a
    // moment ago whose request is not read yet is idle: it would be reset with the request unread,
    // which a proxy cannot tell from a request that failed mid-way, so it would not retry a POST.
    // So the listener closes first, alone, and the idle connections only once those are read.
    app.get(ShutdownState).beginStop();
    Server.prototype.close.call(app.getHttpServer());
    await sleep(ACCEPTED_SETTLE_MS);
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
