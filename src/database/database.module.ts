import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AppConfig } from '../config/app-config';
import { Database } from './database';
import {
  AppDataSourceOptions,
  createAppDataSource,
  dataSourceOptions,
  runPendingMigrations,
} from './data-source';

/**
 * The one connection pool: PostgreSQL from DATABASE_URL, or the embedded PGlite. TypeORM opens
 * it and runs the migrations; every statement at run time goes through `Database` on its pool.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database),
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
          if (migrationsRun) {
            const logger = new Logger('Migrations');
            await runPendingMigrations(dataSource, (fields, message) =>
              logger.log(fields, message),
            );
          }
        } catch (error) {
          await dataSource.destroy();
          throw error;
        }
        return dataSource;
      },
    }),
  ],
  providers: [
    {
      provide: Database,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) =>
        new Database((dataSource.driver as PostgresDriver).master as Pool),
    },
  ],
  exports: [Database],
})
export class DatabaseModule {}
