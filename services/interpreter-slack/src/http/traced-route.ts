import type { RouterMiddleware } from '@koa/router';
import { extractTraceContext, failSpan, inSpan, SpanKind } from '@megatron/runtime';

/**
 * Runs a route in a server span named `<METHOD> <route>`: the root of the trace that follows a Slack
 * request through JetStream and the other services (or a child, when the caller sent `traceparent`).
 */
export function tracedRoute(method: string, route: string, middleware: RouterMiddleware): RouterMiddleware {
  const attributes = { 'http.request.method': method, 'http.route': route };
  return (ctx, next) =>
    inSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes, parent: extractTraceContext(ctx.req.headers) }, async (span) => {
      await middleware(ctx, next);
      span.setAttribute('http.response.status_code', ctx.status);
      if (ctx.status >= 500) failSpan(span, `answered ${ctx.status}`);
    });
}
