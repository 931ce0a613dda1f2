import { connect } from 'node:net';
import { startThrowawayNats, type ThrowawayNats } from '@megatron/testkit';

function firstLine(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString('utf8').split('\n')[0] ?? '');
    });
  });
}

describe('startThrowawayNats', () => {
  let nats: ThrowawayNats | undefined;
  afterAll(async () => {
    await nats?.destroy();
  });

  test('serves JetStream, refuses connections when stopped and answers again after start()', async () => {
    nats = await startThrowawayNats();
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(await firstLine(nats.port)).toContain('"jetstream":true');

    await nats.stop();
    await expect(firstLine(nats.port)).rejects.toThrow(/ECONNREFUSED/);

    await nats.start();
    expect(await firstLine(nats.port)).toContain('"jetstream":true');
  });
});
