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
