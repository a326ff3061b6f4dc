import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { describeLookAlikes, lookAlikeVariables } from './look-alike-variables';

/**
 * @nestjs/config loads `.env` (when present) into the environment; `load` validates it into the
 * typed AppConfig every module injects. The app root hands `load` in (src/configuration.ts), with
 * the feature modules' checks.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(load: (raw: NodeJS.ProcessEnv) => AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      imports: [NestConfigModule.forRoot({ cache: true })],
      // after NestConfigModule has read .env into process.env
      providers: [{ provide: AppConfig, inject: [], useFactory: () => loadAndWarn(load) }],
      exports: [AppConfig],
    };
  }
}

/** The configuration, and a warning naming each unknown variable that looks like one of ours. */
function loadAndWarn(load: (raw: NodeJS.ProcessEnv) => AppConfig): AppConfig {
  const config = load(process.env);
  const lookAlikes = lookAlikeVariables(process.env);
  if (lookAlikes.length > 0) {
    new Logger('Configuration').warn({ variables: lookAlikes }, describeLookAlikes(lookAlikes));
  }
  return config;
}
