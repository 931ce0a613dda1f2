import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { startThrowawayServer, type ThrowawayServer } from './throwaway-server.js';

export type ThrowawayRedis = ThrowawayServer;

/** Whether a Redis on `port` answers PING. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A private Redis on a free port with an append-only file in a temp dir (fsync on every write), so
 * `stop()` and `start()` keep its data as a persistent production Redis does; `destroy()` deletes it.
 */
export function startThrowawayRedis(): Promise<ThrowawayRedis> {
  return startThrowawayServer({
    what: 'throwaway Redis',
    scheme: 'redis',
    binary: existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server',
    args: (dir, port, log) => ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--logfile', log],
    ready: pings,
  });
}
