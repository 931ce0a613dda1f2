import { startThrowawayPostgres, waitFor, type ThrowawayPostgres } from '@megatron/testkit';
import { createLogger, createPool, Metrics, postgresCheck, Readiness, startServers, type Pool, type RunningServers } from '@megatron/runtime';

const logger = createLogger('readiness-test', 'silent');

async function readyz(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  await response.arrayBuffer();
  return response.status;
}

describe('readiness follows Postgres', () => {
  let postgres: ThrowawayPostgres;
  let pool: Pool;
  let readiness: Readiness;
  let servers: RunningServers;

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    pool = createPool(postgres.url, logger, { max: 2 });
    readiness = new Readiness(logger, 200).add({ name: 'postgres', probe: postgresCheck(pool) });
    await readiness.start();
    servers = await startServers({ logger, metrics: new Metrics('readiness-test'), readiness, httpPort: 0, grpcPort: 0, host: '127.0.0.1' });
  }, 60_000);

  afterAll(async () => {
    readiness.stop();
    await servers.close();
    await pool.end();
    await postgres.destroy();
  });

  it('drops while Postgres is stopped and recovers by itself when it returns', async () => {
    expect(await readyz(servers.httpPort)).toBe(200);

    await postgres.stop();
    await waitFor(async () => (await readyz(servers.httpPort)) === 503, { what: '/readyz 503 after Postgres stopped', timeoutMs: 10_000 });
    const snapshot = readiness.snapshot();
    expect(snapshot.dependencies.postgres?.up).toBe(false);

    await postgres.start();
    await waitFor(async () => (await readyz(servers.httpPort)) === 200, { what: '/readyz 200 after Postgres returned', timeoutMs: 15_000 });
    expect(readiness.snapshot().dependencies.postgres).toEqual({ up: true });
  }, 60_000);
});
