import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { createProcessLogger, NestProcessLogger } from './common/logging/process-logger';
import { AppConfig, ConfigurationError } from './config/app-config';
import { describeLookAlikes, lookAlikeVariables } from './config/look-alike-variables';
import { stopGracefullyOnSignals } from './health/graceful-shutdown';

// JSON lines from the first to the last, whatever happens: Nest's own start-up lines, a failed
// start, Node's warnings and a crash all go through this logger.
const logger = createProcessLogger(process.env);
process.removeAllListeners('warning'); // Node's own listener prints them as plain text
process.on('warning', (warning) => logger.warn({ err: warning }, warning.message));
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, `Uncaught exception: ${error.message}`);
  process.exit(1);
});

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), {
    logger: new NestProcessLogger(logger),
    bufferLogs: true,
    abortOnError: false,
  });
  await configureApp(app);
  const config = app.get(AppConfig);
  stopGracefullyOnSignals(app, { drainSeconds: config.http.shutdownDrainSeconds, logger });
  await app.listen(config.http.port, config.http.host);
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  logger.info({ address, port }, `Listening on http://${host}:${port}`);
}

bootstrap().catch((error: unknown) => {
  reportStartupFailure(logger, error);
  process.exit(1);
});

/** One fatal line: a bad configuration names every bad variable (no stack); anything else, its error. */
function reportStartupFailure(log: PinoLogger, error: unknown): void {
  const configError = findConfigurationError(error);
  if (configError) {
    const { problems } = configError;
    const list = problems.map((p) => `${p.variable}: ${p.problem}`).join('; ');
    // a misspelt name is often the cause: the variable meant was never set
    const lookAlikes = lookAlikeVariables(process.env);
    const hint = lookAlikes.length > 0 ? `. ${describeLookAlikes(lookAlikes)}` : '';
    log.fatal(
      { problems, ...(lookAlikes.length > 0 ? { lookAlikes } : {}) },
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${list}${hint}`,
    );
    return;
  }
  log.fatal({ err: error }, `Start-up failed: ${describe(error)}`);
}

function findConfigurationError(error: unknown): ConfigurationError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof ConfigurationError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** An AggregateError (every address of a host refused) has an empty message: say what it holds. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message) return error.message;
  const inner = error instanceof AggregateError ? (error.errors[0] as unknown) : undefined;
  if (inner instanceof Error && inner.message) return inner.message;
  return (error as { code?: string }).code ?? error.name;
}
