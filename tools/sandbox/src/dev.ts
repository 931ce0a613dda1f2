import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';
import { freshDatabase, freshNamespace } from './fresh-state.js';
import { describeSandbox } from './describe.js';
import { startSandbox } from './sandbox.js';

// `npm run dev`: the sandbox on the documented ports, with Slack's rate limits on, until Ctrl-C;
// `npm run dev -- --socket`: the same with Slack's requests over Socket Mode.
const socketMode = process.argv.includes('--socket');
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const databaseUrl = await freshDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'megatron_sandbox');
await freshNamespace(natsUrl, 'sandbox');
const quiet = process.env.LOG_LEVEL === undefined;
const sandbox = await startSandbox({
  ports: 'default',
  rateLimits: process.env.SLACK_SIM_RATE_LIMITS !== 'off',
  socketMode,
  databaseUrl,
  namespace: 'sandbox',
  natsUrl,
  logLevel: process.env.LOG_LEVEL ?? 'warn',
  onOutput: (service, chunk) => {
    for (const line of chunk.split('\n').filter(Boolean)) process.stdout.write(`${service.padEnd(18)}| ${line}\n`);
  },
});

const stateFile = path.join(repoRoot(), '.local', 'sandbox.json');
await mkdir(path.dirname(stateFile), { recursive: true });
await writeFile(
  stateFile,
  JSON.stringify({ urls: sandbox.urls, seed: sandbox.seed, apiToken: sandbox.secrets.apiToken, notificationChannelId: sandbox.notificationChannelId }, null, 2),
);
process.stdout.write(describeSandbox(sandbox, { quiet }));
if (socketMode) process.stdout.write('Socket Mode: the simulator hands Slack requests to interpreter-slack over its WebSocket connection; its HTTP Slack routes answer 404.\n');

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping the sandbox…\n');
  void sandbox.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
