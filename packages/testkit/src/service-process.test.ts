import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startService } from '@megatron/testkit';

// Stand-ins for a service's main.js: real processes serving real HTTP, but fast to start.
const READY_SERVICE = `
import http from 'node:http';
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/readyz' ? 200 : 404).end(JSON.stringify({ namespace: process.env.NATS_NAMESPACE, grpc: process.env.GRPC_PORT }));
});
server.listen(Number(process.env.HTTP_PORT), '127.0.0.1', () => console.log('listening on ' + process.env.HTTP_PORT));
process.on('SIGTERM', () => { console.log('draining'); server.close(() => process.exit(0)); });
`;
const NEVER_READY_SERVICE = `
import http from 'node:http';
console.error('database unreachable, still trying');
http.createServer((req, res) => res.writeHead(503).end()).listen(Number(process.env.HTTP_PORT), '127.0.0.1');
`;
const CRASHING_SERVICE = `console.error('config error: DATABASE_URL is required'); process.exit(3);`;

describe('startService', () => {
  let dir: string;
  const script = async (name: string, body: string) => {
    const file = path.join(dir, name);
    await writeFile(file, body);
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'testkit-service-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a ready service gets free ports and env, captures its output and reports a graceful exit', async () => {
    const entry = await script('ready.mjs', READY_SERVICE);
    const service = await startService('command-core', { NATS_NAMESPACE: 't_kit' }, { entry });
    try {
      const body = (await (await fetch(`${service.httpUrl}/readyz`)).json()) as { namespace: string; grpc: string };
      expect(body.namespace).toBe('t_kit');
      expect(service.grpcUrl).toBe(`http://127.0.0.1:${body.grpc}`);
      expect(service.output()).toContain(`listening on ${new URL(service.httpUrl).port}`);
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
    expect(service.output()).toContain('draining');
  });

  test('a readiness timeout throws with what the service printed', async () => {
    const entry = await script('never-ready.mjs', NEVER_READY_SERVICE);
    await expect(startService('app-notifier', {}, { entry, timeoutMs: 1_500 })).rejects.toThrow(
      /timed out after 1500ms waiting for app-notifier to answer 200 on http:\/\/127\.0\.0\.1:\d+\/readyz[\s\S]*database unreachable, still trying/,
    );
  });

  test('a service that exits during start-up fails at once with its exit code and output', async () => {
    const entry = await script('crash.mjs', CRASHING_SERVICE);
    const started = Date.now();
    await expect(startService('command-core', {}, { entry, timeoutMs: 10_000 })).rejects.toThrow(
      /command-core exited during start-up: code 3[\s\S]*config error: DATABASE_URL is required/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('an unknown service name or a missing build is refused before anything is spawned', async () => {
    await expect(startService('billing' as 'command-core', {})).rejects.toThrow(/unknown service "billing"/);
    await expect(startService('command-core', {}, { entry: path.join(dir, 'absent.js') })).rejects.toThrow(
      /absent\.js does not exist; build first/,
    );
    await expect(startService('command-core', { HTTP_PORT: 'eighty' }, { entry: path.join(dir, 'ready.mjs') })).rejects.toThrow(
      /HTTP_PORT must be a port number, got "eighty"/,
    );
  });
});
