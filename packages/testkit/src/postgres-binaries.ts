import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

export function postgresBinary(name: 'initdb' | 'pg_ctl'): string {
  let versions: string[];
  try {
    versions = readdirSync(PG_ROOT).filter((entry) => /^\d+$/.test(entry));
  } catch {
    versions = [];
  }
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new Error(`no PostgreSQL binaries under ${PG_ROOT}: run scripts/infra.sh (installs postgresql) or install it`);
  }
  return `${PG_ROOT}/${newest}/bin/${name}`;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Postgres refuses to run as root, so as root its binaries run as the `postgres` user. */
export async function runAsPostgres(command: string, args: string[]): Promise<string> {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  try {
    const { stdout } = await run(file, argv, { encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${(stderr || stdout || (error as Error).message).trim()}`, { cause: error });
  }
}

/** Hands a directory to the `postgres` user when we are root, so initdb may write into it. */
export async function giveToPostgres(dir: string): Promise<void> {
  if (isRoot()) await run('chown', ['postgres:', dir]);
}
