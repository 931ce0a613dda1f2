/**
 * CPU per unary call of the gRPC clients and servers a service could use for its internal calls: connect-node's
 * (createGrpcTransport, connectNodeAdapter) and the lean ones every Megatron service uses
 * (packages/runtime/src/lean-grpc-transport.ts, lean-grpc-server.ts), each client against each server.
 *
 *   npm run build && node bench/dist/rpc-client-cpu.js [--calls=3000] [--concurrency=8] [--rounds=3]
 *
 * This process serves grpc.health.v1.Health with both servers, one at a time busy; each measurement is a child
 * process that runs only the client, so its process.cpuUsage() is the client's cost alone and this process's is
 * the server's, warm-up included in both counts of calls.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createClient, type Transport } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { Health, HealthCheckResponse_ServingStatus as Status } from '@megatron/contracts';
import { createLeanGrpcTransport, createLogger, leanGrpcServer, type ServiceRegistry } from '@megatron/runtime';
import { median } from './stats.js';
import { clientCpuSettings, measureChild, timeCalls, WARM_UP_CALLS, type ClientRun } from './client-cpu.js';
import { describeMachine } from './machine.js';
import { Semaphore } from './relay/semaphore.js';

const TRANSPORTS = ['connect-node', 'lean'] as const;
type TransportKind = (typeof TRANSPORTS)[number];
const SERVERS = TRANSPORTS;
type ServerKind = TransportKind;

const routes = (registry: ServiceRegistry) => registry.service(Health, { check: () => ({ status: Status.SERVING }), list: () => ({}), async *watch() {} });

function serverOf(kind: ServerKind): http2.Http2Server {
  return kind === 'lean'
    ? leanGrpcServer({ routes, interceptors: [], maxMessageBytes: 1024 * 1024, logger: createLogger('rpc-bench', 'silent') })
    : http2.createServer(connectNodeAdapter({ routes }));
}

function transportOf(kind: TransportKind, baseUrl: string): Transport {
  return kind === 'lean' ? createLeanGrpcTransport({ baseUrl, interceptors: [] }) : createGrpcTransport({ baseUrl });
}

/** Child: warm up, then make `calls` calls and print this process's CPU per call and the throughput. */
async function runClient(kind: TransportKind): Promise<void> {
  const { RPC_URL: url, BENCH_CALLS: calls, BENCH_CONCURRENCY: concurrency } = process.env;
  if (!url || !calls || !concurrency) throw new Error('the client process is started by the bench itself');
  const client = createClient(Health, transportOf(kind, url));
  const run = await timeCalls(Number(calls), async (count) => {
    const slots = new Semaphore(Number(concurrency));
    await Promise.all(Array.from({ length: count }, () => slots.run(() => client.check({ service: '' }))));
  });
  process.stdout.write(`${JSON.stringify(run)}\n`);
  process.exit(0);
}

async function main(argv: readonly string[]): Promise<void> {
  const clientArg = argv.find((arg) => arg.startsWith('--client='));
  if (clientArg) {
    const kind = clientArg.slice('--client='.length);
    if (!(TRANSPORTS as readonly string[]).includes(kind)) throw new Error(`unknown transport ${kind}`);
    return runClient(kind as TransportKind);
  }
  const settings = clientCpuSettings(argv);
  const sessions = new Set<http2.ServerHttp2Session>();
  const servers = await Promise.all(
    SERVERS.map(async (kind) => {
      const server = serverOf(kind);
      server.on('session', (session) => sessions.add(session));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { kind, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }),
  );
  try {
    const pairs = servers.flatMap((server) => TRANSPORTS.map((client) => ({ server, client })));
    const runs = new Map(pairs.map((pair) => [pair, [] as (ClientRun & { serverCpuMsPerCall: number })[]]));
    for (let round = 0; round < settings.rounds; round += 1) {
      // Alternating the order keeps a slow stretch of the shared machine from landing on one pair only.
      for (const pair of round % 2 === 0 ? pairs : [...pairs].reverse()) {
        const env = { RPC_URL: pair.server.url, BENCH_CALLS: String(settings.calls), BENCH_CONCURRENCY: String(settings.concurrency) };
        const serverBefore = process.cpuUsage();
        const run = await measureChild(fileURLToPath(import.meta.url), pair.client, env);
        const serverCpu = process.cpuUsage(serverBefore);
        runs.get(pair)?.push({ ...run, serverCpuMsPerCall: (serverCpu.user + serverCpu.system) / 1000 / (settings.calls + WARM_UP_CALLS) });
      }
    }
    const machine = describeMachine();
    console.log(`${settings.calls} unary calls per run, ${settings.concurrency} in flight, ${settings.rounds} rounds; ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, load ${machine.loadAverage.join(' ')}\n`);
    console.log('| server | client transport | client CPU ms/call (median; runs) | calls/s (median) | server CPU ms/call (median; runs) |');
    console.log('|---|---|---|---|---|');
    for (const [pair, pairRuns] of runs) {
      const cpu = pairRuns.map((run) => run.cpuMsPerCall);
      const serverCpu = pairRuns.map((run) => run.serverCpuMsPerCall);
      const cells = [
        pair.server.kind,
        pair.client,
        `${(median(cpu) ?? NaN).toFixed(3)} (${cpu.map((value) => value.toFixed(3)).join(', ')})`,
        (median(pairRuns.map((run) => run.callsPerSecond)) ?? NaN).toFixed(0),
        `${(median(serverCpu) ?? NaN).toFixed(3)} (${serverCpu.map((value) => value.toFixed(3)).join(', ')})`,
      ];
      console.log(`| ${cells.join(' | ')} |`);
    }
  } finally {
    for (const session of sessions) session.destroy();
    await Promise.all(servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

await main(process.argv.slice(2));
