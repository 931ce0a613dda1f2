import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReadyProxy {
  url: string;
  /** Requests answered 503 because no backend was ready. */
  refused: number;
  close(): Promise<void>;
}

/**
 * What a Kubernetes Service in front of the interpreter replicas does: it sends each request to one of
 * the backends whose readiness probe (`GET /readyz`) last passed, round-robin, and answers 503 when none
 * is ready, as an ingress with no endpoints does.
 */
export async function startReadyProxy(backends: string[], probeEveryMs = 1_000): Promise<ReadyProxy> {
  const ready = new Set<string>();
  let turn = 0;
  const probe = async () => {
    await Promise.all(
      backends.map(async (backend) => {
        const up = await fetch(`${backend}/readyz`, { signal: AbortSignal.timeout(probeEveryMs) }).then((answer) => answer.ok, () => false);
        if (up) ready.add(backend);
        else ready.delete(backend);
      }),
    );
  };
  await probe();
  const timer = setInterval(() => void probe(), probeEveryMs);

  const proxy: ReadyProxy = { url: '', refused: 0, close: async () => undefined };
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const candidates = backends.filter((backend) => ready.has(backend));
    const backend = candidates[turn++ % Math.max(1, candidates.length)];
    if (!backend) {
      proxy.refused += 1;
      res.writeHead(503).end('no ready backend');
      return;
    }
    const target = new URL(req.url ?? '/', backend);
    const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('backend failed');
    });
    req.pipe(upstream);
  };
  const server: Server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    clearInterval(timer);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}
