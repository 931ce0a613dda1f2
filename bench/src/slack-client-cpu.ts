/**
 * CPU per chat.postMessage of connection-slack's two Web API paths: the @slack/web-api WebClient and the lean
 * undici client (services/connection-slack/src/slack/lean-web-api.ts, loaded from its build).
 *
 *   npm run build && node bench/dist/slack-client-cpu.js [--calls=3000] [--concurrency=8] [--rounds=3]
 *
 * This process runs the simulator; each measurement is a child process that runs only the client, so its own
 * process.cpuUsage() is the client's cost alone (HTTP, JSON, the library), warm-up excluded. The simulator's
 * CPU per call is shown beside it: it is the server's side, not ours, but shares the same two cores.
 */
import { fileURLToPath } from 'node:url';
import { LogLevel, WebClient } from '@slack/web-api';
import { startSlackSim } from '@megatron/slack-sim';
import { median } from './stats.js';
import { clientCpuSettings, measureChild, timeCalls, WARM_UP_CALLS, type ClientRun } from './client-cpu.js';
import { describeMachine } from './machine.js';
import { Semaphore } from './relay/semaphore.js';

const CLIENTS = ['web-api', 'lean'] as const;
type ClientKind = (typeof CLIENTS)[number];

const REQUEST_TIMEOUT_MS = 10_000;

type PostMessage = (channel: string, text: string) => Promise<unknown>;

interface LeanModule {
  LeanWebApi: new (options: { slackApiUrl: string; requestTimeoutMs: number }) => {
    call(token: string, method: string, args: Record<string, unknown>): Promise<unknown>;
    close(): Promise<void>;
  };
}

/** The client as connection-slack configures it: no retries of its own, 429s rejected. */
async function postMessageWith(kind: ClientKind, apiUrl: string, token: string): Promise<{ post: PostMessage; close(): Promise<void> }> {
  if (kind === 'web-api') {
    const client = new WebClient(token, { slackApiUrl: apiUrl, timeout: REQUEST_TIMEOUT_MS, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.WARN });
    return { post: (channel, text) => client.apiCall('chat.postMessage', { channel, text }), close: async () => undefined };
  }
  // Loaded from the service's build, which this workspace does not depend on.
  const built = new URL('../../services/connection-slack/dist/slack/lean-web-api.js', import.meta.url).href;
  const { LeanWebApi } = (await import(built)) as LeanModule;
  const lean = new LeanWebApi({ slackApiUrl: apiUrl, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  return { post: (channel, text) => lean.call(token, 'chat.postMessage', { channel, text }), close: () => lean.close() };
}

async function postMany(post: PostMessage, channels: readonly string[], calls: number, concurrency: number, label: string): Promise<void> {
  const slots = new Semaphore(concurrency);
  await Promise.all(Array.from({ length: calls }, (_, i) => slots.run(() => post(channels[i % channels.length] ?? '', `${label} ${i}`))));
}

/** Child: warm up, then post `calls` messages and print this process's CPU per call and the throughput. */
async function runClient(kind: ClientKind): Promise<void> {
  const { SIM_API_URL: apiUrl, SIM_TOKEN: token, SIM_CHANNELS: channels, BENCH_CALLS: calls, BENCH_CONCURRENCY: concurrency } = process.env;
  if (!apiUrl || !token || !channels || !calls || !concurrency) throw new Error('the client process is started by the bench itself');
  const client = await postMessageWith(kind, apiUrl, token);
  const channelIds = channels.split(',');
  const run = await timeCalls(Number(calls), (count, label) => postMany(client.post, channelIds, count, Number(concurrency), label));
  await client.close();
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const clientArg = argv.find((arg) => arg.startsWith('--client='));
  if (clientArg) {
    const kind = clientArg.slice('--client='.length);
    if (!(CLIENTS as readonly string[]).includes(kind)) throw new Error(`unknown client ${kind}`);
    return runClient(kind as ClientKind);
  }
  const settings = clientCpuSettings(argv);
  const sim = await startSlackSim({ rateLimits: false });
  try {
    const workspace = await sim.control.createWorkspace({ name: 'Client CPU', domain: 'client-cpu' });
    const app = await sim.control.createApp({ teamId: workspace.id, name: 'Support Bot' });
    const setup = new WebClient(app.botToken, { slackApiUrl: sim.apiUrl });
    const channels: string[] = [];
    for (let i = 0; i < settings.concurrency; i += 1) {
      const created = await setup.conversations.create({ name: `client-cpu-${i}` });
      channels.push(created.channel?.id ?? '');
    }
    const env = {
      SIM_API_URL: sim.apiUrl,
      SIM_TOKEN: app.botToken,
      SIM_CHANNELS: channels.join(','),
      BENCH_CALLS: String(settings.calls),
      BENCH_CONCURRENCY: String(settings.concurrency),
    };
    const runs: Record<ClientKind, (ClientRun & { simCpuMsPerCall: number })[]> = { 'web-api': [], lean: [] };
    for (let round = 0; round < settings.rounds; round += 1) {
      // Alternating the order keeps a slow stretch of the shared machine from landing on one client only.
      for (const kind of round % 2 === 0 ? CLIENTS : [...CLIENTS].reverse()) {
        const simBefore = process.cpuUsage();
        const run = await measureChild(fileURLToPath(import.meta.url), kind, env);
        const simCpu = process.cpuUsage(simBefore);
        // Includes the child's warm-up calls, which also hit the simulator.
        runs[kind].push({ ...run, simCpuMsPerCall: (simCpu.user + simCpu.system) / 1000 / (settings.calls + WARM_UP_CALLS) });
      }
    }
    const machine = describeMachine();
    console.log(`${settings.calls} chat.postMessage per run, ${settings.concurrency} in flight, ${settings.rounds} rounds; ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, load ${machine.loadAverage.join(' ')}\n`);
    console.log('| client | CPU ms/call (median, runs) | calls/s (median) | simulator CPU ms/call (median) |');
    console.log('|---|---|---|---|');
    for (const kind of CLIENTS) {
      const cpu = runs[kind].map((run) => run.cpuMsPerCall);
      const rows = [
        kind,
        `${(median(cpu) ?? NaN).toFixed(3)} (${cpu.map((value) => value.toFixed(3)).join(', ')})`,
        (median(runs[kind].map((run) => run.callsPerSecond)) ?? NaN).toFixed(0),
        (median(runs[kind].map((run) => run.simCpuMsPerCall)) ?? NaN).toFixed(3),
      ];
      console.log(`| ${rows.join(' | ')} |`);
    }
  } finally {
    await sim.close();
  }
}

await main(process.argv.slice(2));
