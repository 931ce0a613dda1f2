import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface Daemon {
  start(): Promise<void>;
  /** SIGTERM, or SIGKILL for a crash; waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A server process the test owns: `start()` spawns it and waits until `ready()` says so, naming what
 * the log said if it never does; `stop()` ends it. Stopping and starting again keeps whatever it stored.
 */
export function daemon(what: string, binary: string, args: string[], log: string, ready: () => Promise<boolean>): Daemon {
  let child: ChildProcess | undefined;

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.pid === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    await exited;
  };

  const start = async (): Promise<void> => {
    if (child !== undefined) throw new Error(`${what} is already running`);
    const spawned = spawn(binary, args, { stdio: 'ignore' });
    child = spawned;
    let spawnError: Error | undefined;
    spawned.once('error', (error) => {
      spawnError = error;
    });
    spawned.once('exit', () => {
      if (child === spawned) child = undefined;
    });
    try {
      await waitFor(
        async () => {
          if (spawnError !== undefined) throw spawnError;
          if (child !== spawned) throw new Error(`${binary} exited`);
          return ready();
        },
        { timeoutMs: 10_000, intervalMs: 50, what },
      );
    } catch (error) {
      const output = await readFile(log, 'utf8').catch(() => '');
      await stop();
      throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
    }
  };

  return { start, stop };
}

export interface ThrowawayServer {
  url: string;
  port: number;
  /** SIGTERM, or SIGKILL for a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes everything it stored. */
  destroy(): Promise<void>;
}

/**
 * A server of the test's own on a free port with its data in a temp dir, started and ready: `args` and
 * `ready` get the dir, the port and the log file's path.
 */
export async function startThrowawayServer(spec: {
  what: string;
  scheme: string;
  binary: string;
  args: (dir: string, port: number, log: string) => string[];
  ready: (port: number) => Promise<boolean>;
}): Promise<ThrowawayServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'megatron-'));
  const port = await freePort();
  const log = path.join(dir, 'log');
  const server = daemon(`${spec.what} on port ${port}`, spec.binary, spec.args(dir, port, log), log, () => spec.ready(port));
  try {
    await server.start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `${spec.scheme}://127.0.0.1:${port}`,
    port,
    start: server.start,
    stop: server.stop,
    destroy: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
