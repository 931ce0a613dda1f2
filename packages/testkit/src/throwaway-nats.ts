import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
import { natsServerBinary } from './nats-server-binary.js';
import { readNatsInfo } from './nats-probe.js';
import { waitFor } from './wait-for.js';

export interface ThrowawayNats {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A private NATS with JetStream on a free port, its store in a temp dir. `stop()` and `start()` keep the
 * JetStream store; `destroy()` stops it and deletes everything.
 */
export async function startThrowawayNats(): Promise<ThrowawayNats> {
  const dir = await mkdtemp(path.join(tmpdir(), 'megatron-nats-'));
  const port = await freePort();
  const log = path.join(dir, 'log');
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    if (child !== undefined) throw new Error(`throwaway NATS on port ${port} is already running`);
    const spawned = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir, '-l', log], {
      stdio: 'ignore',
    });
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
          if (child !== spawned) throw new Error('nats-server exited');
          const info = await readNatsInfo(port);
          return info?.includes('"jetstream":true') === true;
        },
        { timeoutMs: 10_000, intervalMs: 50, what: `throwaway NATS with JetStream on port ${port}` },
      );
    } catch (error) {
      const output = await readFile(log, 'utf8').catch(() => '');
      await stop();
      throw new Error(`${(error as Error).message}${spawnError ? `: ${spawnError.message}` : ''}\n${output}`, { cause: error });
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (running === undefined) return;
    // A binary that failed to spawn never emits 'exit', so there is nothing to wait for.
    if (running.pid === undefined || running.exitCode !== null || running.signalCode !== null) {
      child = undefined;
      return;
    }
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
    child = undefined;
  };

  try {
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
