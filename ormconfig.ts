import { join } from 'node:path';
import { loadConfiguration } from './src/configuration';
import {
  createAppDataSource,
  dataSourceOptions,
  withoutRequestTimeouts,
} from './src/database/data-source';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:run|revert|generate|show`): the same
 * options as the app, from the same environment variables (DATABASE_URL, or the embedded database
 * under DATA_DIR). Run it from the build: `typeorm -d dist/ormconfig.js`.
 */
const extension = __filename.endsWith('.ts') ? 'ts' : 'js';
const config = loadConfiguration(process.env);

// Migrations may run longer than a request is allowed to.
export default createAppDataSource({
  ...withoutRequestTimeouts(dataSourceOptions(config.database)),
  entities: [join(__dirname, 'src', '**', `*.entity.${extension}`)],
});
