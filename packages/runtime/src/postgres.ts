import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from './logger.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** Idle time before a kept connection's first TCP keepalive probe; well under the idle timeouts of cloud NATs (350 s and up). */
const KEEPALIVE_IDLE_MS = 60_000;

export interface PoolOptions {
  /** Connections open at most. */
  max?: number;
  /** How long a caller waits for a free connection (and for a new one to open). */
  connectionTimeoutMs?: number;
  /**
   * Connections kept open however long they idle (none are opened ahead of need); the others close after
   * `idleTimeoutMs`. A connection opened again costs a Postgres backend, its catalog caches and the plans of
   * prepared statements, paid by the first requests after a quiet spell.
   */
  keepIdle?: number;
  /** How long a connection beyond the kept ones stays open idle (pg's default, 10 s). */
  idleTimeoutMs?: number;
}

/** A pool whose idle-client errors (a restarted server) are logged instead of crashing the process. */
export function createPool(url: string, logger: Logger, options: PoolOptions = {}): pg.Pool {
  const { max = 10, connectionTimeoutMs = 5_000, keepIdle = 0, idleTimeoutMs = 10_000 } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    min: Math.min(keepIdle, max),
    idleTimeoutMillis: idleTimeoutMs,
    connectionTimeoutMillis: connectionTimeoutMs,
    // TCP keepalive, so that a firewall or NAT between the pod and Postgres does not drop a kept connection unseen.
    keepAlive: keepIdle > 0,
    keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'postgres idle client error'));
  return pool;
}

export function postgresCheck(pool: pg.Pool): () => Promise<boolean> {
  return async () => {
    await pool.query('select 1');
    return true;
  };
}

/** Runs `fn` in a transaction; rolls back on any error and rethrows it. */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const MIGRATION_FILE = /^(\d+)_([a-z0-9_-]+)\.sql$/;
// Arbitrary constant: one lock id for "migrations of this database", so replicas starting together
// apply each file once.
const MIGRATION_LOCK = 727_001;

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

/**
 * Applies numbered SQL files (`001_create_x.sql`) in order, each in its own transaction, recording
 * them in `schema_migrations`. Safe to run twice and from several processes at once.
 */
export async function migrate(pool: pg.Pool, directory: string, logger: Logger): Promise<MigrationResult> {
  const files = (await readdir(directory)).filter((file) => MIGRATION_FILE.test(file));
  const versions = new Map<number, string>();
  for (const file of files) {
    const version = Number(MIGRATION_FILE.exec(file)?.[1]);
    const existing = versions.get(version);
    if (existing) throw new Error(`migrations ${existing} and ${file} share version ${version}`);
    versions.set(version, file);
  }
  const ordered = [...versions.entries()].sort(([a], [b]) => a - b);

  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
    const done = new Set((await client.query<{ version: number }>('select version from schema_migrations')).rows.map((row) => row.version));
    const result: MigrationResult = { applied: [], skipped: [] };
    for (const [version, file] of ordered) {
      if (done.has(version)) {
        result.skipped.push(file);
        continue;
      }
      const sql = await readFile(path.join(directory, file), 'utf8');
      try {
        await client.query('begin');
        await client.query(sql);
        await client.query('insert into schema_migrations (version, name) values ($1, $2)', [version, file]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${file} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      logger.info({ migration: file }, 'migration applied');
      result.applied.push(file);
    }
    return result;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
