import { startThrowawayServer, type ThrowawayServer } from './throwaway-server.js';
import { natsServerBinary } from './nats-server-binary.js';
import { readNatsInfo } from './nats-probe.js';

export type ThrowawayNats = ThrowawayServer;

/**
 * A private NATS with JetStream on a free port, its store in a temp dir. `stop()` and `start()` keep the
 * JetStream store; `destroy()` stops it and deletes everything.
 */
export function startThrowawayNats(): Promise<ThrowawayNats> {
  return startThrowawayServer({
    what: 'throwaway NATS with JetStream',
    scheme: 'nats',
    binary: natsServerBinary(),
    args: (dir, port, log) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir, '-l', log],
    ready: async (port) => (await readNatsInfo(port))?.includes('"jetstream":true') === true,
  });
}
