import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Code, ConnectError, createContextValues, type ConnectRouter, type ContextValues, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { registerHealth } from './grpc-health.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { bindResponse, closeAfterAnswer, declaresTooLarge, limitAfterAnswer } from './read-body.js';
import { leanGrpcServer, type ServiceRegistry } from './lean-grpc-server.js';
import { headersFromNode } from './node-headers.js';
import type { Readiness } from './readiness.js';
import { traceServerCalls } from './rpc-tracing.js';
import { serviceTokenInterceptor } from './service-token.js';

export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Bounds every door applies before anything else: body size, then the time a request may take to arrive. */
export interface DoorLimits {
  maxBodyBytes: number;
  /** A request (headers and body) must arrive within this; slower ones are answered 408 and closed. */
  readTimeoutMs: number;
}

export const DEFAULT_DOOR_LIMITS: DoorLimits = { maxBodyBytes: 1024 * 1024, readTimeoutMs: 10_000 };

/** Largest internal message: gRPC's customary 4 MiB, room for a broadcast batch of thousands of recipients. */
export const INTERNAL_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface InternalRoutes {
  /** gRPC over h2c only: internal RPCs are never served on an HTTP/1.1 port. */
  port: number;
  /** Every method but grpc.health requires `authorization: Bearer <token>`. */
  serviceToken: string;
  serviceNames: string[];
  routes: (registry: ServiceRegistry) => void;
  interceptors?: Interceptor[];
  /** Largest message; internal batches (a broadcast's recipients) may exceed the public limit. */
  maxMessageBytes?: number;
}

export interface ServerOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
  host?: string;
  /** /healthz, /readyz, /metrics, the public routes as Connect JSON, then `httpHandler`. */
  httpPort: number;
  /** The public routes over gRPC (h2c) with grpc.health; 0 picks a free port; omitted: no such server. */
  grpcPort?: number;
  /** Fully-qualified names of the public services answered by grpc.health.v1. */
  serviceNames?: string[];
  routes?: (router: ConnectRouter) => void;
  interceptors?: Interceptor[];
  /**
   * Runs for a call to a public service (Connect JSON or gRPC) before its body is read: authentication
   * comes before parsing. Throws a ConnectError to refuse; what it returns is the handler's context.
   */
  authenticate?: (headers: Headers, service: string) => Promise<ContextValues>;
  /** Requests on the HTTP port that are neither ops nor Connect routes (e.g. Slack webhooks, REST). */
  httpHandler?: HttpHandler;
  internal?: InternalRoutes;
  limits?: DoorLimits;
}

export interface RunningServers {
  httpPort: number;
  /** The public gRPC port, 0 when there is none. */
  grpcPort: number;
  /** The internal gRPC port, 0 when there is none. */
  internalGrpcPort: number;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

const CONNECT_PATH = /^\/([a-zA-Z][\w.]*)\/[A-Za-z]\w*$/;

const HTTP_STATUS: Partial<Record<Code, number>> = {
  [Code.Unauthenticated]: 401,
  [Code.PermissionDenied]: 403,
  [Code.Unavailable]: 503,
};

/**
 * The public routes served twice (gRPC over h2c for in-cluster callers and Kubernetes gRPC probes,
 * Connect JSON over HTTP/1.1 beside the ops endpoints for integrators with curl), and internal routes
 * served once, on a gRPC port of their own behind the service token. Every HTTP request is bounded
 * (size, then read time) before anything reads or authenticates it.
 */
export async function startServers(options: ServerOptions): Promise<RunningServers> {
  const { logger, metrics, readiness } = options;
  const limits = options.limits ?? DEFAULT_DOOR_LIMITS;
  const publicServices = new Set(options.serviceNames ?? []);
  const publicRoutes = (router: ConnectRouter) => {
    registerHealth(router, readiness, options.serviceNames ?? []);
    options.routes?.(router);
  };
  // Tracing first, so a call refused by a later interceptor is still a span of its caller's trace.
  const interceptors = [traceServerCalls, ...(options.interceptors ?? [])];
  const authenticated = new WeakMap<object, ContextValues>();
  const contextValues = (req: object) => authenticated.get(req) ?? createContextValues();
  /** The public service a call is for, when the gate must see it before its body is read. */
  const gated = (path: string) => {
    const service = CONNECT_PATH.exec(path)?.[1];
    return service !== undefined && publicServices.has(service) && options.authenticate ? service : undefined;
  };
  const appHandler: HttpHandler = options.httpHandler ?? ((_req, res) => sendJson(res, 404, { ok: false, error: 'not_found' }));
  const connectHandler = connectNodeAdapter({
    routes: publicRoutes,
    interceptors,
    contextValues,
    readMaxBytes: limits.maxBodyBytes,
    fallback: (req, res) => {
      if (req instanceof http.IncomingMessage && res instanceof http.ServerResponse) appHandler(req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    },
  });

  const httpServer = http.createServer(
    {
      requestTimeout: limits.readTimeoutMs,
      headersTimeout: Math.min(limits.readTimeoutMs, 60_000),
      // Timeouts are checked at this interval; Node's default (30 s) would let slow bodies linger.
      connectionsCheckingInterval: Math.min(1_000, limits.readTimeoutMs),
    },
    (req, res) => {
      bindResponse(req, res);
      res.once('prefinish', () => limitAfterAnswer(req, limits.maxBodyBytes));
      const path = (req.url ?? '/').split('?')[0] ?? '/';
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
      if (declaresTooLarge(req, limits.maxBodyBytes)) {
        closeAfterAnswer(req);
        return sendJson(res, 413, { ok: false, error: `request body is larger than ${limits.maxBodyBytes} bytes` });
      }
      const service = gated(path);
      if (service === undefined || !options.authenticate) return connectHandler(req, res);
      options.authenticate(headersFromNode(req.headers), service).then(
        (values) => {
          authenticated.set(req, values);
          connectHandler(req, res);
        },
        (error: unknown) => {
          const refusal = refusalOf(error, logger, path);
          sendJson(res, HTTP_STATUS[refusal.code] ?? 500, { code: codeName(refusal.code), message: refusal.rawMessage });
        },
      );
    },
  );
  const servers: Array<http.Server | http2.Http2Server> = [httpServer];
  const sessions = new Set<http2.ServerHttp2Session>();
  const tracked = (server: http2.Http2Server) => {
    server.on('session', (session) => {
      sessions.add(session);
      session.once('close', () => sessions.delete(session));
    });
    servers.push(server);
    return server;
  };
  /** The public routes over gRPC, behind the same gate as their Connect JSON twins. */
  const publicGrpcServer = () => {
    const handler = connectNodeAdapter({ routes: publicRoutes, interceptors, readMaxBytes: limits.maxBodyBytes, contextValues });
    const server = http2.createServer((req, res) => {
      const service = gated(req.url);
      if (service === undefined || !options.authenticate) return handler(req, res);
      options.authenticate(headersFromNode(req.headers), service).then(
        (values) => {
          authenticated.set(req, values);
          handler(req, res);
        },
        (error: unknown) => {
          // Trailers-only gRPC answer: the status travels in the headers and the request body stays unread.
          const refusal = refusalOf(error, logger, req.url);
          res.writeHead(200, { 'content-type': 'application/grpc', 'grpc-status': String(refusal.code), 'grpc-message': encodeURIComponent(refusal.rawMessage) });
          res.end();
        },
      );
    });
    return tracked(server);
  };

  const host = options.host ?? '0.0.0.0';
  await listen(httpServer, options.httpPort, host);
  let grpcPort = 0;
  if (options.grpcPort !== undefined) {
    const server = publicGrpcServer();
    await listen(server, options.grpcPort, host);
    grpcPort = (server.address() as AddressInfo).port;
  }
  let internalGrpcPort = 0;
  const internal = options.internal;
  if (internal) {
    const server = tracked(
      leanGrpcServer({
        routes: (registry) => {
          registerHealth(registry, readiness, internal.serviceNames);
          internal.routes(registry);
        },
        interceptors: [traceServerCalls, serviceTokenInterceptor(internal.serviceToken), ...(internal.interceptors ?? [])],
        maxMessageBytes: internal.maxMessageBytes ?? limits.maxBodyBytes,
        logger,
      }),
    );
    await listen(server, internal.port, host);
    internalGrpcPort = (server.address() as AddressInfo).port;
  }
  const httpPort = (httpServer.address() as AddressInfo).port;
  logger.info({ httpPort, grpcPort, internalGrpcPort }, 'listening');

  return {
    httpPort,
    grpcPort,
    internalGrpcPort,
    async close() {
      const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      httpServer.closeIdleConnections();
      // GOAWAY: open streams finish, no new ones start.
      for (const session of sessions) session.close();
      await Promise.all(closed);
    },
  };
}

function refusalOf(error: unknown, logger: Logger, path: string | undefined): ConnectError {
  if (error instanceof ConnectError) return error;
  logger.error({ err: error, path }, 'authenticating a call failed');
  return new ConnectError('internal error', Code.Internal);
}

/** Connect's wire names for codes: `PermissionDenied` → `permission_denied`. */
function codeName(code: Code): string {
  return Code[code].replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
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
