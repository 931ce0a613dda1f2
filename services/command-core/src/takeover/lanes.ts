import type { Command } from '@megatron/contracts';

/**
 * Where a Command runs. `channel`: in its channel's order, on the stream partition (an agent's messages,
 * their edits and deletes, and the verbs whose order against them matters, run on the channel's own
 * customer). `free`: off the ordered lanes, so a slow app or a long history import holds no channel of any
 * organization (opening a channel, anything naming a customer to look up, app pushes, stats, Retry); a
 * per-organization limit keeps one organization from taking them all. `direct`: quick, and must not wait
 * behind anything (an answer about a held message, a customer's feedback click).
 */
export type Lane = { kind: 'channel'; key: string } | { kind: 'free'; key: string } | { kind: 'direct' };

/** Off-lane work is keyed per Command under its workspace: `free:<team_id>:<command_id>`. */
export const FREE_PREFIX = 'free:';

export function laneOf(command: Command): Lane {
  const context = command.context;
  if (!context?.teamId) return { kind: 'direct' };
  const kind = command.kind;
  switch (kind.case) {
    case 'heldMessageChoice':
    case 'feedback':
    case undefined:
      return { kind: 'direct' };
    case 'open':
    case 'clearContext':
    case 'do':
    case 'help':
    case 'stats':
    case 'retryDelivery':
      return free(context.teamId, command.id);
    case 'pause':
    case 'unpause':
    case 'close':
    case 'claim':
      // A name is looked up through the organization's app first: that wait holds no lane.
      return kind.value.target?.kind.case === 'name' ? free(context.teamId, command.id) : channel(context.teamId, context.channelId);
    case 'message':
    case 'fileShare':
    case 'messageChanged':
    case 'messageDeleted':
    case 'channelGone':
      return channel(context.teamId, context.channelId);
  }
}

function free(teamId: string, commandId: string): Lane {
  return { kind: 'free', key: `${FREE_PREFIX}${teamId}:${commandId}` };
}

function channel(teamId: string, channelId: string): Lane {
  return channelId ? { kind: 'channel', key: `${teamId}:${channelId}` } : { kind: 'direct' };
}
