import type { SimControl } from '@megatron/slack-sim';

/**
 * The simulator's change feed, counted per conversation: the relay measurement reads a DM again only once it
 * changed, and the head-of-line point's desks sleep until their channel changed.
 */
export interface ChannelChanges {
  /** Changes seen in `channel` so far. */
  version(channel: string): number;
  /** Whether changes may have gone unseen: the simulator was reset, or the feed ended. */
  blind(): boolean;
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
  let blind = false;
  const version = (channel: string) => versions.get(channel) ?? 0;
  const stop = await control.watchChanges(
    (change) => {
      if (change.kind === 'reset') blind = true;
      if (!change.channel) return;
      versions.set(change.channel, version(change.channel) + 1);
      for (const wake of waiters.get(change.channel) ?? []) wake();
    },
    () => {
      blind = true;
    },
  );
  return {
    version,
    blind: () => blind,
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
