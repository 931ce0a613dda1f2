import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { AppCommandSchema } from '@megatron/contracts';
import { appCommandStream, ensureStream, NatsLink, createLogger, publishProto, streamNames, type NatsClients } from '@megatron/runtime';
import { natsNamespace, repoRoot, startService, TEST_SERVICE_TOKEN, waitFor, type ServiceProcess } from '@megatron/testkit';
import { startReceiver, type Receiver } from './support/receiver.js';
import { commandFor, newSecret } from './support/notifier-harness.js';
import { startTenantSettingsPeer, type TenantSettingsPeer } from './support/tenant-settings-peer.js';

const namespace = natsNamespace();
let peer: TenantSettingsPeer;
let receiver: Receiver;
let service: ServiceProcess;
let link: NatsLink;
let nats: NatsClients;

beforeAll(async () => {
  peer = await startTenantSettingsPeer();
  receiver = await startReceiver();
  peer.endpoints.set('org-process', { commandUrl: receiver.url, webhookSecrets: [newSecret()], verificationToken: 'legacy', disabled: false });
  const natsUrl = process.env.NATS_URL;
  if (!natsUrl) throw new Error('NATS_URL is not set: the jest global setup should have provided NATS');
  link = new NatsLink(natsUrl, 'app-notifier-process-test', createLogger('test', 'silent'));
  nats = await link.ready;
  service = await startService('app-notifier', {
    NATS_NAMESPACE: namespace,
    COMMAND_CORE_GRPC_URL: peer.url,
    MEGATRON_APP_MODE: 'megatron-dev',
    MEGATRON_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    APP_COMMAND_RETRY_SCHEDULE: '100ms',
    LOG_LEVEL: 'info',
  });
});

afterAll(async () => {
  await service?.stop();
  const names = streamNames(namespace);
  await nats.jsm.streams.delete(names.appCommands.stream).catch(() => false);
  await nats.jsm.streams.delete(names.appDeadLetters.stream).catch(() => false);
  await link.close();
  await receiver.close();
  await peer.close();
});

describe('the app-notifier process', () => {
  it('delivers a command published by command-core and reports it in /metrics', async () => {
    await ensureStream(nats.jsm, appCommandStream(namespace, 1));
    const command = commandFor('org-process', { case: 'pause', value: { channelId: 'D1', teamId: 'T1', userId: 'U1', paused: true } });
    await publishProto(nats.js, streamNames(namespace).appCommands.subject('org-process'), AppCommandSchema, command, { msgId: command.id });

    await waitFor(async () => receiver.requests.length === 1, { what: 'the delivered command' });
    expect(receiver.requests[0]?.headers['webhook-id']).toBe(command.id);
    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${service.httpUrl}/metrics`)).text();
      return text.includes('app_command_deliveries_total{command="pause",outcome="delivered"') && text;
    }, { what: 'the delivery metric' });
    expect(metrics).toMatch(/app_command_request_seconds_count\{service="app-notifier",command="pause"\} 1/);
    expect(service.output()).not.toContain('legacy');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exit = await service.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('refuses to start with one line naming a bad variable', () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot(), 'services/app-notifier/dist/main.js')], {
      env: { ...process.env, APP_COMMAND_RETRY_SCHEDULE: '5s,soon' },
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('invalid configuration: APP_COMMAND_RETRY_SCHEDULE: "soon" is not a duration like 100ms, 5s, 2m or 1h\n');
  });
});
