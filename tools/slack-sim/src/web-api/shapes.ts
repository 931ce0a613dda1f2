import type { SimContext } from '../context.js';
import type { AppRecord, ConversationRecord, UserRecord, WorkspaceRecord } from '../state.js';
import { timeZoneFields } from '../time-zones.js';
import type { SimFile, SimFileObject, SimMessage } from '../types.js';

/** Messages read through the API carry `metadata` only when asked with include_all_metadata (docs.slack.dev/messaging/message-metadata). */
export function messageForApi(message: SimMessage, withMetadata: boolean): SimMessage {
  if (withMetadata || !message.metadata) return message;
  const { metadata: _metadata, ...rest } = message;
  return rest;
}

/** A conversation as Slack's `conversations.*` methods return it, seen by `viewer`. */
export function conversationObject(conv: ConversationRecord, viewer: string, withMembers = false):
Record<string, unknown> {
  if (conv.is_im) {
    return { id: conv.id, created: conv.created, is_archived: conv.is_archived, is_im: true, is_org_shared: false,
      context_team_id: conv.team, updated: conv.created * 1000, user: conv.user, is_user_deleted: false, priority: 0 };
  }
  const empty = { value: '', creator: '', last_set: 0 };
  return {
    id: conv.id, name: conv.name, is_channel: conv.is_channel, is_group: conv.is_group, is_im: false, is_mpim: false,
    is_private: conv.is_private, created: conv.created, is_archived: conv.is_archived, is_general: false, unlinked: 0,
    name_normalized: conv.name, is_shared: false, is_org_shared: false, is_pending_ext_shared: false,
    pending_shared: [], context_team_id: conv.team, updated: conv.created * 1000, parent_conversation: null,
    creator: conv.creator, is_ext_shared: false, shared_team_ids: [conv.team], pending_connected_team_ids: [],
    is_member: conv.members.has(viewer), topic: empty, purpose: empty, previous_names: [],
    ...(withMembers ? { num_members: conv.members.size } : {}),
  };
}

export function userObject(user: UserRecord, ws: WorkspaceRecord, nowMs: number): Record<string, unknown> {
  const image = user.image72;
  return {
    id: user.id, team_id: user.teamId, name: user.name, deleted: false, color: '9f69e7', real_name: user.realName,
    ...timeZoneFields(user.tz, nowMs),
    profile: {
      title: '', phone: '', skype: '', real_name: user.realName, real_name_normalized: user.realName,
      display_name: user.displayName, display_name_normalized: user.displayName, fields: null, status_text: '',
      status_emoji: '', status_expiration: 0, avatar_hash: user.id.slice(-12).toLowerCase(),
      ...(user.email ? { email: user.email } : {}),
      image_24: image.replace('_72', '_24'), image_32: image.replace('_72', '_32'), image_48: image.replace('_72', '_48'),
      image_72: image, image_192: image.replace('_72', '_192'), image_512: image.replace('_72', '_512'),
      team: ws.id,
      ...(user.isBot ? { bot_id: user.botId, api_app_id: user.appId, always_active: true } : {}),
    },
    is_admin: false, is_owner: false, is_primary_owner: false, is_restricted: false, is_ultra_restricted: false,
    is_bot: user.isBot, is_app_user: false, updated: user.created, is_email_confirmed: !user.isBot,
    who_can_share_contact_card: 'EVERYONE',
  };
}

export function fileObject(ctx: SimContext, file: SimFile & { created: number }): SimFileObject {
  const user = ctx.state.user(file.teamId, file.userId);
  const ws = ctx.state.workspaces.get(file.teamId);
  const ext = file.name.includes('.') ? file.name.split('.').pop() ?? '' : '';
  const ims = file.channels.filter((c) => c.startsWith('D'));
  return {
    id: file.id, created: file.created, timestamp: file.created, name: file.name, title: file.title,
    mimetype: file.mimetype, filetype: ext || 'binary', pretty_type: (ext || 'binary').toUpperCase(), user: file.userId,
    user_team: file.teamId, editable: false, size: file.size, mode: 'hosted', is_external: false,
    external_type: '', is_public: file.channels.some((c) => c.startsWith('C')), public_url_shared: false,
    display_as_bot: user?.isBot ?? false, username: '', url_private: file.urlPrivate,
    url_private_download: `${file.urlPrivate}?download=1`,
    permalink: `https://${ws?.domain ?? 'unknown'}.slack.com/files/${file.userId}/${file.id}/${file.name}`,
    permalink_public: `https://slack-files.com/${file.teamId}-${file.id}-${file.id.toLowerCase()}`,
    channels: file.channels.filter((c) => c.startsWith('C')), groups: [], ims, comments_count: 0,
  };
}

/** team.info's team: Slack serves the icon in fixed sizes. */
export function teamObject(ws: WorkspaceRecord): Record<string, unknown> {
  const icon = (size: number): string => `https://avatars.slack-sim.invalid/${ws.id}/team_${size}.png`;
  return { id: ws.id, name: ws.name, domain: ws.domain, email_domain: '',
    icon: { image_34: icon(34), image_44: icon(44), image_68: icon(68), image_88: icon(88), image_102: icon(102),
      image_132: icon(132), image_230: icon(230), image_default: false } };
}

/** bots.info's bot: the app's bot with its icons. */
export function botObject(app: AppRecord, botUser: UserRecord | undefined): Record<string, unknown> {
  const avatar = botUser?.image72 ?? '';
  return { id: app.botId, deleted: false, name: app.name, updated: botUser?.created ?? 0, app_id: app.appId,
    user_id: app.botUserId, icons: { image_36: avatar.replace('_72', '_36'), image_48: avatar.replace('_72', '_48'),
      image_72: avatar } };
}

/** A message's permalink, shaped like Slack's: the ts without its dot after a `p`. */
export function permalink(ctx: SimContext, conv: ConversationRecord, ts: string): string {
  const domain = ctx.state.workspaces.get(conv.team)?.domain ?? 'unknown';
  return `https://${domain}.slack.com/archives/${conv.id}/p${ts.replace('.', '')}`;
}
