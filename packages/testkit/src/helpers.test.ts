import { freePort, natsNamespace, redisPrefix, uniqueName, waitFor } from '@megatron/testkit';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

describe('names', () => {
  test('uniqueName keeps a cleaned prefix and never repeats', () => {
    const names = new Set(Array.from({ length: 500 }, () => uniqueName('Orders-DB')));
    expect(names.size).toBe(500);
    for (const name of names) expect(name).toMatch(/^orders_db_[a-z0-9]+$/);
  });

  test('uniqueName rejects a prefix that cannot start an identifier', () => {
    expect(() => uniqueName('9lives')).toThrow('uniqueName: prefix must start with a letter (got "9lives")');
    expect(() => uniqueName('')).toThrow(/must start with a letter/);
  });

  test('NATS namespaces are single subject tokens and Redis prefixes end with a colon, both unique', () => {
    const [a, b] = [natsNamespace(), natsNamespace()];
    expect(a).toMatch(/^t_[a-z0-9]+$/);
    expect(a).not.toBe(b);
    const [p, q] = [redisPrefix(), redisPrefix()];
    expect(p).toMatch(/^t_[a-z0-9]+:$/);
    expect(p).not.toBe(q);
  });
});

describe('freePort', () => {
  test('returns a port that can be listened on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  test("stays out of the range the OS gives outgoing connections, so none can take the port before the service's listen", async () => {
    const [low, high] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number);
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(ports.filter((port) => port >= (low ?? 0) && port <= (high ?? 0))).toEqual([]);
  });
});

describe('waitFor', () => {
  test('returns the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await waitFor(async () => (++calls >= 3 ? { calls } : undefined), { intervalMs: 5 });
    expect(value).toEqual({ calls: 3 });
  });

  test("times out naming what it waited for, keeping the probe's last error", async () => {
    const failure = waitFor<never>(
      async () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 100, intervalMs: 10, what: 'the moon' },
    );
    await expect(failure).rejects.toThrow(new Error('timed out after 100ms waiting for the moon'));
    await expect(failure).rejects.toHaveProperty('lastError.message', 'connection refused');
  });

  test('an aborted wait stops at once with the abort reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('process died')), 20);
    const started = Date.now();
    await expect(waitFor(async () => false, { timeoutMs: 5_000, signal: controller.signal })).rejects.toThrow('process died');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
