import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from '@opentelemetry/sdk-trace';
import type { z } from 'zod';
import type { tracingEnv } from './config.js';
import type { Logger } from './logger.js';

export type TracingConfig = z.infer<z.ZodObject<typeof tracingEnv>>;

export interface Tracing {
  /** Exports what is still buffered, within a bound; then the process may exit. */
  shutdown(): Promise<void>;
}

// A collector that is away must not turn a clean stop into a timed-out one: spans past this are dropped.
const FLUSH_BOUND_MS = 2_000;

/**
 * Sets up tracing for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans named for this
 * service, W3C `traceparent` propagation, context carried through async calls (AsyncLocalStorage),
 * batches exported over OTLP/HTTP. Without an endpoint nothing is registered, so the API stays the
 * no-op it is by default: spans are never recorded and no context is carried.
 */
export function startTracing(service: string, config: TracingConfig, logger: Logger): Tracing {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint === undefined) return { shutdown: async () => undefined };

  // The SDK reports failed exports through diag; without a logger they would vanish. Only warnings and errors pass.
  const log = logger.child({ component: 'opentelemetry' });
  const warn = (message: string, ...args: unknown[]) => log.warn({ err: args.find((arg) => arg instanceof Error) ?? args[0] }, message);
  diag.setLogger({ error: warn, warn, info: warn, debug: warn, verbose: warn }, DiagLogLevel.WARN);
  const exporter = new OTLPTraceExporter({ url: tracesUrl(endpoint) });
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': service })),
    sampler: samplerOf(config),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  logger.info({ endpoint, sampler: config.OTEL_TRACES_SAMPLER, ratio: config.OTEL_TRACES_SAMPLER_ARG }, 'tracing to an OTLP collector');
  return {
    async shutdown() {
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([provider.shutdown(), new Promise((resolve) => (bound = setTimeout(resolve, FLUSH_BOUND_MS)))]);
      clearTimeout(bound);
    },
  };
}

/** The OTLP/HTTP rule for the base endpoint variable: traces go to `/v1/traces` below it. */
function tracesUrl(endpoint: string): string {
  return new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).toString();
}

function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG);
  switch (config.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
  }
}
