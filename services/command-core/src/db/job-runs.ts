import type { Db } from './tenants.js';

/** True for exactly one caller per (job, tick), whichever replica inserts first. */
export async function claimTick(db: Db, job: string, tick: Date): Promise<boolean> {
  const { rowCount } = await db.query('insert into scheduled_job_runs (job, tick) values ($1, $2) on conflict do nothing', [job, tick]);
  return (rowCount ?? 0) === 1;
}

export async function finishTick(db: Db, job: string, tick: Date): Promise<void> {
  await db.query('update scheduled_job_runs set finished_at = now() where job = $1 and tick = $2', [job, tick]);
}
