import pg from 'pg';
import { createTestDatabase } from '@megatron/testkit';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query('select 1 from pg_database where datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  test('a created database accepts tables and rows, and drop() removes it even with a client still connected', async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    client.on('error', () => undefined);
    try {
      await client.query('create table notes (body text)');
      await client.query(`insert into notes values ('kept')`);
      const { rows } = await client.query<{ body: string; db: string }>('select body, current_database() as db from notes');
      expect(rows).toEqual([{ body: 'kept', db: database.name }]);
    } finally {
      await database.drop();
      await client.end().catch(() => undefined);
    }
    expect(await databaseExists(database.name)).toBe(false);
  });

  test('two databases created together get different names', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.name).not.toBe(b.name);
      expect(a.name).toMatch(/^[a-z0-9_]+$/);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });
});
