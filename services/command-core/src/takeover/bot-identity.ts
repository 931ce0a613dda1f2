import type { Logger } from '@megatron/runtime';
import type { CustomerWorkspace } from '../tenants/types.js';
import { withToken, type CustomerTokens, type SlackClient } from './slack-gateway.js';

/** How the customer-side bot shows in the engagement channel: as its users see it in their workspace. */
export interface BotIdentity {
  name: string;
  /** Empty when Slack gives none: the mirror shows the robot instead. */
  iconUrl: string;
}

/** When Slack cannot say who the bot is: the original's name for it. */
export const UNKNOWN_BOT: BotIdentity = { name: 'Bot', iconUrl: '' };

/** A bot is renamed rarely: an hour spares every mirror two Slack calls and still follows a rename the same day. */
export const BOT_IDENTITY_CACHE_MS = 60 * 60 * 1000;
/** After a failed lookup, mirrors use UNKNOWN_BOT for a minute instead of asking Slack again for each one. */
export const BOT_IDENTITY_RETRY_MS = 60 * 1000;

/** Asks Slack who a customer workspace's bot is. */
export type BotLookup = (workspace: CustomerWorkspace) => Promise<BotIdentity>;

/**
 * auth.test with the workspace's token names its bot user; users.info gives that user's name and avatar (Slack
 * keeps a bot's display name in real_name, its handle in name).
 */
export function slackBotLookup(slack: SlackClient, customerTokens: CustomerTokens): BotLookup {
  return async (workspace) => {
    const { userId } = await customerTokens.call(workspace, (token) => slack.authTest({}, withToken(token)));
    const { user } = await customerTokens.call(workspace, (token) => slack.getUserInfo({ user: userId }, withToken(token)));
    return { name: user?.realName || user?.displayName || user?.name || UNKNOWN_BOT.name, iconUrl: user?.imageUrl ?? '' };
  };
}

interface Entry {
  identity: Promise<BotIdentity>;
  expiresAt: number;
}

/**
 * The customer workspaces' bots, kept in memory by workspace for BOT_IDENTITY_CACHE_MS. A lookup that fails is
 * logged and answered with UNKNOWN_BOT, never the mirror's failure.
 */
export class BotIdentities {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly lookUp: BotLookup,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  of(workspace: CustomerWorkspace): Promise<BotIdentity> {
    const now = this.now();
    const cached = this.entries.get(workspace.id);
    if (cached && cached.expiresAt > now) return cached.identity;
    const entry: Entry = { identity: this.lookUp(workspace), expiresAt: now + BOT_IDENTITY_CACHE_MS };
    entry.identity = entry.identity.catch((error: unknown) => {
      this.logger.warn({ err: error, organizationId: workspace.organizationId, teamId: workspace.platformId }, 'could not look up the customer workspace bot; mirroring as "Bot"');
      entry.expiresAt = this.now() + BOT_IDENTITY_RETRY_MS;
      return UNKNOWN_BOT;
    });
    this.entries.set(workspace.id, entry);
    return entry.identity;
  }
}
