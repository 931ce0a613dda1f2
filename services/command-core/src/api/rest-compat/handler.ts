import type http from 'node:http';
import { ConnectError, createClient, createContextValues, createRouterTransport, type Interceptor, type ServiceImpl } from '@connectrpc/connect';
import { MegatronService } from '@megatron/contracts';
import { BodyTooLargeError, readBody, sendJson, type HttpHandler, type Logger } from '@megatron/runtime';
import { organizationIdKey } from '../auth-context.js';
import { tokenFrom, type ApiAuthenticator } from '../auth.js';
import { parseBody } from './body.js';
import { RestError, restErrorFrom } from './rest-error.js';
import { REST_ROUTES } from './routes.js';

export interface RestCompatOptions {
  megatronService: Partial<ServiceImpl<typeof MegatronService>>;
  /** The same interceptors as the gRPC and Connect routes, so auth and errors behave identically. */
  interceptors: Interceptor[];
  /** Runs before the body is read: a stranger's request is answered 401 without parsing anything. */
  authenticate: ApiAuthenticator;
  logger: Logger;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** For requests outside /megatron/; default 404. */
  fallback?: HttpHandler;
}

const PATH = /^\/megatron(?:\/([a-z-]+)(?:\/([A-Za-z0-9]+))?)?\/?$/;

/**
 * The original REST API (SPEC §5) under /megatron/, with or without the trailing slash: each body is
 * translated to its MegatronService request and served through an in-memory Connect transport, and the
 * answer is translated back to the original's shapes (`{ok, track}`, `{ok: false, error}`).
 */
export function restCompatHandler(options: RestCompatOptions): HttpHandler {
  const transport = createRouterTransport((router) => router.service(MegatronService, options.megatronService), {
    router: { interceptors: options.interceptors },
  });
  const client = createClient(MegatronService, transport);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const fallback: HttpHandler = options.fallback ?? ((_req, res) => sendJson(res, 404, { ok: false, error: 'Not found' }));

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    if (!match) return fallback(req, res);
    const [, name, parameter] = match;
    if (name === undefined) return sendJson(res, 200, { ok: true });
    const route = REST_ROUTES[name];
    if (!route || (parameter !== undefined && name !== 'message')) return sendJson(res, 404, { ok: false, error: `Unknown API path ${url.pathname}` });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { ok: false, error: `Method ${req.method ?? ''} not allowed; use POST` });
    }

    void (async () => {
      try {
        const headers = new Headers();
        const authorization = req.headers.authorization;
        if (authorization !== undefined) headers.set('authorization', authorization);
        // Authentication comes before the body is judged (or even read), as the original API did.
        if (tokenFrom(headers) === undefined) throw new RestError(401, 'Missing API token: send "Authorization: MegatronToken <token>"');
        const contextValues = createContextValues().set(organizationIdKey, await options.authenticate(headers, name));
        const body = parseBody(await readText(req, maxBodyBytes));
        const answer = await route({ body, parameter, query: url.searchParams, client, options: { headers, contextValues } });
        sendJson(res, 200, answer);
      } catch (error) {
        const restError = error instanceof RestError ? error : error instanceof ConnectError ? restErrorFrom(error) : undefined;
        if (restError === undefined || restError.status >= 500) options.logger.error({ err: error, route: name }, 'REST compatibility call failed');
        if (restError === undefined) return sendJson(res, 500, { ok: false, error: 'Internal error' });
        sendJson(res, restError.status, { ok: false, error: restError.message });
      }
    })();
  };
}

async function readText(req: http.IncomingMessage, limit: number): Promise<string> {
  try {
    return (await readBody(req, limit)).toString('utf8');
  } catch (error) {
    throw error instanceof BodyTooLargeError ? new RestError(413, `Body larger than ${limit} bytes`) : error;
  }
}
