import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { SimControl } from './control-client.js';
import type { SimContext } from './context.js';
import { controlRoutes, handleControl } from './control/routes.js';
import { ChangeStreams } from './control/stream.js';
import { Deliverer, type DeliveryOptions } from './delivery.js';
import { handleDownload, handleFileContent, handleSignin, handleUpload } from './file-transfer.js';
import { sendJson, sendText } from './http-util.js';
import { RateLimiter } from './rate-limits.js';
import { handleResponseUrl } from './response-url.js';
import { Sleeps } from './sleeps.js';
import { SocketHub } from './socket-mode/hub.js';
import { SimState } from './state.js';
import type { SlackSimOptions } from './types.js';
import { findUiBundle, serveUi } from './ui-bundle.js';
import { handleWebApi } from './web-api/dispatch.js';

export interface SlackSim {
  url: string;
  apiUrl: string;
  control: SimControl;
  close(): Promise<void>;
}

/** Slack's retry schedule compressed to seconds, so a test sees all three retries without waiting minutes. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 10000];

/**
 * Starts the simulator on its own HTTP server (Socket Mode upgrades included); `close()` stops it along with
 * pending event retries, Socket Mode connections, change streams and armed latency faults.
 */
export async function startSlackSim(opts: SlackSimOptions = {}): Promise<SlackSim> {
  const now = opts.now ?? Date.now;
  const state = new SimState(now);
  const deliveryDefaults = (): DeliveryOptions => ({ ackTimeoutMs: opts.ackTimeoutMs ?? 3000,
    eventRetries: opts.eventRetries ?? true, retryDelaysMs: [...(opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS)] });
  const sockets = new SocketHub({ warningCloseMs: opts.socketWarningCloseMs ?? 10_000, now });
  const deliverer = new Deliverer(state, deliveryDefaults(), sockets);
  const limiter = new RateLimiter(now, opts.rateLimits ?? false);
  const sleeps = new Sleeps();
  const streams = new ChangeStreams(state.feed);
  // Looked up on first use, so a UI built after the simulator started is still found.
  let uiBundle: string | undefined;
  const ctx: SimContext = { state, deliverer, sockets, limiter, sleeps, baseUrl: '', awaitEvents: true };
  const routes = controlRoutes(() => {
    deliverer.cancelRetries();
    sockets.closeAll();
    sleeps.cancelAll();
    state.clear();
    limiter.reset();
    limiter.enabled = opts.rateLimits ?? false;
    limiter.config = {};
    Object.assign(deliverer.options, deliveryDefaults());
    state.feed.publish('reset');
  });

  // Apps' own calls (Web API, response_url) answer before the events they cause go out, as Slack does.
  const forApps = (): SimContext => ({ ...ctx, awaitEvents: false });
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', ctx.baseUrl);
    const path = url.pathname;
    const [, first, second] = path.split('/');
    if (first === 'api' && second) return handleWebApi(forApps(), req, res, second, url);
    if (req.method === 'GET' && path.replace(/\/$/, '') === '/_sim/stream') return streams.serve(req, res);
    if (req.method === 'GET' && path.startsWith('/_sim/file-content/')) return handleFileContent(ctx, res, path.slice(19));
    if (first === '_sim') return handleControl(ctx, routes, req, res, url);
    if (first === 'upload' && path.startsWith('/upload/v1/')) return handleUpload(ctx, req, res, path.slice(11));
    if (first === 'files-pri' && second) return handleDownload(ctx, req, res, second);
    if (path.startsWith('/hooks/commands/')) return handleResponseUrl(forApps(), req, res, path.slice(16));
    if (first === 'signin') return handleSignin(res);
    if (req.method === 'GET' && (path === '/' || first === 'assets')) {
      uiBundle ??= findUiBundle(opts.uiDir);
      return serveUi(res, uiBundle, path);
    }
    sendText(res, 404, 'not found');
  };

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const match = /^\/socket\/([a-f0-9]+)$/.exec(new URL(req.url ?? '/', ctx.baseUrl).pathname);
    if (!match?.[1]) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, match[1], `${ctx.baseUrl.replace(/^http/, 'ws')}${req.url ?? ''}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  ctx.baseUrl = opts.publicUrl?.replace(/\/$/, '') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: ctx.baseUrl,
    apiUrl: `${ctx.baseUrl}/api/`,
    control: new SimControl(ctx.baseUrl),
    close: async () => {
      deliverer.close();
      sockets.closeAll();
      sleeps.cancelAll();
      streams.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
