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
  /** How long a Socket Mode connection stays open after a `warning` disconnect message (Slack: about 10 s). */
  socketWarningCloseMs?: number;
  /** The built browser UI served at `/` (default: dist-ui found beside the simulator, see ui-bundle.ts). */
  uiDir?: string;
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

export interface SimReaction {
  name: string;
  users: string[];
  count: number;
}

/** Message metadata as chat.postMessage takes it (docs.slack.dev/messaging/message-metadata). */
export interface SimMessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
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
  reactions?: SimReaction[];
  /** Channels the message is pinned to. */
  pinned_to?: string[];
  /** On a thread reply: the author of the thread's parent. */
  parent_user_id?: string;
  /** On a thread parent: the thread's summary, kept current as replies come and go. */
  reply_count?: number;
  reply_users_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  is_locked?: boolean;
  subscribed?: boolean;
  /** On a `thread_broadcast`: the thread's parent as it was when the reply was broadcast. */
  root?: SimMessage;
  metadata?: SimMessageMetadata;
  /** A deleted parent that still has replies stays as a hidden `tombstone`, as on Slack. */
  hidden?: boolean;
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

export type DeliveryTransport = 'http' | 'socket';

export interface SimDelivery {
  id: string;
  kind: DeliveryKind;
  appId: string;
  /** `http`: a signed POST to the app's URL; `socket`: an envelope over one of its Socket Mode connections. */
  transport: DeliveryTransport;
  /** The request URL (http) or the Socket Mode URL of the connection used ('' when none was open). */
  url: string;
  /** Socket Mode only: the envelope's id and the connection it went over. */
  envelopeId?: string;
  connectionId?: string;
  /** HTTP status the app answered (200 for a Socket Mode ack); 0 when it timed out or could not be reached. */
  status: number;
  ackMs: number;
  retryNum: number;
  retryReason?: string;
  eventId?: string;
  body: unknown;
  responseBody: string;
  headers: Record<string, string>;
}

/**
 * `drop` closes the connection before the method runs; `reset_after_send` runs it (the message is
 * posted) and then closes the connection without answering, as a connection lost mid-response does.
 */
export type FaultKind = '5xx' | 'latency' | 'invalid_auth' | 'token_revoked' | 'drop' | 'reset_after_send';

export interface SimFault {
  kind: FaultKind;
  method?: string;
  token?: string;
  /** Only requests naming this channel (`channel` argument). */
  channel?: string;
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
  /** IANA time zone; users.info derives `tz_label` and `tz_offset` from it. */
  tz: string;
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
  /** Where the command is POSTed; not needed by an app in Socket Mode. */
  url?: string;
}

export interface InteractionResult {
  status: number;
  body: unknown;
  ackMs: number;
  responseUrl: string;
}
