import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';

function run(service: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'services', service, 'dist/main.js')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('invalid configuration', () => {
  it('stops command-core at start with one line naming the missing variable', async () => {
    const result = await run('command-core', { REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('invalid configuration: DATABASE_URL: missing\n');
  });

  it('stops app-notifier at start with one line naming the invalid variable', async () => {
    const result = await run('app-notifier', { NATS_URL: 'http://wrong:4222' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('invalid configuration: NATS_URL: expected a nats:// or tls:// URL, or several separated by commas\n');
  });

  it('stops interpreter-slack at start when NATS_STREAM_REPLICAS is beyond what JetStream places', async () => {
    const result = await run('interpreter-slack', { SLACK_SIGNING_SECRET: 'secret', REDIS_URL: 'redis://127.0.0.1:6379', NATS_STREAM_REPLICAS: '7' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('invalid configuration: NATS_STREAM_REPLICAS: expected a whole number from 1 to 5\n');
  });
});
