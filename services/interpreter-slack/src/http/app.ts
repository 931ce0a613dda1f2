import { performance } from 'node:perf_hooks';
import Router, { type RouterMiddleware } from '@koa/router';
import Koa from 'koa';
import { BodyTooLargeError, readBody, type Logger } from '@megatron/runtime';
import { failureReply } from '../failure-reply.js';
import type { InterpreterMetrics, RequestOutcome, Route } from '../metrics.js';
import { RequestError } from '../request-error.js';
import { tracedRoute } from './traced-route.js';
import { verifySlackSignature } from '@megatron/slack-signature';

/** A Slack request whose signature checked out: the exact bytes and the declared content type. */
export interface VerifiedRequest {
  rawBody: Buffer;
  contentType: string | undefined;
}

export interface SlackReply {
  status: number;
  /** JSON-encoded unless a string; empty when omitted. */
  body?: unknown;
  outcome: RequestOutcome;
}

export type SlackHandler = (request: VerifiedRequest) => Promise<SlackReply>;

export interface HttpAppOptions {
  /** Undefined when Slack reaches this deployment only over Socket Mode: the Slack routes then answer 404. */
  signingSecret: string | undefined;
  maxBodyBytes: number;
  now: () => number;
  logger: Logger;
  metrics: InterpreterMetrics;
  slashCommand: SlackHandler;
  interactiveMessage: SlackHandler;
  event: SlackHandler;
  /**
   * The manifest as YAML: the Socket Mode variant when `socketMode` is true, the request-URL one when false, this
   * deployment's own when undefined; undefined while the request-URL variant has no public URL to point at.
   */
  manifest: (socketMode: boolean | undefined) => string | undefined;
}

const SOCKET_MODE_QUERY = new Map([
  ['true', true],
  ['false', false],
]);

/** Without a signing secret nothing posted here could be verified; the body is not even read. */
const overSocketModeOnly: RouterMiddleware = (ctx) => {
  ctx.status = 404;
  ctx.body = { ok: false, error: 'Slack reaches this deployment over Socket Mode; set SLACK_SIGNING_SECRET to accept Slack requests over HTTP' };
};

/** The paths Slack app configs already use, accepted with and without the trailing slash. */
const both = (path: string) => [path, `${path}/`];

export function createHttpApp(options: HttpAppOptions): Koa {
  const { logger, metrics } = options;
  const app = new Koa();
  app.silent = true;
  app.on('error', (error: unknown) => logger.error({ err: error }, 'http handler failed'));

  // Verification comes first and covers the raw bytes; nothing parses a body before it passed.
  const slackRoute =
    (route: Route, handler: SlackHandler, signingSecret: string): RouterMiddleware =>
    async (ctx) => {
      const started = performance.now();
      let reply: SlackReply;
      try {
        const rawBody = await readBody(ctx.req, options.maxBodyBytes).catch((error: unknown) => {
          throw error instanceof BodyTooLargeError ? new RequestError(413, error.message) : error;
        });
        const check = verifySlackSignature(
          signingSecret,
          { timestamp: ctx.get('x-slack-request-timestamp') || undefined, signature: ctx.get('x-slack-signature') || undefined, rawBody },
          options.now(),
        );
        if (!check.ok) throw new RequestError(401, check.reason);
        reply = await handler({ rawBody, contentType: ctx.get('content-type') || undefined });
      } catch (error) {
        reply = failureReply(route, error, logger);
        // The rest of an oversized or refused upload is not worth reading.
        if (reply.status === 413) ctx.set('connection', 'close');
      }
      ctx.status = reply.status;
      ctx.body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      if (reply.body !== undefined && typeof reply.body !== 'string') ctx.type = 'application/json';
      metrics.requests.inc({ route, outcome: reply.outcome });
      metrics.ackSeconds.observe({ route }, (performance.now() - started) / 1000);
    };

  const router = new Router();
  router.get('/', (ctx) => {
    ctx.body = 'Megatron is running.';
    metrics.requests.inc({ route: 'root', outcome: 'answered' });
  });
  router.get(both('/megatron/slack/manifest'), (ctx) => {
    const asked = ctx.query.socket_mode;
    const socketMode = typeof asked === 'string' ? SOCKET_MODE_QUERY.get(asked) : undefined;
    if (asked !== undefined && socketMode === undefined) {
      ctx.status = 400;
      ctx.body = 'socket_mode must be true or false.';
      metrics.requests.inc({ route: 'manifest', outcome: 'bad_request' });
      return;
    }
    const manifest = options.manifest(socketMode);
    if (manifest === undefined) {
      ctx.status = 503;
      ctx.body =
        'The manifest needs the public URL of this deployment: set PUBLIC_URL (or HOSTNAME to an http(s) URL), or ask for the Socket Mode manifest (?socket_mode=true), which needs none.';
      metrics.requests.inc({ route: 'manifest', outcome: 'error' });
      return;
    }
    ctx.type = 'application/yaml';
    ctx.body = manifest;
    metrics.requests.inc({ route: 'manifest', outcome: 'answered' });
  });
  const slackRoutes = [
    ['/megatron/slack/slash-command', 'slash_command', options.slashCommand],
    ['/megatron/slack/interactive-message', 'interactive_message', options.interactiveMessage],
    ['/megatron/slack/event', 'event', options.event],
  ] as const;
  const { signingSecret } = options;
  for (const [path, route, handler] of slackRoutes) {
    router.post(both(path), signingSecret === undefined ? overSocketModeOnly : tracedRoute('POST', path, slackRoute(route, handler, signingSecret)));
  }

  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { ok: false, error: `no route ${ctx.method} ${ctx.path}` };
  });
  return app;
}
