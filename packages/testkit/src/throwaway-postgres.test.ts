import pg from 'pg';
import { startThrowawayPostgres, type ThrowawayPostgres } from '@megatron/testkit';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startThrowawayPostgres', () => {
  let postgres: ThrowawayPostgres | undefined;
  afterAll(async () => {
    await postgres?.destroy();
  });

  test('stop() refuses connections and start() brings the same data back', async () => {
    postgres = await startThrowawayPostgres();
    await query(postgres.url, `create table kept (v int); insert into kept values (42)`);

    await postgres.stop();
    await expect(query(postgres.url, 'select 1')).rejects.toThrow(/ECONNREFUSED/);

    await postgres.start();
    expect(await query(postgres.url, 'select v from kept')).toEqual([{ v: 42 }]);
  });
});
