import { claimTick, finishTick } from '../db/job-runs.js';
import type { TakeoverContext } from '../takeover/context.js';
import { JOBS, type Job } from './jobs.js';

export interface RunDueOptions {
  /** The moment to run for; defaults to ctx.clock(). */
  at?: Date;
  /** Only this job; every job when unset. */
  job?: string;
}

export class UnknownJobError extends Error {
  override name = 'UnknownJobError';
}

export function tickOf(now: Date, periodMs: number): Date {
  return new Date(Math.floor(now.getTime() / periodMs) * periodMs);
}

/**
 * Runs each job once per tick across all replicas: every replica tries, the one whose insert of
 * (job, tick) into scheduled_job_runs succeeds does the work. Time comes from ctx.clock.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: TakeoverContext,
    private readonly jobs: Job[] = JOBS,
    private readonly pollMs = 10_000,
  ) {}

  /** Runs every job whose tick at `at` no replica has claimed yet; returns the jobs this call ran. */
  async runDue(options: RunDueOptions = {}): Promise<string[]> {
    const now = options.at ?? this.ctx.clock();
    const selected = options.job === undefined ? this.jobs : this.jobs.filter((job) => job.name === options.job);
    if (selected.length === 0) throw new UnknownJobError(`unknown job ${JSON.stringify(options.job)}: expected one of ${this.jobs.map((job) => job.name).join(', ')}`);
    const ran: string[] = [];
    for (const job of selected) {
      const tick = tickOf(now, job.periodMs);
      if (!(await claimTick(this.ctx.pool, job.name, tick))) continue;
      try {
        const count = await job.run(this.ctx, tick);
        await finishTick(this.ctx.pool, job.name, tick);
        this.ctx.logger.info({ job: job.name, tick: tick.toISOString(), count }, 'scheduled job ran');
        ran.push(job.name);
      } catch (error) {
        this.ctx.logger.error({ err: error, job: job.name, tick: tick.toISOString() }, 'scheduled job failed');
      }
    }
    return ran;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.runDue().then(() => undefined)).catch((error: unknown) => this.ctx.logger.error({ err: error }, 'scheduler tick failed'));
    }, this.pollMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
