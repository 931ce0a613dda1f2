import type { Db } from './tenants.js';

export interface EngagementEvent {
  organizationId: string;
  engagementId: string | undefined;
  teamId: string;
  userId: string;
  at: Date;
  event: string;
  actorKind: 'agent' | 'api' | 'job' | 'slack';
  actorId: string;
  actorName: string;
  reason: string;
  phaseBefore: string;
  phaseAfter: string;
  pausedBefore: boolean;
  pausedAfter: boolean;
}

/** The engagement log is append-only: who did what, when and why, for every lifecycle event. */
export async function insertEngagementEvent(db: Db, event: EngagementEvent): Promise<void> {
  await db.query(
    `insert into engagement_events (organization_id, engagement_id, team_id, user_id, at, event, actor_kind, actor_id, actor_name, reason,
                                    phase_before, phase_after, paused_before, paused_after)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      event.organizationId,
      event.engagementId ?? null,
      event.teamId,
      event.userId,
      event.at,
      event.event,
      event.actorKind,
      event.actorId,
      event.actorName,
      event.reason,
      event.phaseBefore,
      event.phaseAfter,
      event.pausedBefore,
      event.pausedAfter,
    ],
  );
}

export interface EngagementEventRow {
  at: Date;
  event: string;
  actor_kind: string;
  actor_id: string;
  actor_name: string;
  reason: string;
  paused_after: boolean;
}

/** The customer's engagement log in an organization, oldest first. */
export async function selectEngagementEvents(db: Db, organizationId: string, teamId: string, userId: string, limit: number): Promise<EngagementEventRow[]> {
  const { rows } = await db.query<EngagementEventRow>(
    `select at, event, actor_kind, actor_id, actor_name, reason, paused_after from engagement_events
      where organization_id = $1 and team_id = $2 and user_id = $3 order by at, id limit $4`,
    [organizationId, teamId, userId, limit],
  );
  return rows;
}
