import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import {
  AppDataSourceOptions,
  createAppDataSource,
  dataSourceOptions,
  runPendingMigrations,
} from './data-source';

/**
 * The one DataSource: PostgreSQL from DATABASE_URL, or the embedded PGlite. Entities register
 * themselves through `TypeOrmModule.forFeature` in their own modules.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database),
        autoLoadEntities: true,
        migrationsRun: config.database.migrateOnBoot,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
      dataSourceFactory: async (options) => {
        // TypeORM would run migrations inside initialize() without a lock; we run them under one.
        const { migrationsRun, ...rest } = options as AppDataSourceOptions;
        const dataSource = await createAppDataSource({ ...rest, migrationsRun: false });
        await dataSource.initialize();
        try {
          if (migrationsRun) await runPendingMigrations(dataSource);
        } catch (error) {
          await dataSource.destroy();
          throw error;
        }
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
