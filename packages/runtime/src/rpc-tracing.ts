import { ConnectError, type Interceptor } from '@connectrpc/connect';
import { Health } from '@megatron/contracts';
import { extractTraceContext, inSpan, injectTraceContext, SpanKind, type SpanOptions } from './trace-context.js';

type RpcRequest = Parameters<ReturnType<Interceptor>>[0];
type RpcResponse = Awaited<ReturnType<ReturnType<Interceptor>>>;

// Connect's codes are gRPC's numbers; an error that is not a ConnectError reaches the other side as unknown (2).
const UNKNOWN = 2;

/** One span per call, named `<service>/<method>` and carrying the gRPC status code, as OpenTelemetry's RPC conventions have it. */
function rpcSpan(req: RpcRequest, options: Pick<SpanOptions, 'kind' | 'parent'>, call: () => Promise<RpcResponse>): Promise<RpcResponse> {
  const attributes = { 'rpc.system': 'grpc', 'rpc.service': req.service.typeName, 'rpc.method': req.method.name };
  return inSpan(`${req.service.typeName}/${req.method.name}`, { ...options, attributes }, async (span) => {
    try {
      const res = await call();
      span.setAttribute('rpc.grpc.status_code', 0);
      return res;
    } catch (error) {
      span.setAttribute('rpc.grpc.status_code', error instanceof ConnectError ? error.code : UNKNOWN);
      throw error;
    }
  });
}

/** Client side: the call's span context travels as `traceparent` in the request headers. */
export const traceClientCalls: Interceptor = (next) => (req) =>
  rpcSpan(req, { kind: SpanKind.CLIENT }, () => {
    injectTraceContext(req.header);
    return next(req);
  });

/**
 * Server side: the handler runs in a span that is a child of the caller's `traceparent`.
 * Health checks are left out: a probe every few seconds would bury the traces that matter.
 */
export const traceServerCalls: Interceptor = (next) => (req) => {
  if (req.service.typeName === Health.typeName) return next(req);
  return rpcSpan(req, { kind: SpanKind.SERVER, parent: extractTraceContext(req.header) }, () => next(req));
};
