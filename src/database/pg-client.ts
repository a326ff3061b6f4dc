import { Client, ClientConfig } from 'pg';

export const QUERY_READ_TIMEOUT_MESSAGE = 'Query read timeout';

type QueryCallback = (error: Error | null, result: unknown) => void;

/**
 * pg's Client, except that a query abandoned for `query_timeout` also drops its connection.
 * pg alone keeps the connection, still waiting for the unanswered query, and returns it to the
 * pool: on a silent network every later query on it would wait the full timeout too. A dropped
 * connection errors, TypeORM releases it with that error, and the pool opens a fresh one.
 * Given to the pool as `extra.Client`.
 */
export class DroppingOnTimeoutClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    const query = super.query.bind(this) as (...args: unknown[]) => unknown;
    const patched = (...args: unknown[]): unknown => {
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (error: Error | null, result: unknown) => {
          this.dropIfTimedOut(error);
          (callback as QueryCallback)(error, result);
        };
      }
      const result = query(...args);
      if (result instanceof Promise) result.catch((error: unknown) => this.dropIfTimedOut(error));
      return result;
    };
    this.query = patched as Client['query'];
  }

  private dropIfTimedOut(error: unknown): void {
    if (error instanceof Error && error.message === QUERY_READ_TIMEOUT_MESSAGE) {
      this.connection.stream.destroy();
    }
  }
}
