import { Kvm } from '@nats-io/kv';
import { natsNamespace, waitFor } from '@megatron/testkit';
import { createLogger, EngagementDirectory, NatsLink, type NatsClients } from '@megatron/runtime';

const logger = createLogger('directory-test', 'silent');

describe('engagement directory', () => {
  let link: NatsLink;
  let clients: NatsClients;
  let namespace: string;
  const opened: EngagementDirectory[] = [];

  const open = async () => {
    const directory = await EngagementDirectory.open(clients.nc, namespace, 1);
    opened.push(directory);
    return directory;
  };

  beforeEach(async () => {
    link = new NatsLink(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'directory-test', logger);
    clients = await link.ready;
    namespace = natsNamespace();
  });

  afterEach(async () => {
    for (const directory of opened.splice(0)) directory.close();
    await new Kvm(clients.nc).open(EngagementDirectory.bucketName(namespace)).then((kv) => kv.destroy());
    await link.close();
  });

  it('a watcher on an empty bucket is current at once and sees later additions and removals', async () => {
    const writer = await open();
    const reader = await open();
    await reader.watch();
    expect(reader.lookup('C1')).toBeUndefined();

    await writer.add('C1', { organizationId: 'org-1', teamId: 'T1' });
    await waitFor(async () => reader.lookup('C1'), { what: 'C1 to appear' });
    expect(reader.lookup('C1')).toEqual({ organizationId: 'org-1', teamId: 'T1' });

    await writer.remove('C1');
    await waitFor(async () => reader.lookup('C1') === undefined, { what: 'C1 to disappear' });
  });

  it('a watcher started later loads what was written before, without deleted channels', async () => {
    const writer = await open();
    await writer.add('C1', { organizationId: 'org-1', teamId: 'T1' });
    await writer.add('C2', { organizationId: 'org-1', teamId: 'T1' });
    await writer.remove('C1');
    const reader = await open();
    await reader.watch();
    expect(reader.lookup('C2')).toEqual({ organizationId: 'org-1', teamId: 'T1' });
    expect(reader.lookup('C1')).toBeUndefined();
  });
});
