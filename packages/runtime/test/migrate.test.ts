import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@megatron/testkit';
import { createLogger, createPool, migrate, type Pool } from '@megatron/runtime';

const logger = createLogger('migrate-test', 'silent');

describe('migration runner', () => {
  let database: TestDatabase;
  let pool: Pool;
  let directory: string;

  beforeEach(async () => {
    database = await createTestDatabase();
    pool = createPool(database.url, logger, { max: 4 });
    directory = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    await writeFile(path.join(directory, '001_create_things.sql'), 'create table things (id serial primary key, name text not null);');
    await writeFile(path.join(directory, '002_seed_things.sql'), "insert into things (name) values ('first');");
    await writeFile(path.join(directory, 'README.md'), 'not a migration');
  });

  afterEach(async () => {
    await pool.end();
    await database.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('applies numbered files in order, once', async () => {
    expect(await migrate(pool, directory, logger)).toEqual({ applied: ['001_create_things.sql', '002_seed_things.sql'], skipped: [] });
    expect(await migrate(pool, directory, logger)).toEqual({ applied: [], skipped: ['001_create_things.sql', '002_seed_things.sql'] });
    const { rows } = await pool.query('select name from things');
    expect(rows).toEqual([{ name: 'first' }]);
  });

  it('is safe when several processes migrate at once', async () => {
    const results = await Promise.all([migrate(pool, directory, logger), migrate(pool, directory, logger), migrate(pool, directory, logger)]);
    expect(results.flatMap((result) => result.applied).sort()).toEqual(['001_create_things.sql', '002_seed_things.sql']);
    const { rows } = await pool.query('select count(*)::int as n from things');
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('applies only new files on a later run', async () => {
    await migrate(pool, directory, logger);
    await writeFile(path.join(directory, '003_more.sql'), "insert into things (name) values ('second');");
    expect((await migrate(pool, directory, logger)).applied).toEqual(['003_more.sql']);
  });

  it('rolls back a failing file, names it, and records nothing for it', async () => {
    await writeFile(path.join(directory, '003_broken.sql'), "insert into things (name) values ('half'); select * from missing_table;");
    await expect(migrate(pool, directory, logger)).rejects.toThrow(/^migration 003_broken.sql failed: relation "missing_table" does not exist/);
    const { rows } = await pool.query('select version from schema_migrations order by version');
    expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
    expect((await pool.query("select count(*)::int as n from things where name = 'half'")).rows[0]).toEqual({ n: 0 });
  });

  it('refuses two files with the same number', async () => {
    await writeFile(path.join(directory, '002_other.sql'), 'select 1;');
    await expect(migrate(pool, directory, logger)).rejects.toThrow(/share version 2/);
  });
});
