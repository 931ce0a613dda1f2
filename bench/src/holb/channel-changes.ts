import type { SimControl } from '@megatron/slack-sim';

/** Counts the simulator's changes per conversation, so a waiter can sleep until its conversation changed. */
export interface ChannelChanges {
  /** Changes seen in `channel` so far. */
  version(channel: string): number;
  /**
   * Resolves with the channel's version once it is past `seen`, or after `timeoutMs` (a change the feed lost,
   * or a feed that ended, then costs a waiter at most that long).
   */
  after(channel: string, seen: number, timeoutMs: number): Promise<number>;
  stop(): void;
}

export async function watchChannelChanges(control: SimControl): Promise<ChannelChanges> {
  const versions = new Map<string, number>();
  const waiters = new Map<string, Set<() => void>>();
  const version = (channel: string) => versions.get(channel) ?? 0;
  const stop = await control.watchChanges((change) => {
    if (!change.channel) return;
    versions.set(change.channel, version(change.channel) + 1);
    for (const wake of waiters.get(change.channel) ?? []) wake();
  });
  return {
    version,
    after(channel, seen, timeoutMs) {
      if (version(channel) > seen) return Promise.resolve(version(channel));
      return new Promise((resolve) => {
        const set = waiters.get(channel) ?? new Set<() => void>();
        waiters.set(channel, set);
        const wake = () => {
          clearTimeout(timer);
          set.delete(wake);
          resolve(version(channel));
        };
        const timer = setTimeout(wake, timeoutMs);
        set.add(wake);
      });
    },
    stop,
  };
}
