import { baseEnvSchema, createLogger, createPool, env, loadConfigOrExit } from '@megatron/runtime';
import { applyMigrations } from './migrations.js';

// Only what migrating needs, so the Helm hook Job runs with just DATABASE_URL.
const config = loadConfigOrExit(baseEnvSchema.extend({ DATABASE_URL: env.databaseUrl }));
const logger = createLogger('command-core-migrate', config.LOG_LEVEL);
const pool = createPool(config.DATABASE_URL, logger, { max: 1 });
try {
  const result = await applyMigrations(pool, logger);
  logger.info({ applied: result.applied, skipped: result.skipped.length }, 'migrations done');
} catch (error) {
  logger.error({ err: error }, 'migrations failed');
  process.exitCode = 1;
} finally {
  await pool.end();
}
