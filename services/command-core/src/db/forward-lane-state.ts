import { ENGAGEMENT_SELECT, type EngagementRow } from './engagements.js';
import { headStateOf, LANE_STATE_COLUMNS, type HeadState } from './parked-commands.js';
import type { Db } from './tenants.js';

/** A lane's state with what a forward needs before its post, read (and its posting step written) in one round trip. */
export interface ForwardLaneState {
  head: HeadState;
  processed: boolean;
  engagement: EngagementRow | undefined;
  /** The posting step an earlier attempt left: that post may have landed. */
  priorPosting: unknown;
  /** This attempt wrote the posting step (no earlier one, the channel free, the engagement open). */
  postingWritten: boolean;
}

interface Row extends Partial<EngagementRow> {
  held: boolean | null;
  processed: boolean;
  prior_posting: unknown;
  posting_written: boolean;
}

const FORWARD_LANE_STATE = `with lane as (
    select ${LANE_STATE_COLUMNS}
  ), prior as (
    select result from command_steps where command_id = $2 and step = $5
  ), engagement as (
    ${ENGAGEMENT_SELECT} where e.integration_id = $3 and e.channel_id = $4
  ), step as (
    insert into command_steps (command_id, step, result)
    select $2::text, $5::text, $6::jsonb from lane
     where lane.held is null and not lane.processed
       and not exists (select 1 from prior)
       and exists (select 1 from engagement where not is_archived)
    on conflict do nothing
    returning 1
  )
  select lane.held, lane.processed, (select result from prior) as prior_posting, exists (select 1 from step) as posting_written, engagement.*
    from lane left join engagement on true`;

/**
 * laneState for an agent's message to forward, in the same round trip: the channel's engagement, the posting step
 * of an earlier attempt, and this attempt's posting step written ahead of the post when the message will be
 * handled now (nothing parked in its channel, not processed, the engagement open). Without it a forward costs
 * three statements before its post; the caller removes a step it wrote when the attempt ends before posting.
 */
export async function forwardLaneState(
  db: Db,
  query: { channelKey: string; commandId: string; integrationId: string; channelId: string; step: string; stepResult: unknown },
): Promise<ForwardLaneState> {
  const { rows } = await db.query<Row>({
    // Prepared once per connection: planning this statement cost more than running it (pg_stat_statements, bench/README.md).
    name: 'forward-lane-state',
    text: FORWARD_LANE_STATE,
    values: [query.channelKey, query.commandId, query.integrationId, query.channelId, query.step, JSON.stringify(query.stepResult ?? {})],
  });
  const row = rows[0];
  if (!row) throw new Error('forwardLaneState: no row');
  const { held, processed, prior_posting: priorPosting, posting_written: postingWritten, ...engagement } = row;
  return { head: headStateOf(held), processed, engagement: engagement.id ? (engagement as EngagementRow) : undefined, priorPosting: priorPosting ?? undefined, postingWritten };
}
