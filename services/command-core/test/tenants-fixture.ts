import { randomBytes } from 'node:crypto';
import { createLogger, createPool, type Logger, type Pool } from '@megatron/runtime';
import { createTestDatabase, type TestDatabase } from '@megatron/testkit';
import { TokenCipher } from '../src/crypto/token-cipher.js';
import { applyMigrations } from '../src/migrations.js';
import { TenantAdmin } from '../src/tenants/tenant-admin.js';
import { TenantDirectory } from '../src/tenants/tenant-directory.js';

export const newKey = () => randomBytes(32).toString('base64');

/** A migrated database of its own with the tenants module over it; `close()` drops it. */
export interface TenantsFixture {
  database: TestDatabase;
  pool: Pool;
  logger: Logger;
  key: string;
  cipher: TokenCipher;
  admin: TenantAdmin;
  directory: TenantDirectory;
  close(): Promise<void>;
}

export async function tenantsFixture(): Promise<TenantsFixture> {
  const database = await createTestDatabase();
  const logger = createLogger('command-core-test', 'silent');
  const pool = createPool(database.url, logger, { max: 4 });
  await applyMigrations(pool, logger);
  const key = newKey();
  const cipher = new TokenCipher(key);
  return {
    database,
    pool,
    logger,
    key,
    cipher,
    admin: new TenantAdmin(pool, cipher),
    directory: new TenantDirectory(pool, cipher),
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

let teamCounter = 0;
/** A Slack-looking team id unique within the test file. */
export function teamId(): string {
  teamCounter += 1;
  return `T${randomBytes(4).toString('hex').toUpperCase()}${teamCounter}`;
}
