import http from 'node:http';
import { createLogger, installShutdown, Metrics, Readiness, startServers, type RunningServers } from '@megatron/runtime';

const logger = createLogger('shutdown-test', 'silent');

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown', () => {
  let servers: RunningServers;
  let readiness: Readiness;
  let finishedWork = 0;

  beforeEach(async () => {
    readiness = new Readiness(logger);
    await readiness.start();
    servers = await startServers({
      logger,
      metrics: new Metrics('shutdown-test'),
      readiness,
      httpPort: 0,
      grpcPort: 0,
      host: '127.0.0.1',
      httpHandler: (_req, res) => {
        setTimeout(() => {
          finishedWork++;
          res.writeHead(200);
          res.end('slow work done');
        }, 400);
      },
    });
  });

  afterEach(() => readiness.stop());

  it('on SIGTERM: not ready at once, in-flight work finishes, new connections are refused, exit 0', async () => {
    const exits: number[] = [];
    const order: string[] = [];
    const { shutdown } = installShutdown({
      logger,
      readiness,
      timeoutMs: 5_000,
      signals: [],
      exit: (code) => exits.push(code),
      steps: [
        { name: 'servers', run: async () => { await servers.close(); order.push('servers'); } },
        { name: 'clients', run: () => { order.push('clients'); } },
      ],
    });

    const inFlight = get(servers.httpPort, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopping = shutdown('SIGTERM');
    expect(readiness.isReady()).toBe(false);

    await expect(inFlight).resolves.toEqual({ status: 200, body: 'slow work done' });
    await stopping;
    expect(finishedWork).toBe(1);
    expect(order).toEqual(['servers', 'clients']);
    expect(exits).toEqual([0]);
    await expect(get(servers.httpPort, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('exits 1 when a step outlives the bound', async () => {
    const exits: number[] = [];
    const { shutdown } = installShutdown({
      logger,
      readiness,
      timeoutMs: 200,
      signals: [],
      exit: (code) => exits.push(code),
      steps: [
        { name: 'stuck', run: () => new Promise<void>((resolve) => setTimeout(resolve, 600)) },
        { name: 'servers', run: () => servers.close() },
      ],
    });
    await shutdown('SIGTERM');
    expect(exits[0]).toBe(1);
  });
});
