import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';

/** The processes whose parent is `pid`, with their command lines. */
function childrenOf(pid: number): Map<number, string> {
  const children = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // The process ended while being read.
    }
  }
  return children;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run dev stopped while its services start', () => {
  it('stops every service it spawned, those spawned after the signal included, and exits 0', async () => {
    const dev = spawn(process.execPath, [path.join(repoRoot(), 'tools/sandbox/dist/dev.js')], { cwd: repoRoot(), stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)));
    const pid = dev.pid as number;
    const spawned = new Map<number, string>();
    let signalled = false;
    const watcher = setInterval(() => {
      // A service's command line, once seen, is kept: a child that ended and is not reaped yet reads as empty.
      for (const [child, command] of childrenOf(pid)) if (!spawned.get(child)?.includes('/services/')) spawned.set(child, command);
      // SIGTERM as soon as the first service runs: the others are still to come.
      if (!signalled && [...spawned.values()].some((command) => command.includes('/services/'))) {
        signalled = true;
        dev.kill('SIGTERM');
      }
    }, 20);
    let deadline: NodeJS.Timeout | undefined;
    try {
      const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => (deadline = setTimeout(() => resolve('timeout'), 90_000)))]);
      expect(signalled).toBe(true);
      expect(code).toBe(0);
    } finally {
      clearTimeout(deadline);
      clearInterval(watcher);
      if (dev.exitCode === null) dev.kill('SIGKILL');
    }
    const services = [...spawned].filter(([, command]) => command.includes('/services/'));
    expect(services.length).toBeGreaterThan(0);
    const left = services.filter(([child]) => alive(child));
    for (const [child] of left) process.kill(child, 'SIGKILL');
    expect(left.map(([, command]) => command)).toEqual([]);
  }, 120_000);
});
