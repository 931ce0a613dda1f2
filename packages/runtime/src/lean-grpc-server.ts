import http2 from 'node:http2';
import { create, fromBinary, isMessage, toBinary, type DescMessage, type DescMethod, type DescService } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createContextValues,
  createServiceImplSpec,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
  type ServiceImpl,
  type StreamRequest,
  type StreamResponse,
  type UnaryRequest,
  type UnaryResponse,
} from '@connectrpc/connect';
import { contentTypeProto, parseContentType, parseTimeout, setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { ENVELOPE_HEADER_BYTES, envelope, singleMessage } from './grpc-envelope.js';
import type { Logger } from './logger.js';
import { headersFromNode } from './node-headers.js';

/** What route registration needs of a router; connect's ConnectRouter is one too. */
export interface ServiceRegistry {
  service<T extends DescService>(service: T, implementation: Partial<ServiceImpl<T>>): unknown;
}

export interface LeanGrpcServerOptions {
  routes: (registry: ServiceRegistry) => void;
  interceptors: Interceptor[];
  /** Largest request message, before and after decompression. */
  maxMessageBytes: number;
  logger: Logger;
}

const ACCEPTED_ENCODINGS = 'gzip';

type AnyRequest = UnaryRequest<DescMessage, DescMessage> | StreamRequest<DescMessage, DescMessage>;
type AnyResponse = UnaryResponse<DescMessage, DescMessage> | StreamResponse<DescMessage, DescMessage>;

/**
 * The internal ports' gRPC server: unary and server-streaming methods over h2c, answered straight from the
 * HTTP/2 stream. connect-node's server spends about half of connection-slack's RPC CPU on per-call machinery
 * (linked abort controllers aborted with a `DOMException` after every call, async iterables for one message,
 * the HTTP/1-style compatibility objects); this serves the same wire protocol without it. Semantics are connect's
 * gRPC handler's: interceptors run around the implementation, a thrown ConnectError is the status (its metadata
 * in the trailers), any other error is `internal error`, `grpc-timeout` bounds the call (DeadlineExceeded) and the
 * context's signal aborts when the deadline passes or the caller goes away, gzip requests are read. Only the
 * protobuf codec is served: internal callers never send JSON.
 */
export function leanGrpcServer(options: LeanGrpcServerOptions): http2.Http2Server {
  const methods = new Map<string, MethodImplSpec>();
  options.routes({
    service(service, implementation) {
      const spec = createServiceImplSpec(service, implementation);
      for (const method of Object.values(spec.methods)) methods.set(`/${service.typeName}/${method.method.name}`, method);
    },
  });
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    // Writes after the caller reset the stream fail here; the call's outcome is already decided.
    stream.on('error', () => undefined);
    if (headers[':method'] !== 'POST') return plainAnswer(stream, 405);
    if (!parseContentType(headers['content-type'] ?? null)?.binary) return plainAnswer(stream, 415);
    const path = headers[':path'] ?? '';
    const spec = methods.get(path);
    const call = new Call(stream, headers, options.logger);
    if (spec) call.run(spec, options);
    else call.fail(new ConnectError(`${path} is not implemented`, Code.Unimplemented));
  });
  return server;
}

function plainAnswer(stream: http2.ServerHttp2Stream, status: number): void {
  stream.respond({ ':status': status }, { endStream: true });
  // The request body is not read, but the stream only closes once it has arrived.
  stream.resume();
}

/** One call on its HTTP/2 stream; answers exactly once. */
class Call {
  private answered = false;
  private controller: AbortController | undefined;
  private abortReason: ConnectError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private deadline: number | undefined;
  readonly responseHeader = new Headers({ 'content-type': contentTypeProto });
  readonly responseTrailer = new Headers();

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly headers: http2.IncomingHttpHeaders,
    private readonly logger: Logger,
  ) {}

  /** Made on first use: most calls finish without anyone asking for it, and never abort it. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  private abort(reason: ConnectError): void {
    if (this.abortReason) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  run(spec: MethodImplSpec, options: LeanGrpcServerOptions): void {
    const encoding = this.headers['grpc-encoding'];
    if (encoding !== undefined && encoding !== 'identity' && encoding !== 'gzip') {
      return this.fail(new ConnectError(`server does not support ${String(encoding)}`, Code.Unimplemented));
    }
    if (spec.kind === 'client_streaming' || spec.kind === 'bidi_streaming') {
      return this.fail(new ConnectError(`${spec.method.name}: streaming requests are not served on this port`, Code.Unimplemented));
    }
    const timeout = parseTimeout(typeof this.headers['grpc-timeout'] === 'string' ? this.headers['grpc-timeout'] : null, Number.MAX_SAFE_INTEGER);
    if (timeout.error) return this.fail(timeout.error);
    if (timeout.timeoutMs !== undefined) {
      this.deadline = Date.now() + timeout.timeoutMs;
      this.timer = setTimeout(() => {
        const error = new ConnectError('the operation timed out', Code.DeadlineExceeded);
        this.abort(error);
        this.fail(error);
      }, timeout.timeoutMs);
    }
    this.stream.once('close', () => {
      clearTimeout(this.timer);
      if (!this.answered || spec.kind === 'server_streaming') this.abort(new ConnectError('the caller went away', Code.Canceled));
    });
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = false;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.byteLength;
      if (received < ENVELOPE_HEADER_BYTES) return;
      // Refused on the declared size (or on bytes beyond it), before the rest of the message is read.
      const declared = (chunks.length === 1 ? chunk : Buffer.concat(chunks)).readUInt32BE(1);
      if (declared <= options.maxMessageBytes && received <= ENVELOPE_HEADER_BYTES + options.maxMessageBytes) return;
      tooLarge = true;
      this.stream.off('data', onData);
      this.fail(new ConnectError(`message size ${declared} is larger than configured readMaxBytes ${options.maxMessageBytes}`, Code.ResourceExhausted));
      this.stream.close(http2.constants.NGHTTP2_NO_ERROR);
    };
    this.stream.on('data', onData);
    this.stream.once('end', () => {
      if (this.answered || tooLarge) return;
      this.invoke(spec, options, Buffer.concat(chunks, received)).catch((error: unknown) => this.fail(this.statusOf(error, spec.method)));
    });
  }

  private async invoke(spec: MethodImplSpec, options: LeanGrpcServerOptions, body: Buffer): Promise<void> {
    const method = spec.method;
    const input = fromBinary(method.input, singleMessage(body, { what: `input message for ${spec.kind === 'unary' ? 'unary' : 'server-streaming'} method`, gzip: this.headers['grpc-encoding'] === 'gzip', maxBytes: options.maxMessageBytes }));
    const call = this;
    // Built field by field: a spread would read the signal getter and make the controller for every call.
    const request = {
      service: method.parent,
      method: spec.method,
      requestMethod: 'POST',
      url: this.headers[':path'] ?? '',
      header: headersFromNode(this.headers),
      contextValues: createContextValues(),
      get signal() {
        return call.signal;
      },
      stream: spec.kind !== 'unary',
      message: spec.kind === 'unary' ? input : single(input),
    } as AnyRequest;
    const contextOf = (req: AnyRequest): HandlerContext => ({
      service: method.parent,
      method,
      requestMethod: 'POST',
      protocolName: 'grpc',
      url: req.url,
      requestHeader: req.header,
      responseHeader: this.responseHeader,
      responseTrailer: this.responseTrailer,
      values: req.contextValues,
      timeoutMs: () => (this.deadline === undefined ? undefined : this.deadline - Date.now()),
      get signal() {
        return req.signal;
      },
    });
    const implementation = async (req: AnyRequest): Promise<AnyResponse> => {
      const answer = { service: method.parent, method, header: this.responseHeader, trailer: this.responseTrailer };
      if (spec.kind === 'unary' && !req.stream) {
        return { ...answer, stream: false, message: normalize(method.output, await spec.impl(req.message, contextOf(req))) } as AnyResponse;
      }
      if (spec.kind === 'server_streaming' && req.stream) {
        const [first] = await collect(req.message);
        const outputs = spec.impl(first as never, contextOf(req));
        return { ...answer, stream: true, message: normalizeAll(method.output, outputs) } as AnyResponse;
      }
      throw new ConnectError(`${method.name}: unsupported method kind`, Code.Unimplemented);
    };
    const intercepted = options.interceptors.reduceRight<(req: AnyRequest) => Promise<AnyResponse>>((next, interceptor) => interceptor(next as never) as never, implementation);
    const response = await intercepted(request);
    copyHeaders(response.header, this.responseHeader);
    if (response.stream) return this.sendStream(method, response);
    copyHeaders(response.trailer, this.responseTrailer);
    this.succeed(method, response.message);
  }

  private succeed(method: DescMethod, message: unknown): void {
    if (this.answered) return;
    this.answered = true;
    clearTimeout(this.timer);
    this.responseTrailer.set('grpc-status', '0');
    this.stream.respond(nodeHeaders(this.responseHeader, { ':status': 200 }), { waitForTrailers: true });
    this.stream.once('wantTrailers', () => this.stream.sendTrailers(nodeHeaders(this.responseTrailer)));
    this.stream.end(envelope(toBinary(method.output, message as never)));
  }

  private async sendStream(method: DescMethod, response: StreamResponse<DescMessage, DescMessage>): Promise<void> {
    const outputs = response.message[Symbol.asyncIterator]();
    // The first message first, so the implementation can still add headers.
    let next = await outputs.next();
    if (this.answered) return void (await outputs.return?.());
    this.answered = true;
    this.stream.respond(nodeHeaders(this.responseHeader, { ':status': 200 }), { waitForTrailers: true });
    let failure: ConnectError | undefined;
    try {
      while (!next.done && !this.stream.closed) {
        if (!this.stream.write(envelope(toBinary(method.output, next.value as never)))) await new Promise((resolve) => this.stream.once('drain', resolve));
        next = await outputs.next();
      }
    } catch (error) {
      failure = this.statusOf(error, method);
    } finally {
      clearTimeout(this.timer);
      if (!next.done) await outputs.return?.();
    }
    copyHeaders(response.trailer, this.responseTrailer);
    if (failure) setTrailerStatus(this.responseTrailer, failure);
    else this.responseTrailer.set('grpc-status', '0');
    if (this.stream.closed) return;
    this.stream.once('wantTrailers', () => this.stream.sendTrailers(nodeHeaders(this.responseTrailer)));
    this.stream.end();
  }

  /** A ConnectError is the status it names; anything else is a bug, logged here and answered `internal error`. */
  private statusOf(error: unknown, method: DescMethod): ConnectError {
    if (error instanceof ConnectError) return error;
    this.logger.error({ err: error, method: `${method.parent.typeName}/${method.name}` }, 'internal call failed');
    return new ConnectError('internal error', Code.Internal, undefined, undefined, error);
  }

  /** A trailers-only answer: the status and the error's metadata in the one HEADERS frame. */
  fail(error: ConnectError): void {
    if (this.answered) return;
    this.answered = true;
    clearTimeout(this.timer);
    if (this.stream.closed || this.stream.headersSent) return;
    const trailer = new Headers(this.responseTrailer);
    setTrailerStatus(trailer, error);
    if (error.code === Code.Unimplemented || error.code === Code.ResourceExhausted) trailer.set('grpc-accept-encoding', ACCEPTED_ENCODINGS);
    this.stream.respond(nodeHeaders(trailer, nodeHeaders(this.responseHeader, { ':status': 200 })), { endStream: true });
    this.stream.resume();
  }
}

function nodeHeaders(headers: Headers, into: http2.OutgoingHttpHeaders = {}): http2.OutgoingHttpHeaders {
  headers.forEach((value, key) => {
    into[key] = value;
  });
  return into;
}

function copyHeaders(from: Headers, to: Headers): void {
  if (from === to) return;
  from.forEach((value, key) => to.set(key, value));
}

function normalize(schema: DescMessage, output: unknown): unknown {
  return isMessage(output, schema) ? output : create(schema, output as never);
}

async function* normalizeAll(schema: DescMessage, outputs: AsyncIterable<unknown>): AsyncIterable<never> {
  for await (const output of outputs) yield normalize(schema, output) as never;
}

async function* single<T>(value: T): AsyncIterable<T> {
  yield value;
}

async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const value of values) all.push(value);
  return all;
}
