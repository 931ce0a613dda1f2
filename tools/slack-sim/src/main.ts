import { parseRetryDelays } from './retry-delays-env.js';
import { seedDemo } from './seed-demo.js';
import { startSlackSim } from './server.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 8090);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, got ${process.env.PORT}`);
const rateLimits = process.env.SLACK_SIM_RATE_LIMITS ?? 'off';
if (rateLimits !== 'on' && rateLimits !== 'off') fail(`SLACK_SIM_RATE_LIMITS must be on or off, got ${rateLimits}`);
const seed = process.env.SLACK_SIM_SEED;
if (seed !== undefined && seed !== '' && seed !== 'demo') fail(`SLACK_SIM_SEED must be demo or unset, got ${seed}`);

let retryDelaysMs: number[] | undefined;
try {
  retryDelaysMs = parseRetryDelays(process.env.SLACK_SIM_RETRY_DELAYS_MS);
} catch (error) {
  fail((error as Error).message);
}

const sim = await startSlackSim({ port, host: process.env.HOST ?? '127.0.0.1', rateLimits: rateLimits === 'on',
  ...(retryDelaysMs ? { retryDelaysMs } : {}),
  ...(process.env.SLACK_SIM_PUBLIC_URL ? { publicUrl: process.env.SLACK_SIM_PUBLIC_URL } : {}) });
console.log(`slack-sim listening on ${sim.url} (browser UI ${sim.url}/, Web API ${sim.apiUrl}, control API ${sim.url}/_sim/)`);
if (seed === 'demo') {
  const demo = await seedDemo(sim.control, {
    interpreterUrl: process.env.SLACK_SIM_INTERPRETER_URL ?? 'http://127.0.0.1:8002',
    appUrl: process.env.SLACK_SIM_APP_URL ?? 'http://127.0.0.1:3000',
  });
  console.log(JSON.stringify({ baseUrl: sim.url, apiUrl: sim.apiUrl, demo }, null, 2));
}

const stop = (): void => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
