import type { Db } from './tenants.js';

export async function isProcessed(db: Db, commandId: string): Promise<boolean> {
  const { rowCount } = await db.query('select 1 from processed_commands where command_id = $1', [commandId]);
  return (rowCount ?? 0) > 0;
}

export async function markProcessed(db: Db, commandId: string): Promise<void> {
  await db.query('insert into processed_commands (command_id) values ($1) on conflict do nothing', [commandId]);
}

export async function selectStep<T>(db: Db, commandId: string, step: string): Promise<T | undefined> {
  const { rows } = await db.query<{ result: T }>('select result from command_steps where command_id = $1 and step = $2', [commandId, step]);
  return rows[0]?.result;
}

export async function deleteStep(db: Db, commandId: string, step: string): Promise<void> {
  await db.query('delete from command_steps where command_id = $1 and step = $2', [commandId, step]);
}

export async function insertStep(db: Db, commandId: string, step: string, result: unknown): Promise<void> {
  await db.query('insert into command_steps (command_id, step, result) values ($1, $2, $3) on conflict do nothing', [
    commandId,
    step,
    JSON.stringify(result ?? {}),
  ]);
}
