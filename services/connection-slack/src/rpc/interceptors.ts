import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import type { Metrics } from '@megatron/runtime';
import { CallDeadline } from './call-deadline.js';
import { SLACK_SOURCE_TOKEN_HEADER, SLACK_TOKEN_HEADER } from '@megatron/contracts';
import { deadlineKey, slackTokenKey, sourceTokenKey } from './context-keys.js';

/** Moves the tokens from metadata into context values, so handlers never touch headers (and logs never see them). */
export const tokenInterceptor: Interceptor = (next) => async (req) => {
  const token = req.header.get(SLACK_TOKEN_HEADER)?.trim();
  const source = req.header.get(SLACK_SOURCE_TOKEN_HEADER)?.trim();
  if (token) req.contextValues.set(slackTokenKey, token);
  if (source) req.contextValues.set(sourceTokenKey, source);
  return next(req);
};

const GRPC_TIMEOUT_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 0.001, n: 0.000001 };

/** The caller's deadline as gRPC (`grpc-timeout`) or Connect (`connect-timeout-ms`) sends it. */
export function callerTimeoutMs(header: Headers): number | undefined {
  const grpc = /^(\d{1,8})([HMSmun])$/.exec(header.get('grpc-timeout') ?? '');
  if (grpc?.[1] && grpc[2]) return Number(grpc[1]) * (GRPC_TIMEOUT_UNIT_MS[grpc[2]] ?? 1);
  const connect = header.get('connect-timeout-ms');
  return connect && /^\d{1,10}$/.test(connect) ? Number(connect) : undefined;
}

/** Every call gets a budget: the caller's deadline, capped by the service's own (per method where given). */
export function deadlineInterceptor(maxMs: number, maxMsByMethod: Record<string, number> = {}): Interceptor {
  return (next) => async (req) => {
    const callerMs = callerTimeoutMs(req.header);
    const cap = maxMsByMethod[req.method.name] ?? maxMs;
    const ms = callerMs === undefined ? cap : Math.min(callerMs, cap);
    req.contextValues.set(deadlineKey, CallDeadline.in(ms, req.signal));
    return next(req);
  };
}

export function metricsInterceptor(metrics: Metrics): Interceptor {
  const requests = metrics.counter({
    name: 'megatron_connection_rpc_requests_total',
    help: 'SlackConnectionService calls by method and gRPC code',
    labelNames: ['method', 'code'],
  });
  const duration = metrics.histogram({
    name: 'megatron_connection_rpc_duration_seconds',
    help: 'SlackConnectionService call latency',
    labelNames: ['method'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  return (next) => async (req) => {
    const stop = duration.startTimer({ method: req.method.name });
    try {
      const response = await next(req);
      requests.inc({ method: req.method.name, code: 'ok' });
      return response;
    } catch (error) {
      requests.inc({ method: req.method.name, code: Code[ConnectError.from(error).code] });
      throw error;
    } finally {
      stop();
    }
  };
}
