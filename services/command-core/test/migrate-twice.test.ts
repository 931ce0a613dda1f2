import { createLogger, createPool, type Pool } from '@megatron/runtime';
import { createTestDatabase, type TestDatabase } from '@megatron/testkit';
import { readdirSync } from 'node:fs';
import { applyMigrations, migrationsDirectory } from '../src/migrations.js';

describe('migrations', () => {
  let database: TestDatabase;
  let pool: Pool;
  const logger = createLogger('migrate-test', 'silent');

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url, logger, { max: 2 });
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  test('the first run applies every numbered file in order and a second run applies nothing', async () => {
    const files = readdirSync(migrationsDirectory())
      .filter((file) => /^\d+_[a-z0-9_-]+\.sql$/.test(file))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    expect(files.slice(0, 2)).toEqual(['001_tenants.sql', '002_engagements.sql']);

    const first = await applyMigrations(pool, logger);
    expect(first.applied).toEqual(files);
    const second = await applyMigrations(pool, logger);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(files);

    const { rows } = await pool.query<{ name: string }>('select name from schema_migrations order by version');
    expect(rows.map((row) => row.name)).toEqual(files);
  });

  test('two replicas migrating at the same moment apply each file once', async () => {
    const other = await createTestDatabase();
    const poolA = createPool(other.url, logger, { max: 2 });
    const poolB = createPool(other.url, logger, { max: 2 });
    try {
      const [a, b] = await Promise.all([applyMigrations(poolA, logger), applyMigrations(poolB, logger)]);
      expect([...a.applied, ...b.applied].sort()).toEqual([...a.applied, ...a.skipped].sort());
      expect(a.applied.length === 0 || b.applied.length === 0).toBe(true);
    } finally {
      await poolA.end();
      await poolB.end();
      await other.drop();
    }
  });

  test('a customer workspace is unique per organization and team id, an integration team belongs to one organization', async () => {
    const org = await pool.query<{ id: string }>(`insert into organizations (name, verification_token_enc) values ('a', 'x') returning id`);
    const orgId = org.rows[0]?.id;
    await pool.query(`insert into customer_workspaces (organization_id, platform_id, connection_token_enc) values ($1, 'T1', 'x')`, [orgId]);
    await expect(
      pool.query(`insert into customer_workspaces (organization_id, platform_id, connection_token_enc) values ($1, 'T1', 'y')`, [orgId]),
    ).rejects.toThrow(/duplicate key value violates unique constraint/);
    await pool.query(`insert into integrations (organization_id, team_id, bot_token_enc) values ($1, 'T9', 'x')`, [orgId]);
    await expect(pool.query(`insert into integrations (organization_id, team_id, bot_token_enc) values ($1, 'T9', 'y')`, [orgId])).rejects.toThrow(
      /duplicate key value violates unique constraint/,
    );
  });
});
