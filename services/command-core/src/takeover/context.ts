import type { EngagementDirectory, JetStreamClient, Logger, Pool, Redis } from '@megatron/runtime';
import type { Config } from '../config.js';
import type { EngagementRow } from '../db/engagements.js';
import { insertStep, selectStep } from '../db/command-steps.js';
import type { Integration, Organization, Tenants } from '../tenants/types.js';
import type { BotIdentities } from './bot-identity.js';
import type { CustomerLocks } from './lifecycle/customer-locks.js';
import type { Receipts } from './receipts.js';
import type { AppNotifierClient, CustomerTokens, SlackClient } from './slack-gateway.js';

/** Everything the takeover operations share; built once by createTakeover. */
export interface TakeoverContext {
  config: Config;
  logger: Logger;
  pool: Pool;
  redis: Redis;
  js: JetStreamClient;
  tenants: Tenants;
  slack: SlackClient;
  appNotifier: AppNotifierClient;
  customerTokens: CustomerTokens;
  /** The customer workspaces' bots, whose replies are mirrored under their names. */
  botIdentities: BotIdentities;
  receipts: Receipts;
  directory: EngagementDirectory;
  clock: () => Date;
  measures: TakeoverMeasures;
  /** Per-customer lifecycle locks, on Postgres sessions of their own. */
  locks: CustomerLocks;
}

/** Response times as Prometheus histograms, in seconds. */
export interface TakeoverMeasures {
  /** From the open (or the customer's first message after it) to the first agent message delivered. */
  firstResponse: { observe(seconds: number): void };
  /** From the open to the close. */
  engagementDuration: { observe(seconds: number): void };
}

/** Who acts: an agent in Slack, an integrating app through the API, a scheduled job, or Slack itself. */
export type ActorKind = 'agent' | 'api' | 'job' | 'slack';

/** Who acts and under which idempotency key: a Command (`command.id`), an API call or a job item. */
export interface Actor {
  kind: ActorKind;
  organization: Organization;
  integration: Integration;
  /** The agent in the integration workspace, when a person acts. */
  agentUserId: string;
  agentName: string;
  /** Prefix of every idempotency key this action writes; stable across redeliveries. */
  key: string;
  /**
   * Told as soon as a (re)opened channel exists and the agent is in it, before the history is imported:
   * `/megatron open` answers with the link then, not after the import.
   */
  announceChannel?: (engagement: EngagementRow) => Promise<void>;
}

/**
 * Runs one effect of an action at most once per key: a redelivered Command gets the stored result
 * instead of repeating a post or an app command.
 */
export async function once<T>(ctx: TakeoverContext, actor: Actor, step: string, run: () => Promise<T>): Promise<T> {
  const done = await selectStep<T>(ctx.pool, actor.key, step);
  if (done !== undefined) return done;
  const result = await run();
  await insertStep(ctx.pool, actor.key, step, result);
  return result;
}
