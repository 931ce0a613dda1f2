import { readFile, rm } from 'node:fs/promises';

/** A server scripts/infra.sh started for this run (`INFRA_STARTED_FILE`, one `<name> <pid>` a line). */
export interface StartedServer {
  name: string;
  pid: number;
}

export async function readStartedServers(file: string | undefined): Promise<StartedServer[]> {
  if (!file) return [];
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    const [name = '', pid = ''] = line.trim().split(/\s+/);
    return name && /^\d+$/.test(pid) ? [{ name, pid: Number(pid) }] : [];
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops the servers this run started, and only those (others were running before and may serve someone else).
 * Postgres takes SIGINT as its fast shutdown; the rest stop on SIGTERM. Waits up to 10 s for each to go.
 */
export async function stopStartedServers(servers: StartedServer[], file: string | undefined, log: (line: string) => void): Promise<void> {
  for (const server of servers) {
    if (!alive(server.pid)) continue;
    process.kill(server.pid, server.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
    for (let waited = 0; waited < 10_000 && alive(server.pid); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    log(alive(server.pid) ? `${server.name} (pid ${server.pid}) is still stopping` : `stopped ${server.name} (pid ${server.pid})`);
  }
  if (file) await rm(file, { force: true });
}
