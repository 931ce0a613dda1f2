import type { Db } from './tenants.js';

/** One Command waiting behind its channel's failing head (see takeover/parked-channels.ts). */
export interface ParkedCommand {
  id: string;
  channel_key: string;
  command_id: string;
  command: Buffer;
  attempts: number;
  first_failed_at: Date | null;
}

// Times come from Postgres's clock: one clock for every replica, and the real one (tests that freeze
// the takeover clock must not freeze redelivery).

export type HeadState = 'none' | 'held' | 'failing';

/** The lane's head (`held`: null when none) and whether Command `$2` was processed, for channel key `$1`. */
export const LANE_STATE_COLUMNS = `(select held from parked_commands where channel_key = $1 and dead_at is null order by id limit 1) as held,
            exists (select 1 from processed_commands where command_id = $2) as processed`;

export function headStateOf(held: boolean | null): HeadState {
  return held === null ? 'none' : held ? 'held' : 'failing';
}

/**
 * Whether the channel's head is failing (everything waits), held for the agent's choice (agents' messages wait), or
 * absent; and whether the Command was processed already. One round trip: every message on a lane asks both.
 */
export async function laneState(db: Db, channelKey: string, commandId: string): Promise<{ head: HeadState; processed: boolean }> {
  const { rows } = await db.query<{ held: boolean | null; processed: boolean }>(`select ${LANE_STATE_COLUMNS}`, [channelKey, commandId]);
  const { held, processed } = rows[0] ?? { held: null, processed: false };
  return { head: headStateOf(held), processed };
}

/** Holds a message until the agent chooses (its row made or marked held); nothing re-drives it meanwhile. */
export async function parkHeld(db: Db, channelKey: string, commandId: string, command: Uint8Array): Promise<void> {
  await db.query(
    `insert into parked_commands (channel_key, command_id, command, held, next_attempt_at) values ($1, $2, $3, true, 'infinity')
     on conflict (command_id) do update set held = true, next_attempt_at = 'infinity', leased_until = null`,
    [channelKey, commandId, Buffer.from(command)],
  );
}

export async function selectHeld(db: Db, commandId: string): Promise<{ id: string; channel_key: string } | undefined> {
  const { rows } = await db.query<{ id: string; channel_key: string }>('select id, channel_key from parked_commands where command_id = $1 and held and dead_at is null', [commandId]);
  return rows[0];
}

/** The agent chose (or the bot got paused): the channel's held message goes to the re-driver like any head. */
export async function releaseHeld(db: Db, channelKey: string): Promise<void> {
  await db.query("update parked_commands set held = false, next_attempt_at = now() where channel_key = $1 and held and dead_at is null", [channelKey]);
}

/** The Commands waiting in a channel, in order. */
export async function queuedCommandIds(db: Db, channelKey: string): Promise<string[]> {
  const { rows } = await db.query<{ command_id: string }>('select command_id from parked_commands where channel_key = $1 and dead_at is null order by id', [channelKey]);
  return rows.map((row) => row.command_id);
}

/** Queues a Command behind its channel; a second park of the same Command (a redelivery) changes nothing. */
export async function appendParked(db: Db, channelKey: string, commandId: string, command: Uint8Array): Promise<void> {
  await db.query('insert into parked_commands (channel_key, command_id, command) values ($1, $2, $3) on conflict (command_id) do nothing', [
    channelKey,
    commandId,
    Buffer.from(command),
  ]);
}

/** Parks a Command that just failed, as the head of its channel, to be tried again after `delayMs`. */
export async function parkFailed(db: Db, channelKey: string, commandId: string, command: Uint8Array, delayMs: number, error: string): Promise<void> {
  await db.query(
    `insert into parked_commands (channel_key, command_id, command, attempts, first_failed_at, next_attempt_at, last_error)
     values ($1, $2, $3, 1, now(), now() + make_interval(secs => $4), $5) on conflict (command_id) do nothing`,
    [channelKey, commandId, Buffer.from(command), delayMs / 1000, error.slice(0, 500)],
  );
}

// Off-lane Commands (`free:<team_id>:<command_id>`, lanes.ts) of one workspace that may run at once across
// every replica: a slow app or a long history import of one organization cannot take all the re-drivers.
const OFF_LANE_BUSY = `(select count(*) from parked_commands busy
   where busy.channel_key like 'free:' || split_part(head_key, ':', 2) || ':%' and busy.dead_at is null and busy.leased_until > now())`;

/** Channels (and off-lane Commands) whose head is due and not held by a replica, oldest first. */
export async function dueChannels(db: Db, limit: number, perOrganization: number): Promise<string[]> {
  const { rows } = await db.query<{ channel_key: string }>(
    `select channel_key from (
       select distinct on (channel_key) channel_key, channel_key as head_key, next_attempt_at, leased_until, id
         from parked_commands where dead_at is null order by channel_key, id) heads
      where next_attempt_at <= now() and (leased_until is null or leased_until < now())
        and (channel_key not like 'free:%' or ${OFF_LANE_BUSY} < $2)
      order by id limit $1`,
    [limit, perOrganization],
  );
  return rows.map((row) => row.channel_key);
}

/**
 * Takes the channel's head for `leaseMs` when it is due and free (and, off the lanes, its organization
 * below its limit); across replicas one caller gets it.
 */
export async function claimHead(db: Db, channelKey: string, leaseMs: number, perOrganization: number): Promise<ParkedCommand | undefined> {
  const { rows } = await db.query<ParkedCommand>(
    `with target as (select $1::text as head_key)
     update parked_commands set leased_until = now() + make_interval(secs => $2), attempts = attempts + 1
      where id = (select id from parked_commands where channel_key = $1 and dead_at is null order by id limit 1)
        and next_attempt_at <= now() and (leased_until is null or leased_until < now())
        and ($1 not like 'free:%' or (select ${OFF_LANE_BUSY} from target) < $3)
      returning id, channel_key, command_id, command, attempts, first_failed_at`,
    [channelKey, leaseMs / 1000, perOrganization],
  );
  return rows[0];
}

export async function extendLease(db: Db, id: string, leaseMs: number): Promise<void> {
  await db.query('update parked_commands set leased_until = now() + make_interval(secs => $2) where id = $1', [id, leaseMs / 1000]);
}

export async function releaseHead(db: Db, id: string): Promise<void> {
  await db.query('delete from parked_commands where id = $1', [id]);
}

/** The head failed again: it keeps its place and is tried after `delayMs`. Answers how long it has been failing. */
export async function retryHeadLater(db: Db, id: string, delayMs: number, error: string): Promise<number> {
  const { rows } = await db.query<{ failing_ms: number }>(
    `update parked_commands set leased_until = null, next_attempt_at = now() + make_interval(secs => $2), last_error = $3,
            first_failed_at = coalesce(first_failed_at, now())
      where id = $1 returning (extract(epoch from now() - first_failed_at) * 1000)::float8 as failing_ms`,
    [id, delayMs / 1000, error.slice(0, 500)],
  );
  return rows[0]?.failing_ms ?? 0;
}

/** Gives up on the head: kept for the operator, it no longer holds the channel. */
export async function deadLetterHead(db: Db, id: string, error: string): Promise<void> {
  await db.query('update parked_commands set dead_at = now(), leased_until = null, last_error = $2 where id = $1', [id, error.slice(0, 500)]);
}
