import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RawAnswer {
  /** The status line's code, 0 when the server closed without answering. */
  status: number;
  /** Whether the server closed the connection (it did not keep reading the body). */
  closed: boolean;
  /** Body bytes the client managed to send before the answer came. */
  sentBodyBytes: number;
  /** From connecting to the first byte of the answer (or to the close, when none came). */
  answeredMs: number;
}

export interface RawRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** Declared Content-Length; the body actually sent may be shorter (a slow or lying client). */
  contentLength: number;
  /** Bytes of body to send right away (default none). */
  send?: number;
  timeoutMs?: number;
}

/**
 * A request the way an attacker sends it, over a plain socket: a declared length, then only as much body as
 * `send` says. Resolves with the server's answer (status line only) and whether it closed the connection.
 */
export function rawRequest(request: RawRequest): Promise<RawAnswer> {
  const url = new URL(request.url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let response = '';
    let sentBodyBytes = 0;
    let answeredMs: number | undefined;
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
      resolve({ status, closed, sentBodyBytes, answeredMs: answeredMs ?? Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), request.timeoutMs ?? 10_000);
    socket.on('data', (chunk) => {
      answeredMs ??= Date.now() - started;
      response += chunk.toString('latin1');
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? finish(true) : reject(error)));
    socket.on('connect', () => {
      const headers = { host: url.host, 'content-type': 'application/json', ...request.headers, 'content-length': String(request.contentLength) };
      const head = `${request.method ?? 'POST'} ${url.pathname}${url.search} HTTP/1.1\r\n${Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\r\n')}\r\n\r\n`;
      socket.write(head);
      const body = Buffer.alloc(request.send ?? 0, 'x');
      if (body.length > 0) socket.write(body, () => (sentBodyBytes += body.length));
    });
  });
}

export interface TrapServer {
  url: string;
  /** Every request that reached it: method, path and headers (an Authorization header would be a leak). */
  requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** A loopback HTTP server that must see no request: anything that reaches it is recorded. */
export async function startTrapServer(): Promise<TrapServer> {
  const requests: TrapServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end('trapped');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
