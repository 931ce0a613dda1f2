import http2 from 'node:http2';
import { create, fromBinary, isMessage, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { Code, ConnectError, createContextValues, type Interceptor, type Transport, type UnaryRequest, type UnaryResponse } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { envelope, singleMessage } from './grpc-envelope.js';
import { headersFromNode } from './node-headers.js';

export interface LeanGrpcTransportOptions {
  baseUrl: string;
  interceptors: Interceptor[];
}

// connect-node's default bound on what a client reads.
const READ_MAX_BYTES = 0xffffffff;

/** The signal of a call made without one: nothing can abort it, so no call listens to it (a controller per call was measurable). */
const NEVER_ABORTED = new AbortController().signal;

/**
 * gRPC over h2c for unary calls, without connect-node's stream machinery: one HTTP/2 request, one enveloped
 * message each way, status from the trailers. Measured on this machine it costs about a third of connect-node's
 * client CPU per call (bench/README, internal calls), and a relayed message makes two. Semantics are connect's:
 * interceptors run around the call, a ConnectError carries the server's code, message and headers plus trailers
 * as metadata, `timeoutMs` is sent as grpc-timeout and ends the call with DeadlineExceeded, an abort ends it with
 * Canceled, and a connection that fails maps to the codes connect-node gives (Unavailable when nothing answers).
 * Streaming calls go through connect-node's own transport.
 */
export function createLeanGrpcTransport(options: LeanGrpcTransportOptions): Transport {
  const connection = new SharedSession(new URL(options.baseUrl).origin);
  const base = options.baseUrl.replace(/\/+$/, '');
  let streaming: Transport | undefined;
  return {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      const request: UnaryRequest<typeof method.input, typeof method.output> = {
        stream: false,
        service: method.parent,
        method,
        requestMethod: 'POST',
        url: `${base}/${method.parent.typeName}/${method.name}`,
        signal: signal ?? NEVER_ABORTED,
        header: new Headers(header),
        contextValues: contextValues ?? createContextValues(),
        message: isMessage(input, method.input) ? input : create(method.input, input),
      };
      const send = (next: typeof request) => callUnary(connection, next, timeoutMs);
      const intercepted = options.interceptors.reduceRight((next, interceptor) => interceptor(next as never) as never, send);
      return intercepted(request);
    },
    stream(method, signal, timeoutMs, header, input, contextValues) {
      streaming ??= createGrpcTransport({ baseUrl: options.baseUrl, interceptors: options.interceptors });
      return streaming.stream(method, signal, timeoutMs, header, input, contextValues);
    },
  };
}

/** One HTTP/2 connection per origin, made again once it closes or the server sends GOAWAY; it keeps the process alive only while calls are in flight. */
class SharedSession {
  private session: http2.ClientHttp2Session | undefined;
  private inFlight = 0;

  constructor(private readonly origin: string) {}

  open(): http2.ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = http2.connect(this.origin);
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    // A failed connection fails its streams, which report it; the session's own error event needs a listener all the same.
    session.on('error', forget);
    session.on('goaway', forget);
    session.on('close', forget);
    session.unref();
    this.session = session;
    return session;
  }

  begin(session: http2.ClientHttp2Session): void {
    if (this.inFlight++ === 0) session.ref();
  }

  end(session: http2.ClientHttp2Session): void {
    if (--this.inFlight === 0 && !session.destroyed) session.unref();
  }
}

function callUnary<I extends DescMessage, O extends DescMessage>(connection: SharedSession, request: UnaryRequest<I, O>, timeoutMs: number | undefined): Promise<UnaryResponse<I, O>> {
  const { signal } = request;
  if (signal.aborted) return Promise.reject(ConnectError.from(signal.reason, Code.Canceled));
  const headers: http2.OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': new URL(request.url).pathname,
    'content-type': 'application/grpc+proto',
    te: 'trailers',
  };
  if (timeoutMs !== undefined && timeoutMs > 0) headers['grpc-timeout'] = `${Math.ceil(timeoutMs)}m`;
  request.header.forEach((value, key) => {
    headers[key] = value;
  });
  const body = envelope(toBinary(request.method.input, request.message));

  return new Promise((resolve, reject) => {
    let session: http2.ClientHttp2Session;
    let stream: http2.ClientHttp2Stream;
    try {
      session = connection.open();
      stream = session.request(headers);
    } catch (error) {
      reject(connectErrorOf(error));
      return;
    }
    connection.begin(session);
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => UnaryResponse<I, O>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (signal !== NEVER_ABORTED) signal.removeEventListener('abort', onAbort);
      connection.end(session);
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    const cancel = (error: ConnectError) => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      settle(() => {
        throw error;
      });
    };
    const onAbort = () => cancel(ConnectError.from(signal.reason, Code.Canceled));
    if (signal !== NEVER_ABORTED) signal.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0) timer = setTimeout(() => cancel(new ConnectError('the operation timed out', Code.DeadlineExceeded)), timeoutMs);
    stream.on('response', (received) => (responseHeaders = received));
    stream.on('trailers', (received) => (trailers = received));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error) =>
      settle(() => {
        throw connectErrorOf(error, stream.rstCode);
      }),
    );
    stream.on('close', () => settle(() => responseOf(request, responseHeaders, trailers, Buffer.concat(chunks), stream.rstCode)));
    stream.end(body);
  });
}

function responseOf<I extends DescMessage, O extends DescMessage>(
  request: UnaryRequest<I, O>,
  responseHeaders: http2.IncomingHttpHeaders,
  trailers: http2.IncomingHttpHeaders,
  body: Buffer,
  rstCode: number | undefined,
): UnaryResponse<I, O> {
  const header = headersFromNode(responseHeaders);
  const trailer = headersFromNode(trailers);
  // Only errors carry it, so it is made only for them.
  const metadataOf = () => {
    const metadata = new Headers(header);
    trailer.forEach((value, key) => metadata.append(key, value));
    return metadata;
  };
  const httpStatus = Number(responseHeaders[':status'] ?? 0);
  // A trailers-only answer (an error before any message) carries the status in its headers.
  const grpcStatus = trailer.get('grpc-status') ?? header.get('grpc-status');
  if (grpcStatus === null) {
    if (httpStatus === 0) throw errorOfReset(rstCode) ?? new ConnectError('http/2 stream closed before an answer', Code.Internal);
    if (httpStatus !== 200) throw new ConnectError(`HTTP ${httpStatus}`, codeOfHttpStatus(httpStatus), metadataOf());
    throw new ConnectError('protocol error: missing status', Code.Internal, metadataOf());
  }
  const code = Number(grpcStatus);
  if (!Number.isInteger(code) || code < 0 || code > 16) throw new ConnectError(`protocol error: invalid grpc-status ${grpcStatus}`, Code.Internal, metadataOf());
  if (code !== 0) throw new ConnectError(decodeMessage(trailer.get('grpc-message') ?? header.get('grpc-message') ?? ''), code as Code, metadataOf());
  const message = singleMessage(body, { what: 'output message for unary method', gzip: false, maxBytes: READ_MAX_BYTES, metadata: metadataOf });
  return {
    stream: false,
    service: request.service,
    method: request.method,
    header,
    trailer,
    message: fromBinary(request.method.output, message),
  };
}

function decodeMessage(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The gRPC spec's mapping for an answer without grpc-status (a proxy or a door that is not gRPC). */
function codeOfHttpStatus(status: number): Code {
  switch (status) {
    case 400:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
}

const { constants: h2 } = http2;
const RESET_CODES = new Map<number, Code>([
  [h2.NGHTTP2_PROTOCOL_ERROR, Code.Internal],
  [h2.NGHTTP2_INTERNAL_ERROR, Code.Internal],
  [h2.NGHTTP2_FLOW_CONTROL_ERROR, Code.Internal],
  [h2.NGHTTP2_SETTINGS_TIMEOUT, Code.Internal],
  [h2.NGHTTP2_FRAME_SIZE_ERROR, Code.Internal],
  [h2.NGHTTP2_COMPRESSION_ERROR, Code.Internal],
  [h2.NGHTTP2_CONNECT_ERROR, Code.Internal],
  // The server did not process it (it was closing): safe to send again.
  [h2.NGHTTP2_REFUSED_STREAM, Code.Unavailable],
  [h2.NGHTTP2_CANCEL, Code.Canceled],
  [h2.NGHTTP2_ENHANCE_YOUR_CALM, Code.ResourceExhausted],
  [h2.NGHTTP2_INADEQUATE_SECURITY, Code.PermissionDenied],
  [h2.NGHTTP2_HTTP_1_1_REQUIRED, Code.PermissionDenied],
]);

/** gRPC's mapping of an HTTP/2 reset (connect-node's too). */
function errorOfReset(rstCode: number | undefined): ConnectError | undefined {
  const code = rstCode === undefined ? undefined : RESET_CODES.get(rstCode);
  return code === undefined ? undefined : new ConnectError(`http/2 stream closed with error code ${rstCode}`, code);
}

const UNAVAILABLE_CAUSES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
const ABORTED_CAUSES = new Set(['ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_HTTP2_INVALID_STREAM']);

/**
 * A failed connection or stream, classified by the error's causes as connect-node does (a refused connection is
 * Unavailable), else by the stream's reset code (a refused stream is Unavailable too).
 */
function connectErrorOf(error: unknown, rstCode?: number): ConnectError {
  const codes: string[] = [];
  // Not `instanceof Error`: node's own errors may come from another realm (a vm context, as under jest).
  for (let cause: unknown = error; typeof cause === 'object' && cause !== null && codes.length < 8; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string') codes.push(code);
  }
  const byCause = codes.some((name) => UNAVAILABLE_CAUSES.has(name)) ? Code.Unavailable : codes.some((name) => ABORTED_CAUSES.has(name)) ? Code.Aborted : undefined;
  const code = byCause ?? errorOfReset(rstCode)?.code ?? Code.Internal;
  const connectError = ConnectError.from(error, code);
  if (connectError !== error) connectError.cause = error;
  return connectError;
}
