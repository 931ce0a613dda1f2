import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { declared, requireReplicas } from './stream-replicas.js';

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

  /**
   * Opens the bucket, creating it with `replicas` copies (NATS_STREAM_REPLICAS); an existing bucket is
   * brought to that count, which opening alone would not do.
   */
  static async open(nc: NatsConnection, namespace: string, replicas: number): Promise<EngagementDirectory> {
    const bucket = EngagementDirectory.bucketName(namespace);
    const kv = await declared(`KV_${bucket}`, replicas, new Kvm(nc).create(bucket, { history: 1, replicas }));
    let { streamInfo } = await kv.status();
    if (streamInfo.config.num_replicas !== replicas) {
      const jsm = await jetstreamManager(nc);
      streamInfo = await declared(streamInfo.config.name, replicas, jsm.streams.update(streamInfo.config.name, { num_replicas: replicas }));
    }
    requireReplicas(streamInfo, replicas);
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
