import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BaselineRelayOptions {
  databaseUrl: string;
  slackApiUrl: string;
  signingSecret: string;
  botToken: string;
  /** Integration channel id → the customer DM its messages go to. */
  routes: ReadonlyMap<string, string>;
}

export interface BaselineRelay {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns the single-process relay (relay-main.js) as its own process, like the services it is compared with. */
export async function startBaselineRelay(options: BaselineRelayOptions): Promise<BaselineRelay> {
  const entry = fileURLToPath(new URL('./relay-main.js', import.meta.url));
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      SIGNING_SECRET: options.signingSecret,
      BOT_TOKEN: options.botToken,
      SLACK_API_URL: options.slackApiUrl,
      DATABASE_URL: options.databaseUrl,
      ROUTES: JSON.stringify(Object.fromEntries(options.routes)),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-10_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /listening (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`baseline relay exited with ${code} before listening: ${stderr}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (stderr.includes('failed')) throw new Error(`baseline relay reported failures: ${stderr.slice(-2_000)}`);
    },
  };
}
