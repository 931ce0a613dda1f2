import { existsSync } from 'node:fs';
import path from 'node:path';
import { migrate, type Logger, type MigrationResult, type Pool } from '@megatron/runtime';

/**
 * The SQL folder next to the built code (dist/../migrations) or, when run from the workspace root or
 * under jest, services/command-core/migrations. Found this way because the same source runs as ESM when
 * built and as CommonJS under jest, so neither import.meta nor __dirname works for both.
 */
export function migrationsDirectory(): string {
  const candidates = [
    process.argv[1] ? path.resolve(path.dirname(process.argv[1]), '..', 'migrations') : undefined,
    path.resolve('migrations'),
    path.resolve('services', 'command-core', 'migrations'),
  ];
  for (const candidate of candidates) {
    if (candidate !== undefined && existsSync(path.join(candidate, '001_tenants.sql'))) return candidate;
  }
  throw new Error(`command-core migrations not found (looked in ${candidates.filter(Boolean).join(', ')})`);
}

export function applyMigrations(pool: Pool, logger: Logger): Promise<MigrationResult> {
  return migrate(pool, migrationsDirectory(), logger);
}
