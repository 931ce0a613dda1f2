import {
  context,
  defaultTextMapGetter,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

export { SpanKind, type Attributes, type Span };

/** Fetch's Headers and NATS message headers alike: where `traceparent` travels. */
export interface HeaderCarrier {
  get(name: string): string | null | undefined;
  set(name: string, value: string): void;
  keys(): Iterable<string>;
}

const carrierGetter: TextMapGetter<HeaderCarrier> = {
  // NATS answers "" for a missing header, fetch null: both mean absent.
  get: (carrier, key) => carrier.get(key) || undefined,
  keys: (carrier) => [...carrier.keys()],
};
const carrierSetter: TextMapSetter<HeaderCarrier> = { set: (carrier, key, value) => carrier.set(key, value) };
const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const tracer = trace.getTracer('megatron');

/** Writes the active trace context (`traceparent`, `tracestate`) into outgoing headers. */
export function injectTraceContext(carrier: HeaderCarrier): void {
  propagation.inject(context.active(), carrier, carrierSetter);
}

/** The active trace context as plain headers, e.g. for an HTTP request built as an object. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers, recordSetter);
  return headers;
}

/** The caller's trace context from incoming headers (fetch, NATS, or Node's IncomingHttpHeaders); none: a new trace. */
export function extractTraceContext(carrier: HeaderCarrier | Record<string, string | string[] | undefined> | undefined): Context {
  if (carrier === undefined) return ROOT_CONTEXT;
  if (isHeaderCarrier(carrier)) return propagation.extract(ROOT_CONTEXT, carrier, carrierGetter);
  return propagation.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

function isHeaderCarrier(carrier: object): carrier is HeaderCarrier {
  return typeof (carrier as Partial<HeaderCarrier>).get === 'function';
}

export interface SpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  /** The caller's context for server and consumer spans; default: the active one. */
  parent?: Context;
}

/**
 * Runs `work` as the active span `name`: it ends when `work` settles, marked as an error (with the
 * exception) when `work` throws. Without tracing set up the span is the API's no-op.
 */
export function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const spanOptions = { kind: options.kind, ...(options.attributes ? { attributes: options.attributes } : {}) };
  return tracer.startActiveSpan(name, spanOptions, options.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed; for outcomes that are failures without an exception (an HTTP 5xx, a nak). */
export function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The active span's ids for log lines; empty outside a recorded trace. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
}
