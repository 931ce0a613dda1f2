import type { Logger, Pool } from '@megatron/runtime';
import { TENANT_CHANGES_CHANNEL, type TenantChange } from '../db/tenant-changes.js';

/** `reset`: changes may have been missed (the listening connection was lost): forget everything cached. */
export type TenantChangeListener = (change: TenantChange | 'reset') => void;

const RECONNECT_MS = 1_000;

/**
 * Postgres LISTEN on a connection of its own: caches of API tokens and tenants hear of a revocation or a
 * settings change at once, in every replica. While the connection is down `live` is false and caches
 * must not answer from memory; when it comes back they are reset, since changes made meanwhile went unheard.
 */
export class TenantChanges {
  private readonly listeners = new Set<TenantChangeListener>();
  private stopped = false;
  private release: (() => void) | undefined;
  live = false;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  subscribe(listener: TenantChangeListener): void {
    this.listeners.add(listener);
  }

  async start(): Promise<void> {
    if (this.stopped) return;
    try {
      const client = await this.pool.connect();
      let released = false;
      this.release = () => {
        if (released) return;
        released = true;
        client.removeAllListeners('notification');
        client.release(true);
      };
      client.on('notification', (message) => {
        if (message.channel === TENANT_CHANGES_CHANNEL && message.payload) this.emit(JSON.parse(message.payload) as TenantChange);
      });
      client.once('error', (error: Error) => this.lost(error));
      await client.query(`listen ${TENANT_CHANGES_CHANNEL}`);
      this.live = true;
      this.emit('reset');
    } catch (error) {
      this.lost(error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.live = false;
    this.release?.();
  }

  /** A change this replica made: its own caches hear it before the caller gets an answer, other replicas by NOTIFY. */
  heardHere(change: TenantChange): void {
    this.emit(change);
  }

  private lost(error: unknown): void {
    if (this.stopped) return;
    this.logger.warn({ err: error }, 'tenant change notifications lost; caches bypassed until they are back');
    this.live = false;
    this.emit('reset');
    this.release?.();
    setTimeout(() => void this.start(), RECONNECT_MS).unref();
  }

  private emit(change: TenantChange | 'reset'): void {
    for (const listener of this.listeners) listener(change);
  }
}
