import { createTestDatabase, waitFor, type TestDatabase } from '@megatron/testkit';
import { createLogger, createPool, type Pool } from '@megatron/runtime';

const logger = createLogger('postgres-pool-test', 'silent');

/** Backends Postgres has open for this test's database, counted by Postgres itself (the observer's own left out). */
async function backends(observer: Pool, database: string): Promise<number> {
  const { rows } = await observer.query<{ open: string }>('select count(*) as open from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
  return Number(rows[0]?.open);
}

/** Holds `count` connections of `pool` at once, then gives them back. */
async function useConnections(pool: Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  await Promise.all(clients.map((client) => client.query('select 1')));
  for (const client of clients) client.release();
}

describe('createPool: connections kept while idle', () => {
  let database: TestDatabase;
  let observer: Pool;
  const pools: Pool[] = [];
  const pool = (options: Parameters<typeof createPool>[2]) => {
    const created = createPool(database.url, logger, options);
    pools.push(created);
    return created;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    observer = createPool(database.url, logger, { max: 1 });
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((each) => each.end()));
    await waitFor(async () => (await backends(observer, database.name)) === 0, { what: 'the pools closed' });
  });

  afterAll(async () => {
    await observer.end();
    await database.drop();
  });

  it('keeps `keepIdle` connections open past the idle timeout and closes the rest', async () => {
    const kept = pool({ max: 4, keepIdle: 2, idleTimeoutMs: 100 });
    await useConnections(kept, 4);
    expect(await backends(observer, database.name)).toBe(4);

    await waitFor(async () => kept.totalCount === 2, { what: 'two idle connections closed' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(kept.totalCount).toBe(2);
    expect(await backends(observer, database.name)).toBe(2);
  });

  it('closes every idle connection when none is to be kept', async () => {
    const closing = pool({ max: 4, idleTimeoutMs: 100 });
    await useConnections(closing, 3);
    await waitFor(async () => (await backends(observer, database.name)) === 0, { what: 'idle connections closed' });
    expect(closing.totalCount).toBe(0);
  });

  it('replaces a kept connection that Postgres ended (a restart, a proxy) instead of using it', async () => {
    const kept = pool({ max: 2, keepIdle: 2 });
    await useConnections(kept, 2);
    await observer.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database.name]);
    await waitFor(async () => kept.totalCount === 0, { what: 'the ended connections dropped from the pool' });

    const { rows } = await kept.query<{ answer: number }>('select 42 as answer');
    expect(rows[0]?.answer).toBe(42);
  });
});
