import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';

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
      providers: [{ provide: AppConfig, inject: [], useFactory: () => load(process.env) }],
      exports: [AppConfig],
    };
  }
}
