import type { SimChange } from './change-feed.js';
import type { ConversationView } from './control/conversation-view.js';
import type { RateLimitConfig } from './rate-limits.js';
import type { DisconnectReason, SocketConnectionInfo } from './socket-mode/hub.js';
import type {
  DeliveryKind, DeliveryTransport, InteractionResult, SimApp, SimConversation, SimDelivery, SimEphemeral, SimFault, SimFile, SimMessage,
  SimResponseReply, SimUser, SimWorkspace, SlashCommandRoute,
} from './types.js';

/** App settings createApp and updateApp share. */
export interface AppSettings {
  eventsUrl?: string; interactivityUrl?: string; slashCommands?: SlashCommandRoute[];
  /** Distributed outside the Marketplace: conversations.history/replies at 1 request a minute and 15 messages. */
  historyLimited?: boolean;
  /** Events, slash commands and interactions go over Socket Mode connections instead of HTTP. */
  socketMode?: boolean;
  /** Subscribed event types (`message.im`, `reaction_added`, ...); absent means every type. */
  events?: string[];
}

export interface CreateAppInput extends AppSettings {
  teamId: string; name: string; signingSecret?: string;
}

/** One entry of the workspaces overview a UI's sidebar is built from. */
export interface WorkspaceOverview {
  id: string; name: string; domain: string;
  channels: { id: string; name?: string; isPrivate: boolean; isArchived: boolean; members: string[];
    messageCount: number; pinCount: number }[];
  dms: { id: string; isArchived: boolean; messageCount: number; user: OverviewPerson; bot: OverviewPerson }[];
  users: OverviewPerson[];
  apps: { appId: string; name: string; botUserId: string; botId: string; socketMode: boolean; historyLimited: boolean;
    socketConnections: number }[];
}

export interface OverviewPerson {
  id: string; name?: string; realName?: string; displayName?: string; image72?: string; isBot?: boolean; tz?: string;
  appId?: string;
}

export interface ChannelActionInput { teamId: string; userId: string; channel: string }

export interface InteractionInput {
  teamId: string; userId: string; channel: string; style: 'legacy' | 'block'; callbackId?: string; actionId?: string;
  value: string; messageTs?: string; appId?: string;
  /** Legacy: the action's name. Block Kit: the label the person saw, the button's or the chosen option's text. */
  name?: string;
  /** Block Kit: the block the element sat in (default `actions`). */
  blockId?: string;
}

/** Raised when the control API refuses a request; `message` is the simulator's explanation. */
export class SimControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Typed HTTP client of the simulator's control API (`/_sim/...`); works from any process. */
export class SimControl {
  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  createWorkspace(p: { name: string; domain: string }): Promise<SimWorkspace> {
    return this.post('workspaces', p);
  }

  /** `id` fixes the user id (random otherwise); the same id may exist in two workspaces, not twice in one. */
  createUser(p: { teamId: string; name: string; realName?: string; displayName?: string; email?: string;
    id?: string; tz?: string }): Promise<SimUser> {
    return this.post('users', p);
  }

  async createApp(p: CreateAppInput): Promise<SimApp> {
    return this.post('apps', p);
  }

  /** `events: null` goes back to receiving every event type. */
  async updateApp(appId: string, p: Omit<AppSettings, 'events'> & { events?: string[] | null }): Promise<void> {
    await this.post('apps/update', { appId, ...p });
  }

  sendDirectMessage(p: { teamId: string; userId: string; appId: string; text: string }):
  Promise<{ channel: string; ts: string; eventId: string }> {
    return this.post('actions/direct-message', p);
  }

  /** `threadTs` replies in a thread; `replyBroadcast` also sends the reply to the channel (thread_broadcast). */
  postAsUser(p: { teamId: string; userId: string; channel: string; text: string; threadTs?: string;
    replyBroadcast?: boolean }): Promise<{ ts: string; eventId: string }> {
    return this.post('actions/post', p);
  }

  editAsUser(p: { teamId: string; userId: string; channel: string; ts: string; text: string }):
  Promise<{ eventId: string }> {
    return this.post('actions/edit', p);
  }

  deleteAsUser(p: { teamId: string; userId: string; channel: string; ts: string }): Promise<{ eventId: string }> {
    return this.post('actions/delete', p);
  }

  /** `threadTs` shares the file as a reply in that thread. */
  shareFile(p: { teamId: string; userId: string; channel: string; name: string; mimetype: string;
    contentBase64: string; text?: string; threadTs?: string }): Promise<{ ts: string; fileId: string; eventId: string }> {
    return this.post('actions/share-file', p);
  }

  runSlashCommand(p: { teamId: string; userId: string; channel: string; command: string; text: string;
    appId?: string }): Promise<InteractionResult & { triggerId: string }> {
    return this.post('actions/slash-command', p);
  }

  clickButton(p: InteractionInput): Promise<InteractionResult> {
    return this.post('actions/click-button', p);
  }

  chooseOption(p: InteractionInput): Promise<InteractionResult> {
    return this.post('actions/choose-option', p);
  }

  archiveChannel(p: ChannelActionInput): Promise<{ eventId: string }> {
    return this.post('actions/archive-channel', p);
  }

  unarchiveChannel(p: ChannelActionInput): Promise<{ eventId: string }> {
    return this.post('actions/unarchive-channel', p);
  }

  deleteChannel(p: ChannelActionInput): Promise<{ eventId: string }> {
    return this.post('actions/delete-channel', p);
  }

  /** Like conversations.kick by the person `userId`. */
  removeFromChannel(p: ChannelActionInput & { removeUserId: string }): Promise<{ eventId: string }> {
    return this.post('actions/remove-from-channel', p);
  }

  sendUrlVerification(p: { appId: string }): Promise<{ status: number; body: unknown; challenge: string }> {
    return this.post('actions/url-verification', p);
  }

  /** `retryNum` > 0 delivers it as Slack's retry of that number (X-Slack-Retry-Num, Socket Mode's retry_attempt). */
  sendRawEvent(p: { appId: string; event: Record<string, unknown>; eventId?: string; retryNum?: number }): Promise<{ eventId: string }> {
    return this.post('actions/raw-event', p);
  }

  async messages(channel: string): Promise<SimMessage[]> {
    return (await this.get<{ messages: SimMessage[] }>('messages', { channel })).messages;
  }

  /** One conversation as `viewer` sees it (their ephemerals only); `thread` adds that thread's parent and replies. */
  conversationView(p: { channel: string; viewer?: string; thread?: string }): Promise<ConversationView> {
    const query: Record<string, string> = { channel: p.channel };
    if (p.viewer) query.viewer = p.viewer;
    if (p.thread) query.thread = p.thread;
    return this.get<ConversationView>('conversation-view', query);
  }

  async conversation(channel: string): Promise<SimConversation> {
    return (await this.get<{ conversation: SimConversation }>('conversation', { channel })).conversation;
  }

  async findChannelByName(teamId: string, name: string): Promise<SimConversation | undefined> {
    const { conversation } = await this.get<{ conversation: SimConversation | null }>('channel-by-name', { teamId, name });
    return conversation ?? undefined;
  }

  async dmChannel(teamId: string, userId: string, botUserId: string): Promise<string | undefined> {
    const { channel } = await this.get<{ channel: string | null }>('dm-channel', { teamId, userId, botUserId });
    return channel ?? undefined;
  }

  async ephemerals(channel?: string): Promise<SimEphemeral[]> {
    return (await this.get<{ ephemerals: SimEphemeral[] }>('ephemerals', channel ? { channel } : {})).ephemerals;
  }

  async responseUrlReplies(responseUrl?: string): Promise<SimResponseReply[]> {
    return (await this.get<{ replies: SimResponseReply[] }>('response-url-replies',
      responseUrl ? { responseUrl } : {})).replies;
  }

  async files(): Promise<SimFile[]> {
    return (await this.get<{ files: SimFile[] }>('files', {})).files;
  }

  async deliveries(filter: { appId?: string; kind?: DeliveryKind; transport?: DeliveryTransport } = {}):
  Promise<SimDelivery[]> {
    const query: Record<string, string> = {};
    if (filter.appId) query.appId = filter.appId;
    if (filter.kind) query.kind = filter.kind;
    if (filter.transport) query.transport = filter.transport;
    return (await this.get<{ deliveries: SimDelivery[] }>('deliveries', query)).deliveries;
  }

  /** Polls until the conversation holds at least `count` messages; fails with what it saw after `timeoutMs`. */
  async waitForMessages(channel: string, count: number, timeoutMs = 5000): Promise<SimMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.messages(channel);
      if (found.length >= count) return found;
      if (Date.now() >= deadline) {
        throw new Error(`expected ${count} messages in ${channel} within ${timeoutMs} ms, saw ${found.length}: `
          + JSON.stringify(found.map((m) => m.text)));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async fault(p: SimFault): Promise<void> {
    await this.post('faults', p);
  }

  async clearFaults(): Promise<void> {
    await this.parse(await fetch(`${this.baseUrl}/_sim/faults`, { method: 'DELETE' }));
  }

  async revokeToken(token: string): Promise<void> {
    await this.post('tokens/revoke', { token });
  }

  issueBotToken(appId: string): Promise<{ botToken: string }> {
    return this.post('apps/bot-token', { appId });
  }

  /** An app-level token (`xapp-1-...`) for apps.connections.open. */
  issueAppToken(appId: string): Promise<{ appToken: string }> {
    return this.post('apps/app-token', { appId });
  }

  async setRateLimits(on: boolean, config?: RateLimitConfig): Promise<void> {
    await this.post('rate-limits', { on, ...(config ? { config } : {}) });
  }

  /** Event retries on or off, and the delays before retry 1, 2 and 3 (SLACK_RETRY_SCHEDULE_MS is Slack's). */
  setEventRetries(p: { on?: boolean; delaysMs?: readonly number[] }): Promise<{ on: boolean; delaysMs: number[] }> {
    return this.post('event-retries', p);
  }

  async socketConnections(appId?: string): Promise<SocketConnectionInfo[]> {
    return (await this.get<{ connections: SocketConnectionInfo[] }>('socket/connections', appId ? { appId } : {}))
      .connections;
  }

  /** Sends Slack's `disconnect` message to one connection or all of the app's; they close after it. */
  async disconnectSocket(p: { appId: string; reason?: DisconnectReason; connectionId?: string }):
  Promise<SocketConnectionInfo[]> {
    return (await this.post<{ connections: SocketConnectionInfo[] }>('socket/disconnect', p)).connections;
  }

  /** Destroys the connections without a close frame. */
  async dropSocket(p: { appId: string; connectionId?: string }): Promise<SocketConnectionInfo[]> {
    return (await this.post<{ connections: SocketConnectionInfo[] }>('socket/drop', p)).connections;
  }

  async workspacesOverview(): Promise<WorkspaceOverview[]> {
    return (await this.get<{ workspaces: WorkspaceOverview[] }>('workspaces-overview', {})).workspaces;
  }

  /** Where `GET /_sim/stream` (server-sent events of SimChange) is served, for an EventSource. */
  get streamUrl(): string {
    return `${this.baseUrl}/_sim/stream`;
  }

  /**
   * Calls `onChange` for every change the simulator publishes from now on, read from `GET /_sim/stream`, until
   * the returned function is called; `onEnd` hears when the stream ends on its own (the simulator closed, or
   * the connection failed). Resolves once the stream is open, so no later change is missed.
   */
  async watchChanges(onChange: (change: SimChange) => void, onEnd?: (error?: unknown) => void): Promise<() => void> {
    const abort = new AbortController();
    const res = await fetch(this.streamUrl, { signal: abort.signal });
    const body = res.body;
    if (res.status !== 200 || !body) throw new Error(`slack-sim control stream: HTTP ${res.status}`);
    const pump = async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('data: ')) onChange(JSON.parse(line.slice(6)) as SimChange);
      }
    };
    pump().then(
      () => onEnd?.(),
      (error: unknown) => {
        if (!abort.signal.aborted) onEnd?.(error);
      },
    );
    return () => abort.abort();
  }

  async reset(): Promise<void> {
    await this.post('reset', {});
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    return this.parse<T>(await fetch(`${this.baseUrl}/_sim/${path}`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  }

  private async get<T>(path: string, query: Record<string, string>): Promise<T> {
    return this.parse<T>(await fetch(`${this.baseUrl}/_sim/${path}?${new URLSearchParams(query)}`));
  }

  private async parse<T>(res: Response): Promise<T> {
    const body = (await res.json()) as { ok: boolean; error?: string } & Record<string, unknown>;
    if (!res.ok || !body.ok) throw new SimControlError(res.status, body.error ?? `control API answered ${res.status}`);
    const { ok: _ok, ...rest } = body;
    return rest as T;
  }
}
