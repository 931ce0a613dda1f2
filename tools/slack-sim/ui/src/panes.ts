import type { Directory } from './directory.js';

/** What one pane shows and who is acting in it. */
export interface PaneState {
  teamId: string;
  /** The conversation; absent while `bot` names a DM the acting person has not started yet. */
  channel?: string;
  /** The bot user of a DM not started yet: the first message opens it, as in Slack. */
  bot?: string;
  actAs: string;
  /** The open thread's parent ts. */
  thread?: string;
}

const KEYS = { teamId: 'ws', channel: 'c', bot: 'bot', actAs: 'as', thread: 't' } as const;

/** The panes in the address (`#ws=T1&c=C1&as=U1&ws2=...`), so a view can be reloaded, bookmarked or shared. */
export function panesToHash(panes: PaneState[]): string {
  const params = new URLSearchParams();
  panes.forEach((pane, index) => {
    const suffix = index === 0 ? '' : String(index + 1);
    for (const [field, key] of Object.entries(KEYS) as [keyof PaneState, string][]) {
      const value = pane[field];
      if (value) params.set(`${key}${suffix}`, value);
    }
  });
  return `#${params.toString()}`;
}

export function panesFromHash(hash: string): PaneState[] {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const panes: PaneState[] = [];
  for (const suffix of ['', '2']) {
    const teamId = params.get(`ws${suffix}`);
    if (!teamId) continue;
    const pane: PaneState = { teamId, actAs: params.get(`as${suffix}`) ?? '' };
    const channel = params.get(`c${suffix}`);
    const bot = params.get(`bot${suffix}`);
    const thread = params.get(`t${suffix}`);
    if (channel) pane.channel = channel;
    if (bot) pane.bot = bot;
    if (thread) pane.thread = thread;
    panes.push(pane);
  }
  return panes;
}

/** Who acts in a conversation by default: `preferred` if they may, else its first human member, else anyone. */
export function defaultActor(directory: Directory, teamId: string, channel: string | undefined, preferred?: string): string {
  const humans = directory.humans(teamId);
  const members = channel ? directory.channel(channel)?.members : undefined;
  const dm = channel ? directory.workspace(teamId)?.dms.find((candidate) => candidate.id === channel) : undefined;
  if (dm) return dm.user.id;
  const allowed = members ? humans.filter((person) => members.includes(person.id)) : humans;
  if (preferred && allowed.some((person) => person.id === preferred)) return preferred;
  return allowed[0]?.id ?? humans[0]?.id ?? '';
}

/** The acting person's DM with a bot: the conversation if it exists, else one to start. */
export function dmPane(directory: Directory, teamId: string, actAs: string, botUserId: string): PaneState {
  const dm = directory.workspace(teamId)?.dms.find((candidate) => candidate.user.id === actAs && candidate.bot.id === botUserId);
  return dm ? { teamId, actAs, channel: dm.id } : { teamId, actAs, bot: botUserId };
}

/**
 * A workspace's landing pane: its first open channel (the help channel in the sandbox); in a workspace without
 * channels (a customer's), the acting person's DM with the workspace's bot.
 */
export function landingPane(directory: Directory, teamId: string, preferredActor?: string): PaneState {
  const workspace = directory.workspace(teamId);
  const channel = workspace?.channels.find((candidate) => !candidate.isArchived)?.id;
  const actAs = defaultActor(directory, teamId, channel, preferredActor);
  const bot = workspace?.apps[0]?.botUserId;
  if (!channel && bot && actAs) return dmPane(directory, teamId, actAs, bot);
  return { teamId, actAs, ...(channel ? { channel } : {}) };
}
