import { Code, ConnectError } from '@connectrpc/connect';
import { CallDeadline } from './call-deadline.js';

const never = () => new Promise<never>(() => undefined);

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(error)}`);
  return error;
}

describe('CallDeadline', () => {
  it('settles a race with the work when it comes first', async () => {
    await expect(CallDeadline.in(1_000).race(Promise.resolve('posted'), 'chat.postMessage')).resolves.toBe('posted');
    await expect(CallDeadline.in(1_000).race(Promise.reject(new Error('socket hang up')), 'chat.postMessage')).rejects.toThrow('socket hang up');
  });

  it('ends a race with DeadlineExceeded when the budget runs out, and counts as expired from then on', async () => {
    const deadline = CallDeadline.in(30);
    const error = await failure(deadline.race(never(), 'chat.postMessage'));
    expect(error.code).toBe(Code.DeadlineExceeded);
    expect(error.message).toContain('chat.postMessage: deadline exceeded');
    expect(deadline.expired).toBe(true);
    expect((await failure(deadline.race(Promise.resolve(1), 'chat.update'))).code).toBe(Code.DeadlineExceeded);
  });

  it('ends a race and a wait with Canceled when the caller goes away', async () => {
    const caller = new AbortController();
    const deadline = CallDeadline.in(10_000, caller.signal);
    const racing = failure(deadline.race(never(), 'chat.postMessage'));
    const sleeping = failure(deadline.sleep(10_000, 'rate limit wait'));
    caller.abort();
    expect((await racing).code).toBe(Code.Canceled);
    expect((await sleeping).code).toBe(Code.Canceled);
    expect(deadline.expired).toBe(true);
  });

  it('waits the time asked for when the budget allows, and no longer than the budget when it does not', async () => {
    await expect(CallDeadline.in(1_000).sleep(20, 'retry')).resolves.toBeUndefined();
    const started = Date.now();
    const error = await failure(CallDeadline.in(40).sleep(10_000, 'retry'));
    expect(error.code).toBe(Code.DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives requests that take a signal one that aborts with the budget or the caller', async () => {
    const timed = CallDeadline.in(30).signal;
    await new Promise((resolve) => timed.addEventListener('abort', resolve, { once: true }));
    expect(timed.aborted).toBe(true);

    const caller = new AbortController();
    const deadline = CallDeadline.in(10_000, caller.signal);
    expect(deadline.signal.aborted).toBe(false);
    caller.abort();
    expect(deadline.signal.aborted).toBe(true);
  });
});
