import { ChangeFeed } from './change-feed.js';
import { appTokenOf, formatTs, parseTs, secretHex, slackId, tokenOf } from './ids.js';
import { DEFAULT_TZ } from './time-zones.js';
import type {
  SimConversation, SimEphemeral, SimFault, SimFile, SimMessage, SimResponseReply, SimDelivery, SlashCommandRoute,
} from './types.js';

export interface WorkspaceRecord { id: string; name: string; domain: string }

export interface UserRecord {
  id: string; teamId: string; name: string; realName: string; displayName: string; email?: string;
  image72: string; isBot: boolean; botId?: string; appId?: string; created: number; tz: string;
}

export interface AppRecord {
  appId: string; teamId: string; name: string; signingSecret: string; verificationToken: string;
  botUserId: string; botId: string; eventsUrl?: string; interactivityUrl?: string; slashCommands: SlashCommandRoute[];
  /** Distributed outside the Marketplace: conversations.history/replies at 1 request a minute, 15 messages a page. */
  historyLimited: boolean;
  /** Events, slash commands and interactions go over Socket Mode connections instead of HTTP. */
  socketMode: boolean;
  /** Subscribed event types; undefined means every type the simulator emits. */
  events?: string[];
}

export interface AppOptions {
  historyLimited?: boolean; socketMode?: boolean; events?: string[];
}

/** `app` tokens (xapp-) are app-level: they open Socket Mode connections and nothing else; their userId is ''. */
export interface TokenRecord {
  token: string; kind: 'bot' | 'user' | 'app'; teamId: string; userId: string; appId?: string; revoked: boolean;
}

export interface PinRecord { created: number; createdBy: string }

export interface ConversationRecord extends Omit<SimConversation, 'members'> {
  members: Set<string>;
  messages: SimMessage[];
  lastTs: bigint;
  /** Pinned messages by ts. */
  pins: Map<string, PinRecord>;
}

export interface ResponseUrlRecord {
  id: string; url: string; teamId: string; channel: string; userId: string; appId: string;
  messageTs?: string;
  /** The interaction came from this ephemeral message, which replace_original and delete_original then act on. */
  ephemeralTs?: string;
  createdAt: number; uses: number;
}

export interface PendingUpload { fileId: string; teamId: string; userId: string; name: string; length: number;
  content?: Buffer }

/** Slack allows a response_url to be used five times within thirty minutes. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

function userKey(teamId: string, id: string): string {
  return `${teamId}/${id}`;
}

/** Everything the simulator knows; plain maps so the control API can show it as it is. */
export class SimState {
  workspaces = new Map<string, WorkspaceRecord>();
  users = new Map<string, UserRecord>();
  apps = new Map<string, AppRecord>();
  tokens = new Map<string, TokenRecord>();
  conversations = new Map<string, ConversationRecord>();
  ephemerals: SimEphemeral[] = [];
  responseUrls = new Map<string, ResponseUrlRecord>();
  responseReplies: SimResponseReply[] = [];
  files = new Map<string, SimFile & { created: number }>();
  uploads = new Map<string, PendingUpload>();
  deliveries: SimDelivery[] = [];
  faults: (SimFault & { remaining: number })[] = [];
  /** What changed, for watchers of `GET /_sim/stream`. */
  readonly feed = new ChangeFeed();
  private deliverySeq = 0;
  private lastLooseTs = 0n;

  constructor(readonly now: () => number) {}

  clear(): void {
    for (const map of [this.workspaces, this.users, this.apps, this.tokens, this.conversations, this.responseUrls,
      this.files, this.uploads]) {
      map.clear();
    }
    this.ephemerals = [];
    this.responseReplies = [];
    this.deliveries = [];
    this.faults = [];
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Unique, increasing per conversation; two conversations may share a ts, as on Slack. */
  nextTs(conversation: ConversationRecord): string {
    const candidate = BigInt(this.now()) * 1000n;
    const next = candidate > conversation.lastTs ? candidate : conversation.lastTs + 1n;
    conversation.lastTs = next;
    return formatTs(next);
  }

  /**
   * A ts for things that live outside a conversation's history (ephemerals, action_ts); unique, so an ephemeral
   * can be told apart from one posted in the same millisecond.
   */
  looseTs(): string {
    const candidate = BigInt(this.now()) * 1000n;
    this.lastLooseTs = candidate > this.lastLooseTs ? candidate : this.lastLooseTs + 1n;
    return formatTs(this.lastLooseTs);
  }

  addWorkspace(name: string, domain: string): WorkspaceRecord {
    const ws = { id: slackId('T'), name, domain };
    this.workspaces.set(ws.id, ws);
    this.feed.publish('workspace', { teamId: ws.id });
    return ws;
  }

  addUser(p: Omit<UserRecord, 'id' | 'created' | 'image72'> & { id?: string }): UserRecord {
    const id = p.id ?? slackId('U');
    const user: UserRecord = { ...p, id, created: this.nowSeconds(),
      image72: `https://avatars.slack-sim.invalid/${p.teamId}/${id}_72.png` };
    this.users.set(userKey(p.teamId, id), user);
    this.feed.publish('user', { teamId: p.teamId });
    return user;
  }

  /** User ids are unique within a workspace only, as two Slack teams may both hold U0SAME in tests. */
  user(teamId: string, id: string): UserRecord | undefined {
    return this.users.get(userKey(teamId, id));
  }

  issueToken(kind: 'bot' | 'user', teamId: string, userId: string, appId?: string): string {
    const token = tokenOf(kind === 'bot' ? 'xoxb' : 'xoxp', teamId.slice(1));
    this.tokens.set(token, { token, kind, teamId, userId, revoked: false, ...(appId ? { appId } : {}) });
    return token;
  }

  issueAppToken(app: AppRecord): string {
    const token = appTokenOf(app.appId);
    this.tokens.set(token, { token, kind: 'app', teamId: app.teamId, userId: '', appId: app.appId, revoked: false });
    return token;
  }

  addApp(p: { teamId: string; name: string; signingSecret?: string; eventsUrl?: string; interactivityUrl?: string;
    slashCommands?: SlashCommandRoute[] } & AppOptions): { app: AppRecord; botToken: string } {
    const appId = slackId('A');
    const botId = slackId('B');
    const username = p.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
    const bot = this.addUser({ teamId: p.teamId, name: username, realName: p.name, displayName: '', isBot: true,
      botId, appId, tz: DEFAULT_TZ });
    const app: AppRecord = {
      appId, teamId: p.teamId, name: p.name, signingSecret: p.signingSecret ?? secretHex(),
      verificationToken: secretHex(12), botUserId: bot.id, botId, slashCommands: p.slashCommands ?? [],
      historyLimited: p.historyLimited ?? false, socketMode: p.socketMode ?? false,
      ...(p.events ? { events: p.events } : {}),
      ...(p.eventsUrl ? { eventsUrl: p.eventsUrl } : {}),
      ...(p.interactivityUrl ? { interactivityUrl: p.interactivityUrl } : {}),
    };
    this.apps.set(appId, app);
    this.feed.publish('workspace', { teamId: p.teamId });
    return { app, botToken: this.issueToken('bot', p.teamId, bot.id, appId) };
  }

  appByBotUser(userId: string): AppRecord | undefined {
    for (const app of this.apps.values()) if (app.botUserId === userId) return app;
    return undefined;
  }

  addConversation(p: Omit<ConversationRecord, 'id' | 'messages' | 'lastTs' | 'created' | 'pins'>): ConversationRecord {
    const prefix = p.is_im ? 'D' : 'C';
    const conv: ConversationRecord = { ...p, id: slackId(prefix), created: this.nowSeconds(), messages: [],
      lastTs: 0n, pins: new Map() };
    this.conversations.set(conv.id, conv);
    this.feed.publish('channel', { channel: conv.id, teamId: conv.team });
    return conv;
  }

  findDm(teamId: string, a: string, b: string): ConversationRecord | undefined {
    for (const conv of this.conversations.values()) {
      if (conv.is_im && conv.team === teamId && conv.members.has(a) && conv.members.has(b)) return conv;
    }
    return undefined;
  }

  openDm(teamId: string, botUserId: string, userId: string): { conv: ConversationRecord; existed: boolean } {
    const existing = this.findDm(teamId, botUserId, userId);
    if (existing) return { conv: existing, existed: true };
    const conv = this.addConversation({ team: teamId, is_channel: false, is_group: false, is_im: true,
      is_private: true, is_archived: false, creator: botUserId, members: new Set([botUserId, userId]), user: userId });
    return { conv, existed: false };
  }

  findMessage(conv: ConversationRecord, ts: string): SimMessage | undefined {
    return conv.messages.find((m) => m.ts === ts);
  }

  addEphemeral(ephemeral: SimEphemeral): void {
    this.ephemerals.push(ephemeral);
    const conv = this.conversations.get(ephemeral.channel);
    this.feed.publish('ephemeral', { channel: ephemeral.channel, ...(conv ? { teamId: conv.team } : {}) });
  }

  /** Replaces (or, with no content, removes) the ephemeral `ts` shown to `user`; false when there is none. */
  replaceEphemeral(channel: string, user: string, ts: string,
    content?: Pick<SimEphemeral, 'text' | 'blocks' | 'attachments'>): boolean {
    const index = this.ephemerals.findIndex((e) => e.channel === channel && e.user === user && e.ts === ts);
    const current = this.ephemerals[index];
    if (!current) return false;
    if (content) {
      const { blocks: _blocks, attachments: _attachments, ...rest } = current;
      this.ephemerals[index] = { ...rest, ...content };
    } else {
      this.ephemerals.splice(index, 1);
    }
    const conv = this.conversations.get(channel);
    this.feed.publish('ephemeral', { channel, ...(conv ? { teamId: conv.team } : {}) });
    return true;
  }

  addResponseUrl(baseUrl: string, p: Omit<ResponseUrlRecord, 'id' | 'url' | 'createdAt' | 'uses'>): ResponseUrlRecord {
    const id = `${p.teamId}/${slackId('', 13)}/${secretHex(12)}`;
    const record: ResponseUrlRecord = { ...p, id, url: `${baseUrl}/hooks/commands/${id}`, createdAt: this.now(),
      uses: 0 };
    this.responseUrls.set(id, record);
    return record;
  }

  nextDeliveryId(): string {
    this.deliverySeq += 1;
    return `dlv-${this.deliverySeq}`;
  }

  /** Ordered by ts, as `conversations.history` would list them oldest first. */
  sortedMessages(conv: ConversationRecord): SimMessage[] {
    return [...conv.messages].sort((x, y) => Number((parseTs(x.ts) ?? 0n) - (parseTs(y.ts) ?? 0n)));
  }

  publicConversation(conv: ConversationRecord): SimConversation {
    const { messages: _messages, lastTs: _lastTs, pins: _pins, members, ...rest } = conv;
    return { ...rest, members: [...members] };
  }
}
