/**
 * What the client-CPU benches (slack-client-cpu.ts, rpc-client-cpu.ts) share: their command line, a child process
 * per measurement that runs only the client, and the median over rounds.
 */
import { spawn } from 'node:child_process';

export interface ClientCpuSettings {
  calls: number;
  concurrency: number;
  rounds: number;
}

export interface ClientRun {
  cpuMsPerCall: number;
  callsPerSecond: number;
}

export const WARM_UP_CALLS = 300;

export function clientCpuSettings(argv: readonly string[]): ClientCpuSettings {
  const settings: ClientCpuSettings = { calls: 3000, concurrency: 8, rounds: 3 };
  for (const arg of argv) {
    const match = /^--(calls|concurrency|rounds)=(\d+)$/.exec(arg);
    if (!match?.[1] || !match[2]) throw new Error(`unknown argument ${JSON.stringify(arg)}; usage: --calls=N --concurrency=N --rounds=N`);
    settings[match[1] as keyof ClientCpuSettings] = Number(match[2]);
  }
  return settings;
}

/** In the child: warm up, then time `calls` calls; this process's CPU per call and the throughput. */
export async function timeCalls(calls: number, run: (count: number, label: string) => Promise<void>): Promise<ClientRun> {
  await run(WARM_UP_CALLS, 'warm-up');
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run(calls, 'measured');
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuMsPerCall: (cpu.user + cpu.system) / 1000 / calls, callsPerSecond: (calls / wallMs) * 1000 };
}

/** In the parent: runs `script --client=<kind>` with `env` and reads the ClientRun it prints. */
export function measureChild(script: string, kind: string, env: Record<string, string>): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, `--client=${kind}`], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ClientRun) : reject(new Error(`${kind} client exited with ${code}`))));
  });
}

