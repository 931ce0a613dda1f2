import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, createContextKey, type Client, type Interceptor, type Transport } from '@connectrpc/connect';
import { compressionGzip, connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { Health, HealthCheckRequestSchema, HealthCheckResponse_ServingStatus as Status, HealthCheckResponseSchema } from '@megatron/contracts';
import { envelope } from '../src/grpc-envelope.js';
import { leanGrpcServer, type ServiceRegistry } from '../src/lean-grpc-server.js';
import { createLogger } from '../src/logger.js';

// The same Health implementation and interceptor served by connect-node and by the lean server; a connect-node
// client (as any gRPC client would) must not be able to tell them apart.
const callerKey = createContextKey<string>('nobody');
const aborted: string[] = [];

const routes = (registry: ServiceRegistry) =>
  registry.service(Health, {
    async check(request, context) {
      context.responseHeader.set('x-seen-caller', context.values.get(callerKey));
      context.responseTrailer.set('x-deadline', context.timeoutMs() === undefined ? 'none' : 'set');
      switch (request.service) {
        case 'refuse':
          throw new ConnectError('channel 100% gone: é', Code.FailedPrecondition, { 'x-megatron-slack-error': 'channel_not_found' });
        case 'broken':
          throw new Error('a bug with a secret in it');
        case 'slow':
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 1_000);
            context.signal.addEventListener('abort', () => {
              clearTimeout(timer);
              aborted.push(String((context.signal.reason as ConnectError).code));
              resolve();
            });
          });
          return create(HealthCheckResponseSchema, { status: Status.SERVING });
        default:
          return { status: request.service.length > 0 ? Status.NOT_SERVING : Status.SERVING };
      }
    },
    async *watch(request, context) {
      context.responseHeader.set('x-watch', 'yes');
      yield { status: Status.SERVING };
      if (request.service === 'broken') throw new ConnectError('gone mid-stream', Code.Unavailable);
      yield create(HealthCheckResponseSchema, { status: Status.NOT_SERVING });
    },
  });

const interceptor: Interceptor = (next) => (req) => {
  if (req.header.get('x-refuse') !== null) throw new ConnectError('refused by the interceptor', Code.Unauthenticated);
  req.contextValues.set(callerKey, req.header.get('x-caller') ?? 'anonymous');
  return next(req);
};

const MAX_MESSAGE_BYTES = 256;

async function listen(server: http2.Http2Server): Promise<{ url: string; close(): Promise<void> }> {
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        sessions.forEach((session) => session.destroy());
      }),
  };
}

type Outcome = Record<string, unknown>;

async function checkOutcome(client: Client<typeof Health>, service: string, options: { timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<Outcome> {
  const seen: Outcome = {};
  try {
    const response = await client.check({ service }, { ...options, onHeader: (header) => (seen.caller = header.get('x-seen-caller')), onTrailer: (trailer) => (seen.deadline = trailer.get('x-deadline')) });
    return { status: response.status, ...seen };
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    return { code: Code[error.code], message: error.rawMessage, slackError: error.metadata.get('x-megatron-slack-error') };
  }
}

async function watchOutcome(client: Client<typeof Health>, service: string): Promise<Outcome> {
  const statuses: Status[] = [];
  let header: string | null = null;
  try {
    for await (const response of client.watch({ service }, { onHeader: (received) => (header = received.get('x-watch')) })) statuses.push(response.status);
    return { statuses, header };
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    return { statuses, header, code: Code[error.code], message: error.rawMessage };
  }
}

describe('the lean gRPC server', () => {
  const logger = createLogger('lean-grpc-server-test', 'silent');
  let lean: { url: string; close(): Promise<void> };
  let connect: { url: string; close(): Promise<void> };
  const clientOf = (url: string, transport: Partial<Parameters<typeof createGrpcTransport>[0]> = {}): Client<typeof Health> =>
    createClient(Health, createGrpcTransport({ baseUrl: url, ...transport }) as Transport);

  beforeAll(async () => {
    lean = await listen(leanGrpcServer({ routes, interceptors: [interceptor], maxMessageBytes: MAX_MESSAGE_BYTES, logger }));
    connect = await listen(http2.createServer(connectNodeAdapter({ routes, interceptors: [interceptor], readMaxBytes: MAX_MESSAGE_BYTES })));
  });

  afterAll(async () => {
    await Promise.all([lean.close(), connect.close()]);
  });

  it("answers, refuses and fails as connect-node's server does: codes, messages, headers, trailers and metadata", async () => {
    const cases: Array<[string, { timeoutMs?: number; headers?: Record<string, string> }]> = [
      ['', { headers: { 'x-caller': 'command-core' } }],
      ['', { timeoutMs: 5_000 }],
      ['someone', {}],
      ['refuse', {}],
      ['broken', {}],
      ['', { headers: { 'x-refuse': '1' } }],
      ['slow', { timeoutMs: 150 }],
      ['x'.repeat(MAX_MESSAGE_BYTES + 10), {}],
    ];
    for (const [service, options] of cases) {
      const [fromLean, fromConnect] = await Promise.all([checkOutcome(clientOf(lean.url), service, options), checkOutcome(clientOf(connect.url), service, options)]);
      expect({ service: service.slice(0, 20), options, ...fromLean }).toEqual({ service: service.slice(0, 20), options, ...fromConnect });
    }
    expect(await checkOutcome(clientOf(lean.url), 'broken')).toEqual({ code: 'Internal', message: 'internal error', slackError: null });
    expect(await checkOutcome(clientOf(lean.url), '', { headers: { 'x-caller': 'command-core' }, timeoutMs: 5_000 })).toEqual({ status: Status.SERVING, caller: 'command-core', deadline: 'set' });
  });

  it('reads gzip-compressed requests, and refuses an encoding it does not know', async () => {
    const gzip = { sendCompression: compressionGzip, compressMinBytes: 0 };
    expect(await checkOutcome(clientOf(lean.url, gzip), 'compressed')).toEqual(await checkOutcome(clientOf(connect.url, gzip), 'compressed'));
    expect(await checkOutcome(clientOf(lean.url, gzip), 'compressed')).toEqual({ status: Status.NOT_SERVING, caller: 'anonymous', deadline: 'none' });
    const answer = await rawCall(lean.url, { 'grpc-encoding': 'snappy' });
    expect(answer.headers['grpc-status']).toBe(String(Code.Unimplemented));
  });

  it('streams server-streaming answers, an error mid-stream included', async () => {
    for (const service of ['', 'broken']) {
      expect(await watchOutcome(clientOf(lean.url), service)).toEqual(await watchOutcome(clientOf(connect.url), service));
    }
    expect(await watchOutcome(clientOf(lean.url), '')).toEqual({ statuses: [Status.SERVING, Status.NOT_SERVING], header: 'yes' });
  });

  it('aborts the handler\'s signal at the deadline and when the caller goes away', async () => {
    aborted.length = 0;
    // By hand: a client enforcing the same deadline could give up (a cancel) before the server's timer fires.
    const slow = envelope(toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service: 'slow' })));
    const answer = await rawCall(lean.url, { 'grpc-timeout': '100m' }, slow);
    expect(answer.headers['grpc-status']).toBe(String(Code.DeadlineExceeded));
    const controller = new AbortController();
    const pending = clientOf(lean.url).check({ service: 'slow' }, { signal: controller.signal }).catch((error: unknown) => error);
    setTimeout(() => controller.abort(), 100);
    expect(((await pending) as ConnectError).code).toBe(Code.Canceled);
    const deadline = Date.now() + 2_000;
    while (aborted.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(aborted).toEqual([String(Code.DeadlineExceeded), String(Code.Canceled)]);
  });

  it('answers an unknown method Unimplemented, a GET 405 and a non-gRPC content type 415', async () => {
    expect((await rawCall(lean.url, { ':path': '/grpc.health.v1.Health/Nope' })).headers['grpc-status']).toBe(String(Code.Unimplemented));
    expect((await rawCall(lean.url, { ':method': 'GET' })).headers[':status']).toBe(405);
    expect((await rawCall(lean.url, { 'content-type': 'application/json' })).headers[':status']).toBe(415);
  });
});

/** One request by hand, for what a connect client will not send. */
function rawCall(url: string, headers: http2.OutgoingHttpHeaders, body: Buffer = Buffer.from([0, 0, 0, 0, 0])): Promise<{ headers: http2.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers', ...headers }, { endStream: false });
    let received: http2.IncomingHttpHeaders = {};
    stream.on('response', (response) => (received = response));
    stream.on('error', reject);
    stream.on('close', () => {
      session.close();
      resolve({ headers: received });
    });
    stream.resume();
    stream.end(body);
  });
}
