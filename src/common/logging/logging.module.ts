import { Global, Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { AppConfig } from '../../config/app-config';
import { AppLogger } from './app-logger';
import { requestOfCurrentLine } from './request-log';
import { baseLogOptions } from './process-logger';

/** Where log lines go: stdout, or a capturing stream in tests that scan what was logged. */
export abstract class LogDestination {
  abstract readonly stream: DestinationStream;
}

class StdoutLogDestination extends LogDestination {
  readonly stream: DestinationStream = process.stdout;
}

// An incoming X-Request-Id is echoed back only if it is short and plain, so it cannot forge log lines.
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's genReqId: the caller's X-Request-Id when it is safe to log, else a new UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming)
    ? incoming
    : randomUUID();
}

export { REDACTED_PATHS } from './log-redaction';

export function pinoHttpOptions(config: AppConfig): Options {
  const pretty = config.nodeEnv === 'development' && isInstalled('pino-pretty');
  const base = baseLogOptions(config.logLevel);
  return {
    ...base,
    // Bodies and headers are never logged: one line per request with what an operator needs.
    serializers: {
      ...base.serializers,
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url.split('?')[0], // no route takes a query; one could carry a token
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    mixin: requestOfCurrentLine,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  };
}

function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LogDestination, useClass: StdoutLogDestination }],
      inject: [AppConfig, LogDestination],
      useFactory: (config: AppConfig, destination: LogDestination) => {
        const options = pinoHttpOptions(config);
        return {
          // pino-pretty runs in a transport worker and cannot share a custom stream
          pinoHttp: options.transport ? options : [options, destination.stream],
          // no middleware: the request log is Fastify's hooks (request-log.ts)
          forRoutes: [],
        };
      },
    }),
  ],
  providers: [AppLogger],
  exports: [AppLogger],
})
export class LoggingModule {}
