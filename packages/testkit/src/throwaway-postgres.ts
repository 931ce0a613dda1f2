import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
import { giveToPostgres, postgresBinary, runAsPostgres } from './postgres-binaries.js';

export interface ThrowawayPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A private Postgres in a temp dir on a free port, for tests that take the database away. `stop()` and `start()`
 * keep the data; `destroy()` stops it and deletes everything.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'megatron-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const pgCtl = postgresBinary('pg_ctl');
  const ctl = (...args: string[]) => runAsPostgres(pgCtl, ['-D', data, ...args]);
  let running = false;

  const start = async (): Promise<void> => {
    await ctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start');
    running = true;
  };
  const stop = async (): Promise<void> => {
    await ctl('-m', 'fast', '-w', 'stop');
    running = false;
  };

  try {
    await giveToPostgres(dir);
    await runAsPostgres(postgresBinary('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy: async () => {
      if (running) await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
