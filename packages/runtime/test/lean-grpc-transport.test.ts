import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { Health, HealthCheckResponse_ServingStatus as Status, HealthCheckResponseSchema } from '@megatron/contracts';
import { createLeanGrpcTransport } from '../src/lean-grpc-transport.js';

// A Health service whose request names what it should do, served by connect-node as every Megatron service serves.
interface RunningServer {
  url: string;
  port: number;
  seen: { timeoutMs: number | undefined; caller: string | null }[];
  close(): Promise<void>;
}

function startServer(port = 0): Promise<RunningServer> {
  const seen: { timeoutMs: number | undefined; caller: string | null }[] = [];
  const handler = connectNodeAdapter({
    routes: (router) =>
      router.service(Health, {
        async check(request, context) {
          seen.push({ timeoutMs: context.timeoutMs(), caller: context.requestHeader.get('x-caller') });
          switch (request.service) {
            case 'refuse':
              throw new ConnectError('channel 100% gone: é', Code.FailedPrecondition, { 'x-megatron-slack-error': 'channel_not_found' });
            case 'slow':
              await new Promise((resolve) => setTimeout(resolve, 1_000));
              return create(HealthCheckResponseSchema, { status: Status.SERVING });
            case 'broken':
              throw new Error('a bug');
            default:
              return create(HealthCheckResponseSchema, { status: Status.SERVING });
          }
        },
        list: () => ({}),
        async *watch() {
          yield create(HealthCheckResponseSchema, { status: Status.NOT_SERVING });
        },
      }),
  });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Sessions the clients keep alive would hold close() open.
      sessions.forEach((session) => session.destroy());
    });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({ url: `http://127.0.0.1:${bound}`, port: bound, seen, close });
    }),
  );
}


const callerHeader: Interceptor = (next) => (req) => {
  req.header.set('x-caller', 'command-core');
  return next(req);
};

async function outcomeOf(client: Client<typeof Health>, service: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  try {
    const response = await client.check({ service }, options);
    return { status: response.status };
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    return { code: error.code, message: error.rawMessage, slackError: error.metadata.get('x-megatron-slack-error') };
  }
}

describe('the lean gRPC transport', () => {
  let running: RunningServer;
  let lean: Client<typeof Health>;
  let connect: Client<typeof Health>;

  beforeAll(async () => {
    running = await startServer();
    lean = createClient(Health, createLeanGrpcTransport({ baseUrl: running.url, interceptors: [callerHeader] }));
    connect = createClient(Health, createGrpcTransport({ baseUrl: running.url, interceptors: [callerHeader] }));
  });

  afterAll(async () => {
    await running.close();
  });

  it("answers, refuses and fails exactly as connect-node's transport does, metadata included", async () => {
    for (const service of ['', 'refuse', 'broken', 'slow']) {
      const [leanOutcome, connectOutcome] = await Promise.all([outcomeOf(lean, service, { timeoutMs: 300 }), outcomeOf(connect, service, { timeoutMs: 300 })]);
      expect({ service, ...leanOutcome }).toEqual({ service, ...connectOutcome });
    }
    expect(await outcomeOf(lean, 'refuse')).toEqual({ code: Code.FailedPrecondition, message: 'channel 100% gone: é', slackError: 'channel_not_found' });
    expect(await outcomeOf(lean, 'slow', { timeoutMs: 200 })).toEqual({ code: Code.DeadlineExceeded, message: 'the operation timed out', slackError: null });
  });

  it('runs the interceptors around the call and tells the server the deadline', async () => {
    running.seen.length = 0;
    await lean.check({ service: '' }, { timeoutMs: 5_000 });
    await lean.check({ service: '' });
    expect(running.seen.map((call) => call.caller)).toEqual(['command-core', 'command-core']);
    expect(running.seen[0]!.timeoutMs).toBeGreaterThan(4_000);
    expect(running.seen[0]!.timeoutMs).toBeLessThanOrEqual(5_000);
    expect(running.seen[1]!.timeoutMs).toBeUndefined();
  });

  it('ends an aborted call with Canceled, and the next call still goes through', async () => {
    const controller = new AbortController();
    const pending = outcomeOf(lean, 'slow', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await pending).code).toBe(Code.Canceled);
    const already = new AbortController();
    already.abort();
    expect((await outcomeOf(lean, '', { signal: already.signal })).code).toBe(Code.Canceled);
    expect(await outcomeOf(lean, '')).toEqual({ status: Status.SERVING });
  });

  it('says Unavailable while nothing listens, and reconnects once the server is back on its port', async () => {
    const own = await startServer();
    const client = createClient(Health, createLeanGrpcTransport({ baseUrl: own.url, interceptors: [] }));
    expect(await outcomeOf(client, '')).toEqual({ status: Status.SERVING });
    await own.close();
    // The first call may meet the closing connection (a refused stream), the second finds no listener at all.
    expect((await outcomeOf(client, '')).code).toBe(Code.Unavailable);
    expect((await outcomeOf(client, '')).code).toBe(Code.Unavailable);
    const back = await startServer(own.port);
    try {
      expect(await outcomeOf(client, '')).toEqual({ status: Status.SERVING });
    } finally {
      await back.close();
    }
  });

  it("hands streaming calls to connect-node's transport", async () => {
    const statuses: Status[] = [];
    for await (const response of lean.watch({ service: '' })) statuses.push(response.status);
    expect(statuses).toEqual([Status.NOT_SERVING]);
  });
});
