import type { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { ShutdownState } from './shutdown-state';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * SIGTERM (or SIGINT) stops the process in two logged steps, then exits 0:
 * 1. drain, for `drainSeconds`: readiness answers 503 SHUTTING_DOWN and every other route still
 *    serves, each answer closing its connection (app.setup.ts), so a load balancer stops sending
 *    here and a proxy keeps no idle connection to an instance about to close it;
 * 2. stop: the listener closes (new connections are refused, which a proxy retries elsewhere),
 *    requests in flight finish, then the pool and Redis close (`app.close()`).
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
