import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { AppConfig, ConfigurationError } from './config/app-config';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), {
    bufferLogs: true,
    abortOnError: false,
  });
  await configureApp(app);
  // SIGTERM: stop accepting, let in-flight requests finish, close the pool, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const { port, host } = app.get(AppConfig).http;
  await app.listen(port, host);
}

bootstrap().catch((error: unknown) => {
  const configError = findConfigurationError(error);
  process.stderr.write(`${configError ? configError.message : describeStartupFailure(error)}\n`);
  process.exit(1);
});

function findConfigurationError(error: unknown): ConfigurationError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof ConfigurationError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeStartupFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `Start-up failed: ${message}`;
}
