import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpBalancer {
  url: string;
  /** Sets the backends (`http://host:port`); connections made before the first call wait for it. */
  setBackends(urls: readonly string[]): void;
  close(): Promise<void>;
}

/**
 * Round-robin per connection, as a Kubernetes Service (kube-proxy) spreads gRPC clients over replicas:
 * each long-lived HTTP/2 connection sticks to the replica it was given.
 */
export async function startTcpBalancer(): Promise<TcpBalancer> {
  let backends: { host: string; port: number }[] = [];
  let next = 0;
  const waiting: Socket[] = [];
  const sockets = new Set<Socket>();
  const pipeTo = (client: Socket) => {
    const backend = backends[next++ % backends.length] as { host: string; port: number };
    const upstream = connect(backend.port, backend.host);
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  };
  const server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    if (backends.length === 0) {
      client.pause();
      waiting.push(client);
    } else pipeTo(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setBackends(urls) {
      if (urls.length === 0) throw new Error('a balancer needs at least one backend');
      backends = urls.map((url) => {
        const parsed = new URL(url);
        return { host: parsed.hostname, port: Number(parsed.port) };
      });
      for (const client of waiting.splice(0)) {
        pipeTo(client);
        client.resume();
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
