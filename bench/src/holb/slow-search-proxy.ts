import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowSearchProxy {
  url: string;
  /** search_user app commands answered so far (each held `delayMs` before it reached the app). */
  searches(): number;
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function commandOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { command?: unknown };
    return typeof parsed.command === 'string' ? parsed.command : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sits in front of an organization's app and holds every `search_user` app command for `delayMs` before
 * passing it on unchanged (same bytes, same signature headers), as a slow integrating app would answer:
 * the real example support bot still does the search. Every other request passes at once.
 */
export async function startSlowSearchProxy(targetUrl: string, delayMs: number): Promise<SlowSearchProxy> {
  let searches = 0;
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const slow = commandOf(body) === 'search_user';
      if (slow) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const answer = await fetch(`${targetUrl}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, ...(body.length > 0 ? { body } : {}) });
      const payload = Buffer.from(await answer.arrayBuffer());
      if (slow) searches += 1;
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(payload);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    searches: () => searches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
