import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { ConnectRouter, Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { registerHealth } from './grpc-health.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface ServerOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
  /** gRPC over HTTP/2 cleartext; 0 picks a free port. */
  grpcPort: number;
  /** /healthz, /readyz, /metrics, the same routes as Connect JSON, then `httpHandler`. */
  httpPort: number;
  host?: string;
  /** Fully-qualified names answered by grpc.health.v1, e.g. "megatron.v1.MegatronService". */
  serviceNames?: string[];
  routes?: (router: ConnectRouter) => void;
  interceptors?: Interceptor[];
  /** Requests on the HTTP port that are neither ops nor Connect routes (e.g. Slack webhooks, REST). */
  httpHandler?: HttpHandler;
}

export interface RunningServers {
  grpcPort: number;
  httpPort: number;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

/**
 * One set of Connect routes served twice: gRPC over h2c for in-cluster callers (and Kubernetes
 * gRPC probes), Connect JSON over HTTP/1.1 for integrators with curl, beside the ops endpoints.
 */
export async function startServers(options: ServerOptions): Promise<RunningServers> {
  const { logger, metrics, readiness } = options;
  const routes = (router: ConnectRouter) => {
    registerHealth(router, readiness, options.serviceNames ?? []);
    options.routes?.(router);
  };
  const interceptors = options.interceptors ?? [];
  const appHandler: HttpHandler = options.httpHandler ?? ((_req, res) => sendJson(res, 404, { ok: false, error: 'not_found' }));
  const connectHandler = connectNodeAdapter({
    routes,
    interceptors,
    fallback: (req, res) => {
      if (req instanceof http.IncomingMessage && res instanceof http.ServerResponse) appHandler(req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    },
  });

  const httpServer = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/readyz') {
      const snapshot = readiness.snapshot();
      return sendJson(res, snapshot.ready ? 200 : 503, snapshot);
    }
    if (req.method === 'GET' && path === '/metrics') {
      metrics.registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(body);
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, 'metrics collection failed');
          sendJson(res, 500, { ok: false, error: 'metrics_failed' });
        });
      return;
    }
    connectHandler(req, res);
  });
  const grpcServer = http2.createServer(connectNodeAdapter({ routes, interceptors }));
  const sessions = new Set<http2.ServerHttp2Session>();
  grpcServer.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });

  const host = options.host ?? '0.0.0.0';
  await listen(httpServer, options.httpPort, host);
  await listen(grpcServer, options.grpcPort, host);
  const httpPort = (httpServer.address() as AddressInfo).port;
  const grpcPort = (grpcServer.address() as AddressInfo).port;
  logger.info({ httpPort, grpcPort }, 'listening');

  return {
    httpPort,
    grpcPort,
    async close() {
      const closedHttp = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      const closedGrpc = new Promise<void>((resolve) => grpcServer.close(() => resolve()));
      // GOAWAY: open streams finish, no new ones start.
      for (const session of sessions) session.close();
      await Promise.all([closedHttp, closedGrpc]);
    },
  };
}

function listen(server: http.Server | http2.Http2Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
