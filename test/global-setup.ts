import { spawnSync } from 'node:child_process';
import path from 'node:path';

// Set here so every test worker, and every service a test spawns, inherits the same local infrastructure.
const DEFAULTS: Record<string, string> = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
  S3_ENDPOINT: 'http://127.0.0.1:4569',
  AWS_S3_BUCKET: 'megatron-dev',
  S3_AWS_ACCESS_KEY_ID: 'S3RVER',
  S3_AWS_SECRET_ACCESS_KEY: 'S3RVER',
};

/** Brings up Postgres, Redis, NATS and S3 (scripts/infra.sh) so `npm test` needs no manual step. */
export default function globalSetup(globalConfig: { rootDir: string }): void {
  for (const [key, value] of Object.entries(DEFAULTS)) {
    if (process.env[key] === undefined || process.env[key] === '') process.env[key] = value;
  }
  process.env.MEGATRON_ROOT ??= globalConfig.rootDir;

  const script = path.join(globalConfig.rootDir, 'scripts', 'infra.sh');
  const result = spawnSync('bash', [script], { env: process.env, encoding: 'utf8', timeout: 600_000 });
  if (result.error !== undefined || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    const reason = result.error?.message ?? `exit code ${result.status ?? `signal ${result.signal}`}`;
    throw new Error(`local infrastructure is not available (bash scripts/infra.sh failed, ${reason}):\n${output}`);
  }
  const started = result.stdout.split('\n').filter((line) => line !== '' && !line.includes(': reusing '));
  if (started.length > 0) process.stderr.write(`${started.join('\n')}\n`);
}
