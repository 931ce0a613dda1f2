import { randomBytes } from 'node:crypto';
import { freePort } from '@megatron/testkit';
import { runAdmin } from '../src/admin/cli.js';

// `jobs run` calls a running command-core; these are the refusals it gives before or instead of a result.
async function jobsRun(args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runAdmin(['jobs', 'run', ...args], {
    env: {
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...env,
    },
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: async () => '',
  });
  return { code, stdout, stderr };
}

describe('megatron-admin jobs run', () => {
  const adminToken = randomBytes(24).toString('base64url');

  it('refuses an --at that is not an ISO time, naming the option', async () => {
    const run = await jobsRun(['--at', 'tomorrow'], { MEGATRON_ADMIN_TOKEN: adminToken });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--at must be an ISO 8601 time like 2026-11-24T18:00:00Z, got "tomorrow"');
    expect(run.stdout).toBe('');
  });

  it('refuses to run without MEGATRON_ADMIN_TOKEN, naming the variable and the URL it would call', async () => {
    const run = await jobsRun(['--job', 'archive-idle'], { COMMAND_CORE_URL: 'http://127.0.0.1:9' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('MEGATRON_ADMIN_TOKEN is needed to call command-core at http://127.0.0.1:9');
  });

  it('reports an unreachable command-core by its URL and exits 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await jobsRun([], { COMMAND_CORE_URL: url, MEGATRON_ADMIN_TOKEN: adminToken });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`megatron-admin: command-core at ${url}:`);
  });
});
