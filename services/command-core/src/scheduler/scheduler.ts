import { claimJobItem, failJobItem, finishJobItem } from '../db/job-items.js';
import type { TakeoverContext } from '../takeover/context.js';
import { JOBS, type Job } from './jobs.js';

export interface RunDueOptions {
  /** The moment to run for; defaults to ctx.clock(). */
  at?: Date;
  /** Only this job; every job when unset. */
  job?: string;
}

export type ItemOutcome = 'done' | 'failed' | 'taken';

export interface ItemResult {
  job: string;
  item: string;
  outcome: ItemOutcome;
  error?: string;
}

export class UnknownJobError extends Error {
  override name = 'UnknownJobError';
}

/** A replica that dies holding an item loses it after this long; the next tick takes it again. */
const LEASE_SECONDS = 120;
/** An item that keeps failing is given up after this many tries (the error stays in job_items). */
const MAX_ATTEMPTS = 5;

export function tickOf(now: Date, periodMs: number): Date {
  return new Date(Math.floor(now.getTime() / periodMs) * periodMs);
}

/**
 * Runs the scheduled jobs with every item claimed on its own across replicas (job_items): one item runs
 * once, one failing item never stops the others, and an item whose holder crashed is taken by a later
 * tick. Time comes from ctx.clock (or the caller's `at`).
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly lastTicks = new Map<string, number>();

  constructor(
    private readonly ctx: TakeoverContext,
    private readonly jobs: Job[] = JOBS,
    private readonly pollMs = 10_000,
  ) {}

  /** Runs the items of the selected jobs due at `at` that no replica has done or holds; reports each. */
  async runDue(options: RunDueOptions = {}): Promise<ItemResult[]> {
    const at = options.at ?? this.ctx.clock();
    const selected = options.job === undefined ? this.jobs : this.jobs.filter((job) => job.name === options.job);
    if (selected.length === 0) throw new UnknownJobError(`unknown job ${JSON.stringify(options.job)}: expected one of ${this.jobs.map((job) => job.name).join(', ')}`);
    const results: ItemResult[] = [];
    for (const job of selected) results.push(...(await this.runJob(job, at)));
    return results;
  }

  private async runJob(job: Job, at: Date): Promise<ItemResult[]> {
    const { pool, logger } = this.ctx;
    const results: ItemResult[] = [];
    for (const item of await job.items(this.ctx, at)) {
      if (!(await claimJobItem(pool, job.name, item.key, at, LEASE_SECONDS))) {
        results.push({ job: job.name, item: item.key, outcome: 'taken' });
        continue;
      }
      try {
        await item.run();
        await finishJobItem(pool, job.name, item.key, at);
        results.push({ job: job.name, item: item.key, outcome: 'done' });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.error({ err: error, job: job.name, item: item.key }, 'scheduled job item failed; a later tick tries again');
        await failJobItem(pool, job.name, item.key, message, MAX_ATTEMPTS);
        results.push({ job: job.name, item: item.key, outcome: 'failed', error: message });
      }
    }
    const done = results.filter((result) => result.outcome === 'done').length;
    if (done > 0 || results.some((result) => result.outcome === 'failed')) logger.info({ job: job.name, at: at.toISOString(), done, items: results.length }, 'scheduled job ran');
    return results;
  }

  /** Each replica polls; a job runs when a new period of it begins (items are claimed, so replicas never double up). */
  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick()).catch((error: unknown) => this.ctx.logger.error({ err: error }, 'scheduler tick failed'));
    }, this.pollMs);
  }

  private async tick(): Promise<void> {
    const now = this.ctx.clock();
    for (const job of this.jobs) {
      const tick = tickOf(now, job.periodMs).getTime();
      if (this.lastTicks.get(job.name) === tick) continue;
      this.lastTicks.set(job.name, tick);
      await this.runJob(job, now);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
