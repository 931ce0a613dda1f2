import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';
import { freshDatabase, freshNamespace } from './fresh-state.js';
import { describeSandbox } from './describe.js';
import { startSandbox, type Sandbox } from './sandbox.js';
import { bootstrappedOrganization, sandboxFile, shellExports } from './sandbox-file.js';
import { readStartedServers, stopStartedServers } from './started-infra.js';

// `npm run dev`: the sandbox on the documented ports, with Slack's rate limits on, until Ctrl-C;
// `npm run dev -- --socket`: the same with Slack's requests over Socket Mode.
const socketMode = process.argv.includes('--socket');
const startedFile = process.env.INFRA_STARTED_FILE;
let starting: Promise<Sandbox> | undefined;
let stopping = false;
// Registered before anything starts, so a Ctrl-C during start-up also stops what scripts/infra.sh started.
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping the sandbox…\n');
  void (async () => {
    // Stopped while the services start: wait for the ones already spawned, then stop them all, rather than
    // exit and leave them running without their parent.
    await (await starting?.catch(() => undefined))?.close();
    await stopStartedServers(await readStartedServers(startedFile), startedFile, (line) => process.stdout.write(`${line}\n`));
    process.exit(0);
  })();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const databaseUrl = await freshDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'megatron_sandbox');
await freshNamespace(natsUrl, 'sandbox');
// stop() exits the process once it is done: nothing may start after it began, and what follows start-up
// would only fail against services it is closing.
const untilStopped = () => new Promise<never>(() => undefined);
if (stopping) await untilStopped();
const quiet = process.env.LOG_LEVEL === undefined;
starting = startSandbox({
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
const sandbox = await starting;
if (stopping) await untilStopped();

const local = path.join(repoRoot(), '.local');
const stateFile = path.join(local, 'sandbox.json');
const envFile = path.join(local, 'sandbox.env');
const organizationId = await bootstrappedOrganization(sandbox);
const state = sandboxFile(sandbox, organizationId);
await mkdir(local, { recursive: true });
// Secrets of a throwaway sandbox, still readable by this user only.
await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
await writeFile(envFile, `# megatron-admin against the running npm run dev: source ${envFile}\n${shellExports(state.adminEnv)}\n`, { mode: 0o600 });
process.stdout.write(describeSandbox(sandbox, { quiet, organizationId, stateFile: path.relative(process.cwd(), stateFile), envFile: path.relative(process.cwd(), envFile) }));
if (socketMode) process.stdout.write('Socket Mode: the simulator hands Slack requests to interpreter-slack over its WebSocket connection; its HTTP Slack routes answer 404.\n');
