import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig, loadAppConfig } from './app-config';

/**
 * @nestjs/config loads `.env` (when present) into the environment; `loadAppConfig` validates it
 * into the typed AppConfig every module injects.
 */
@Global()
@Module({
  imports: [NestConfigModule.forRoot({ cache: true })],
  providers: [
    {
      provide: AppConfig,
      inject: [ConfigService],
      useFactory: () => loadAppConfig(process.env),
    },
  ],
  exports: [AppConfig],
})
export class ConfigModule {}
