import { performance } from 'node:perf_hooks';
import Router, { type RouterMiddleware } from '@koa/router';
import Koa from 'koa';
import { BodyTooLargeError, readBody, type Logger } from '@megatron/runtime';
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
  signingSecret: string;
  maxBodyBytes: number;
  now: () => number;
  logger: Logger;
  metrics: InterpreterMetrics;
  slashCommand: SlackHandler;
  interactiveMessage: SlackHandler;
  event: SlackHandler;
  /** The manifest as YAML, or undefined while no public URL is configured. */
  manifest: () => string | undefined;
}

const OUTCOME_OF_STATUS: Record<RequestError['status'], RequestOutcome> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'bad_request',
  413: 'too_large',
  415: 'unsupported_media_type',
};

/** The paths Slack app configs already use, accepted with and without the trailing slash. */
const both = (path: string) => [path, `${path}/`];

export function createHttpApp(options: HttpAppOptions): Koa {
  const { logger, metrics } = options;
  const app = new Koa();
  app.silent = true;
  app.on('error', (error: unknown) => logger.error({ err: error }, 'http handler failed'));

  const failure = (route: Route, error: unknown): SlackReply => {
    if (error instanceof RequestError) {
      logger.warn({ route, status: error.status, reason: error.message }, 'slack request refused');
      return { status: error.status, body: { ok: false, error: error.message }, outcome: OUTCOME_OF_STATUS[error.status] };
    }
    logger.error({ err: error, route }, 'slack request failed');
    return { status: 500, body: { ok: false, error: 'internal error' }, outcome: 'error' };
  };

  // Verification comes first and covers the raw bytes; nothing parses a body before it passed.
  const slackRoute =
    (route: Route, handler: SlackHandler): RouterMiddleware =>
    async (ctx) => {
      const started = performance.now();
      let reply: SlackReply;
      try {
        const rawBody = await readBody(ctx.req, options.maxBodyBytes).catch((error: unknown) => {
          throw error instanceof BodyTooLargeError ? new RequestError(413, error.message) : error;
        });
        const check = verifySlackSignature(
          options.signingSecret,
          { timestamp: ctx.get('x-slack-request-timestamp') || undefined, signature: ctx.get('x-slack-signature') || undefined, rawBody },
          options.now(),
        );
        if (!check.ok) throw new RequestError(401, check.reason);
        reply = await handler({ rawBody, contentType: ctx.get('content-type') || undefined });
      } catch (error) {
        reply = failure(route, error);
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
    const manifest = options.manifest();
    if (manifest === undefined) {
      ctx.status = 503;
      ctx.body = 'The manifest needs the public URL of this deployment: set PUBLIC_URL (or HOSTNAME to an http(s) URL).';
      metrics.requests.inc({ route: 'manifest', outcome: 'error' });
      return;
    }
    ctx.type = 'application/yaml';
    ctx.body = manifest;
    metrics.requests.inc({ route: 'manifest', outcome: 'answered' });
  });
  const slackPost = (path: string, route: Route, handler: SlackHandler) => router.post(both(path), tracedRoute('POST', path, slackRoute(route, handler)));
  slackPost('/megatron/slack/slash-command', 'slash_command', options.slashCommand);
  slackPost('/megatron/slack/interactive-message', 'interactive_message', options.interactiveMessage);
  slackPost('/megatron/slack/event', 'event', options.event);

  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { ok: false, error: `no route ${ctx.method} ${ctx.path}` };
  });
  return app;
}
