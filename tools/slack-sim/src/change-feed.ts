import { EventEmitter } from 'node:events';

export type ChangeKind = 'message' | 'reaction' | 'pin' | 'channel' | 'ephemeral' | 'user' | 'workspace' | 'reset';

/** One line of `GET /_sim/stream`: what kind of thing changed and where, never the thing itself. */
export interface SimChange {
  seq: number;
  kind: ChangeKind;
  channel?: string;
  teamId?: string;
}

export type ChangeListener = (change: SimChange) => void;

/**
 * Tells watchers (a browser UI) that state changed, so they re-read what they show instead of polling.
 * Publishing costs one emit when nobody listens.
 */
export class ChangeFeed {
  private readonly emitter = new EventEmitter();
  private seq = 0;

  constructor() {
    // Every open UI tab is a listener; there is no leak to warn about.
    this.emitter.setMaxListeners(0);
  }

  publish(kind: ChangeKind, where: { channel?: string; teamId?: string } = {}): void {
    this.seq += 1;
    const change: SimChange = { seq: this.seq, kind,
      ...(where.channel ? { channel: where.channel } : {}), ...(where.teamId ? { teamId: where.teamId } : {}) };
    this.emitter.emit('change', change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
