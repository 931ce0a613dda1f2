import { createPool, type Logger, type Pool } from '@megatron/runtime';

/**
 * Lifecycles that may run at once in one process, each holding a Postgres session for its lock. They get
 * sessions of their own, so however many customers change at once, the queries those lifecycles (and every
 * other Command and API call) make still find a connection in the main pool.
 */
export const LOCK_SESSIONS = 16;
/** How long a lifecycle waits for a lock session while LOCK_SESSIONS others run (an open imports history for a while). */
const SESSION_WAIT_MS = 120_000;

/**
 * One customer's lifecycle (or help request) runs one at a time across replicas: a Postgres advisory lock held
 * by a session for its duration, released when the session ends, a crash included.
 */
export class CustomerLocks {
  private readonly sessions: Pool;

  constructor(databaseUrl: string, logger: Logger) {
    this.sessions = createPool(databaseUrl, logger, { max: LOCK_SESSIONS, connectionTimeoutMs: SESSION_WAIT_MS });
  }

  async hold<T>(key: string, run: () => Promise<T>): Promise<T> {
    const session = await this.sessions.connect();
    try {
      await session.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
      try {
        return await run();
      } finally {
        await session.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
    } finally {
      session.release();
    }
  }

  /** Returns once no lifecycle holds `key` (or after 30 s, with an error), without holding it. */
  async waitFor(key: string): Promise<void> {
    const session = await this.sessions.connect();
    try {
      await session.query('begin');
      await session.query("set local lock_timeout = '30s'");
      await session.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      await session.query('commit');
    } catch (error) {
      await session.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      session.release();
    }
  }

  end(): Promise<void> {
    return this.sessions.end();
  }
}
