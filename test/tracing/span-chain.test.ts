import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_NAMES, startOtlpReceiver, waitFor, type OtlpReceiver, type ReceivedSpan, type ServiceName } from '@megatron/testkit';
import type { Customer, Sandbox, Story } from '@megatron/sandbox';
import { startE2eWorld, type E2eWorld } from '../e2e/world.js';

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length']);

/** Stands between app-notifier and the example bot: passes every request on and keeps its headers. */
async function startAppTap() {
  const seen: http.IncomingHttpHeaders[] = [];
  let target = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push(req.headers);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = String(value);
      fetch(`${target}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    forwardTo: (url: string) => void (target = url),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// W3C Trace Context: version-traceid-parentid-flags.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

type Hop = Pick<ReceivedSpan, 'service' | 'kind' | 'name'>;

/** From a span up to the root of its trace, following parent links only. */
function ancestry(spans: ReceivedSpan[], leaf: ReceivedSpan): ReceivedSpan[] {
  const byId = new Map(spans.filter((span) => span.traceId === leaf.traceId).map((span) => [span.spanId, span]));
  const chain = [leaf];
  for (let parent = byId.get(leaf.parentSpanId); parent !== undefined; parent = byId.get(parent.parentSpanId)) chain.push(parent);
  return chain;
}

const hops = (chain: ReceivedSpan[]): Hop[] => chain.map(({ service, kind, name }) => ({ service, kind, name }));

// Every real process, real NATS and gRPC, each service exporting to a collector on loopback.
describe('one Slack event is one trace across every service', () => {
  let receiver: OtlpReceiver;
  let tap: Awaited<ReturnType<typeof startAppTap>>;
  let world: E2eWorld;
  let sandbox: Sandbox;
  let story: Story;
  let phil: Customer;
  let channel: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tap = await startAppTap();
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    const extraEnv: Partial<Record<ServiceName, Record<string, string>>> = Object.fromEntries(SERVICE_NAMES.map((name) => [name, tracing]));
    // command-core logs each settled Command at debug (the line that must carry the trace id), and sends
    // the organization's app commands through the tap.
    extraEnv['command-core'] = { ...tracing, LOG_LEVEL: 'debug', BOOTSTRAP_COMMAND_URL: `${tap.url}/megatron/commands` };
    world = await startE2eWorld(extraEnv);
    ({ sandbox, story } = world);
    tap.forwardTo(sandbox.urls.bot);
    phil = story.customer('globex', 'phil');
    await story.customerSays(phil, 'Hello, is anyone there?');
    await story.waitForText(await story.dmOf(phil), 'I can help with');
    channel = await story.openEngagement(story.alice, phil);
    // The agent's message goes out with the bot still answering (the pause comes later, traced on its own).
    const { organizations } = await sandbox.api.admin.listOrganizations({});
    await sandbox.api.admin.updateOrganization({ organizationId: organizations.find((organization) => organization.name === 'Acme')?.id ?? '', takeoverMode: 'send-and-warn' });
  }, 90_000);

  afterAll(async () => {
    await world?.close();
    await tap?.close();
    await receiver?.close();
  }, 30_000);

  it("an agent's message is one trace from the signed Slack event to the simulator's chat.postMessage, and the logs carry its id", async () => {
    const { eventId } = await story.agentWrites(story.alice, channel, 'Tracing this one through');
    await story.waitForText(await story.dmOf(phil), 'Tracing this one through');

    const published = await waitFor(
      async () => receiver.spans.find((span) => span.kind === 'producer' && span.attributes['messaging.message.id'] === `event:${eventId}`),
      { what: "the interpreter's publish span of the agent's event", timeoutMs: 10_000 },
    );
    const post = await waitFor(
      async () =>
        receiver.spans.find(
          (span) => span.traceId === published.traceId && span.name === 'chat.postMessage' && ancestry(receiver.spans, span).at(-1)?.parentSpanId === '',
        ),
      { what: 'a chat.postMessage span joined to the root of that trace', timeoutMs: 10_000 },
    );
    const chain = ancestry(receiver.spans, post);
    expect(hops(chain)).toEqual([
      { service: 'connection-slack', kind: 'client', name: 'chat.postMessage' },
      { service: 'connection-slack', kind: 'server', name: 'megatron.v1.SlackConnectionService/PostMessage' },
      { service: 'command-core', kind: 'client', name: 'megatron.v1.SlackConnectionService/PostMessage' },
      { service: 'command-core', kind: 'consumer', name: 'process megatron.v1.Command' },
      { service: 'interpreter-slack', kind: 'producer', name: 'publish megatron.v1.Command' },
      { service: 'interpreter-slack', kind: 'server', name: 'POST /megatron/slack/event' },
    ]);
    expect(chain[4]).toBe(published);
    // The last hop is the call to the simulator itself.
    const sim = new URL(sandbox.sim.apiUrl);
    expect(post.attributes).toMatchObject({ 'server.address': sim.hostname, 'server.port': Number(sim.port) });

    const settled = (sandbox.services.get('command-core')?.output() ?? '')
      .split('\n')
      .filter((line) => line.includes(`"commandId":"event:${eventId}"`) && line.includes('command settled'));
    expect(settled.length).toBeGreaterThan(0);
    for (const line of settled) expect(JSON.parse(line)).toMatchObject({ trace_id: published.traceId });
  });

  it('an app command continues the trace through JetStream and app-notifier to the app, which receives its traceparent', async () => {
    const earlier = new Set(receiver.spans);
    const earlierRequests = tap.seen.length;
    await story.agentRuns(story.alice, channel, 'pause');
    await waitFor(async () => sandbox.bot.state.isPaused(phil.home.workspace.id, phil.user.id), { what: 'the bot to be paused' });

    // Opening the engagement already asked the app a question (search_user, over gRPC); pause is queued.
    const toApp = await waitFor(
      async () => receiver.spans.find((span) => !earlier.has(span) && span.service === 'app-notifier' && span.name === 'POST command_url'),
      { what: "app-notifier's POST of the pause command", timeoutMs: 10_000 },
    );
    expect(toApp.attributes['http.response.status_code']).toBe(200);
    const chain = await waitFor(
      async () => {
        const found = ancestry(receiver.spans, toApp);
        return found.at(-1)?.parentSpanId === '' && found;
      },
      { what: 'the POST joined to the root of its trace', timeoutMs: 10_000 },
    );
    expect(hops(chain)).toEqual([
      { service: 'app-notifier', kind: 'client', name: 'POST command_url' },
      { service: 'app-notifier', kind: 'consumer', name: 'process megatron.v1.AppCommand' },
      { service: 'command-core', kind: 'producer', name: 'publish megatron.v1.AppCommand' },
      { service: 'command-core', kind: 'consumer', name: 'process megatron.v1.Command' },
      { service: 'interpreter-slack', kind: 'producer', name: 'publish megatron.v1.Command' },
      { service: 'interpreter-slack', kind: 'server', name: 'POST /megatron/slack/slash-command' },
    ]);
    const arrived = tap.seen.slice(earlierRequests).find((headers) => headers['webhook-id'] === toApp.attributes['megatron.webhook_id']);
    expect(TRACEPARENT.exec(String(arrived?.traceparent))?.slice(1)).toEqual([toApp.traceId, toApp.spanId]);
  });
});
