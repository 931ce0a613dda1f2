import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';

export interface EngagementChannelInfo {
  organizationId: string;
  /** Slack team id of the integration workspace the channel lives in. */
  teamId: string;
}

/**
 * Which Slack channels are open engagement channels, kept in a JetStream key-value bucket that
 * command-core writes (on open and archive) and interpreters mirror in memory, so deciding whether
 * an event matters costs no round trip at all and survives restarts of both sides.
 */
export class EngagementDirectory {
  private readonly known = new Map<string, EngagementChannelInfo>();
  private stopWatching: (() => void) | undefined;

  private constructor(private readonly kv: KV) {}

  static bucketName(namespace: string): string {
    return `${namespace}_engagement_channels`;
  }

  static async open(nc: NatsConnection, namespace: string): Promise<EngagementDirectory> {
    const kv = await new Kvm(nc).create(EngagementDirectory.bucketName(namespace), { history: 1 });
    return new EngagementDirectory(kv);
  }

  async add(channelId: string, info: EngagementChannelInfo): Promise<void> {
    await this.kv.put(channelId, JSON.stringify(info));
  }

  async remove(channelId: string): Promise<void> {
    await this.kv.delete(channelId);
  }

  /** Loads the current set and follows every change until close(); resolves once loaded. */
  async watch(): Promise<void> {
    const iterator = await this.kv.watch();
    this.stopWatching = () => iterator.stop();
    let loaded!: () => void;
    const initial = new Promise<void>((resolve) => (loaded = resolve));
    void (async () => {
      for await (const entry of iterator) {
        if (entry.operation === 'PUT') this.known.set(entry.key, entry.json<EngagementChannelInfo>());
        else this.known.delete(entry.key);
        if (entry.delta === 0) loaded();
      }
    })();
    // An empty bucket sends no entry at all: the watch is then current as soon as it exists.
    if ((await this.kv.status()).values === 0) loaded();
    await initial;
  }

  /** From memory: only valid after watch(). */
  lookup(channelId: string): EngagementChannelInfo | undefined {
    return this.known.get(channelId);
  }

  close(): void {
    this.stopWatching?.();
  }
}
