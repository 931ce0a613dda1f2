import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
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
