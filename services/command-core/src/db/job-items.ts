import type { Db } from './tenants.js';

/**
 * Claims one item of a scheduled job for this caller: the first claim, or a claim whose lease ran out
 * (its holder died or failed) — never an item already done. Across replicas exactly one caller gets it.
 */
export async function claimJobItem(db: Db, job: string, item: string, at: Date, leaseSeconds: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into job_items (job, item, claimed_at) values ($1, $2, $3)
     on conflict (job, item) do update set claimed_at = excluded.claimed_at, attempts = job_items.attempts + 1
       where job_items.done_at is null and job_items.claimed_at <= excluded.claimed_at - make_interval(secs => $4)`,
    [job, item, at, leaseSeconds],
  );
  return (rowCount ?? 0) === 1;
}

export async function finishJobItem(db: Db, job: string, item: string, at: Date): Promise<void> {
  await db.query('update job_items set done_at = $3, last_error = $4 where job = $1 and item = $2', [job, item, at, '']);
}

/** A failed item keeps no lease: the next tick claims it again, until it has failed `maxAttempts` times. */
export async function failJobItem(db: Db, job: string, item: string, error: string, maxAttempts: number): Promise<void> {
  await db.query(
    `update job_items set claimed_at = '-infinity', last_error = $3, done_at = case when attempts >= $4 then now() else null end
      where job = $1 and item = $2`,
    [job, item, error.slice(0, 500), maxAttempts],
  );
}
