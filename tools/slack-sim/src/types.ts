export interface SlackSimOptions {
  port?: number;
  host?: string;
  rateLimits?: boolean;
  eventRetries?: boolean;
  ackTimeoutMs?: number;
  now?: () => number;
  /** Delay before each event retry. Slack waits ~0 s, 1 min and 5 min; the default compresses that to seconds. */
  retryDelaysMs?: number[];
  /** Base URL written into url_private, upload and response URLs when clients reach the simulator by another name. */
  publicUrl?: string;
}

/** As the reference spec's `objs_message.icons`: `emoji` for icon_emoji, `image_64` for icon_url. */
export interface SimIcons {
  emoji?: string;
  image_64?: string;
}

export interface SimFileObject {
  id: string;
  created: number;
  timestamp: number;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  pretty_type: string;
  user: string;
  user_team: string;
  editable: boolean;
  size: number;
  mode: string;
  is_external: boolean;
  external_type: string;
  is_public: boolean;
  public_url_shared: boolean;
  display_as_bot: boolean;
  username: string;
  url_private: string;
  url_private_download: string;
  permalink: string;
  permalink_public: string;
  channels: string[];
  groups: string[];
  ims: string[];
  comments_count: number;
}

export interface SimMessage {
  type: 'message';
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  username?: string;
  icons?: SimIcons;
  blocks?: unknown[];
  attachments?: unknown[];
  files?: SimFileObject[];
  upload?: boolean;
  edited?: { user: string; ts: string };
  thread_ts?: string;
  team?: string;
  client_msg_id?: string;
  inviter?: string;
  bot_profile?: { id: string; app_id: string; name: string; deleted: boolean; team_id: string; updated: number;
    icons: { image_36: string; image_48: string; image_72: string } };
}

export interface SimConversation {
  id: string;
  name?: string;
  team: string;
  is_channel: boolean;
  is_group: boolean;
  is_im: boolean;
  is_private: boolean;
  is_archived: boolean;
  created: number;
  creator: string;
  members: string[];
  /** For a DM: the user on the other side of the bot. */
  user?: string;
}

export interface SimEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  ts: string;
  /** The app (bot) that sent it, when known. */
  appId?: string;
  /** "api" for chat.postEphemeral, "response_url" or "slash_ack" for replies Slack shows only to the user. */
  source: 'api' | 'response_url' | 'slash_ack';
}

export interface SimResponseReply {
  responseUrl: string;
  body: Record<string, unknown>;
  status: number;
  receivedAt: number;
}

export interface SimFile {
  id: string;
  teamId: string;
  userId: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  channels: string[];
  urlPrivate: string;
  contentBase64: string;
}

export type DeliveryKind = 'event' | 'slash' | 'interactive';

export interface SimDelivery {
  id: string;
  kind: DeliveryKind;
  appId: string;
  url: string;
  /** HTTP status the app answered; 0 when it timed out or the connection failed. */
  status: number;
  ackMs: number;
  retryNum: number;
  retryReason?: string;
  eventId?: string;
  body: unknown;
  responseBody: string;
  headers: Record<string, string>;
}

export type FaultKind = '5xx' | 'latency' | 'invalid_auth' | 'token_revoked' | 'drop';

export interface SimFault {
  kind: FaultKind;
  method?: string;
  token?: string;
  count?: number;
  latencyMs?: number;
}

export interface SimWorkspace {
  id: string;
  name: string;
  domain: string;
}

export interface SimUser {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  displayName: string;
  image72: string;
  token: string;
}

export interface SimApp {
  appId: string;
  botUserId: string;
  botId: string;
  botToken: string;
  signingSecret: string;
  teamId: string;
  /** The legacy verification token Slack puts in payloads as `token`. */
  verificationToken: string;
}

export interface SlashCommandRoute {
  command: string;
  url: string;
}

export interface InteractionResult {
  status: number;
  body: unknown;
  ackMs: number;
  responseUrl: string;
}
