import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimControl } from './control-client.js';
import type { SimContext } from './context.js';
import { controlRoutes, handleControl } from './control/routes.js';
import { Deliverer } from './delivery.js';
import { handleDownload, handleSignin, handleUpload } from './file-transfer.js';
import { sendJson, sendText } from './http-util.js';
import { RateLimiter } from './rate-limits.js';
import { handleResponseUrl } from './response-url.js';
import { SimState } from './state.js';
import type { SlackSimOptions } from './types.js';
import { handleWebApi } from './web-api/dispatch.js';

export interface SlackSim {
  url: string;
  apiUrl: string;
  control: SimControl;
  close(): Promise<void>;
}

const DEFAULT_RETRY_DELAYS_MS = [1000, 5000, 10000];

/** Starts the simulator on its own HTTP server; `close()` stops it along with any pending event retries. */
export async function startSlackSim(opts: SlackSimOptions = {}): Promise<SlackSim> {
  const now = opts.now ?? Date.now;
  const state = new SimState(now);
  const deliverer = new Deliverer(state, { ackTimeoutMs: opts.ackTimeoutMs ?? 3000,
    eventRetries: opts.eventRetries ?? true, retryDelaysMs: opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS });
  const limiter = new RateLimiter(now, opts.rateLimits ?? false);
  const ctx: SimContext = { state, deliverer, limiter, baseUrl: '' };
  const routes = controlRoutes(() => {
    deliverer.cancelRetries();
    state.clear();
    limiter.reset();
    limiter.enabled = opts.rateLimits ?? false;
    limiter.config = {};
  });

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', ctx.baseUrl);
    const path = url.pathname;
    const [, first, second] = path.split('/');
    if (first === 'api' && second) return handleWebApi(ctx, req, res, second, url);
    if (first === '_sim') return handleControl(ctx, routes, req, res, url);
    if (first === 'upload' && path.startsWith('/upload/v1/')) return handleUpload(ctx, req, res, path.slice(11));
    if (first === 'files-pri' && second) return handleDownload(ctx, req, res, second);
    if (path.startsWith('/hooks/commands/')) return handleResponseUrl(ctx, req, res, path.slice(16));
    if (first === 'signin') return handleSignin(res);
    if (path === '/') return sendText(res, 200, 'slack-sim is running; Web API at /api/, control API at /_sim/');
    sendText(res, 404, 'not found');
  };

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
      else res.destroy();
    });
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
