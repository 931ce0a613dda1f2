import { EventEmitter } from 'node:events';
import type { Logger } from './logger.js';
import { withTimeout } from './timeout.js';

/** A dependency the service cannot work without; `probe` rejects or returns false while it is down. */
export interface DependencyCheck {
  name: string;
  probe: () => Promise<boolean | void>;
}

export interface ReadinessSnapshot {
  ready: boolean;
  shuttingDown: boolean;
  dependencies: Record<string, { up: boolean; error?: string }>;
}

const PROBE_TIMEOUT_MS = 2_000;

/**
 * The one answer to "can this process take work?", polled in the background so that /readyz and
 * grpc.health.v1 answer from memory and recover by themselves when a dependency returns.
 */
export class Readiness {
  private readonly events = new EventEmitter();
  private readonly checks: DependencyCheck[] = [];
  private readonly state = new Map<string, { up: boolean; error?: string }>();
  private shuttingDown = false;
  private timer: NodeJS.Timeout | undefined;
  private lastReady = false;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  add(check: DependencyCheck): this {
    this.checks.push(check);
    this.state.set(check.name, { up: false, error: 'not checked yet' });
    return this;
  }

  /** Runs every probe once, then keeps polling until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** SIGTERM: stop being ready at once so load balancers and probes move traffic away. */
  beginShutdown(): void {
    this.shuttingDown = true;
    this.stop();
    this.publish();
  }

  isReady(): boolean {
    return !this.shuttingDown && [...this.state.values()].every((dependency) => dependency.up);
  }

  snapshot(): ReadinessSnapshot {
    return { ready: this.isReady(), shuttingDown: this.shuttingDown, dependencies: Object.fromEntries(this.state) };
  }

  onChange(listener: (ready: boolean) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  async refresh(): Promise<void> {
    await Promise.all(this.checks.map((check) => this.run(check)));
    this.publish();
  }

  private async run(check: DependencyCheck): Promise<void> {
    const previous = this.state.get(check.name);
    let next: { up: boolean; error?: string };
    try {
      const result = await withTimeout(check.probe(), PROBE_TIMEOUT_MS, () => new Error(`${check.name} probe timed out after ${PROBE_TIMEOUT_MS}ms`));
      next = result === false ? { up: false, error: 'probe answered not ready' } : { up: true };
    } catch (error) {
      next = { up: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (previous?.up !== next.up) {
      if (next.up) this.logger.info({ dependency: check.name }, 'dependency up');
      else this.logger.warn({ dependency: check.name, err: next.error }, 'dependency down');
    }
    this.state.set(check.name, next);
  }

  private publish(): void {
    const ready = this.isReady();
    if (ready !== this.lastReady) {
      this.lastReady = ready;
      this.events.emit('change', ready);
    }
  }
}
