import { toJson } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import { DeadLetterSchema, EngagementLogEntrySchema, GetBroadcastResultsResponseSchema, type MegatronAdminService } from '@megatron/contracts';
import type { Pool } from '@megatron/runtime';
import { reencryptAll } from '../crypto/reencrypt.js';
import type { TokenCipher } from '../crypto/token-cipher.js';
import { broadcastResults } from '../takeover/broadcast-results.js';
import { engagementLog, LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX } from '../takeover/engagement-log.js';
import { notFound } from '../tenants/errors.js';
import type { TenantAdmin } from '../tenants/tenant-admin.js';
import type { Tenants } from '../tenants/types.js';
import { isUuid } from '../tenants/uuid.js';
import { expectPositionals, integerOption, positional, requiredOption, stringOption, UsageError, type ParsedArgs } from './argv.js';

export interface CliContext {
  pool: Pool;
  cipher: TokenCipher;
  admin: TenantAdmin;
  tenants: Tenants;
  /** The running command-core's admin API (COMMAND_CORE_URL, MEGATRON_ADMIN_TOKEN). */
  commandCore(): Client<typeof MegatronAdminService>;
  readStdin(): Promise<string>;
}

export interface CliCommand {
  usage: string;
  summary: string;
  options: Record<string, 'string' | 'boolean'>;
  /** The service the command calls, named in its errors. */
  calls?: 'command-core';
  run(context: CliContext, args: ParsedArgs): Promise<unknown>;
}

const DEFAULT_KEEP_PREVIOUS_SECONDS = 24 * 60 * 60;

/** `-` reads the value from stdin, so tokens stay out of shell history and process lists. */
async function secretOption(context: CliContext, args: ParsedArgs, name: string): Promise<string> {
  const value = requiredOption(args, name);
  if (value !== '-') return value;
  const line = (await context.readStdin()).trim();
  if (line === '') throw new UsageError(`--${name} -: nothing on stdin`);
  return line;
}

function instantOf(value: string): Date {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) {
    throw new UsageError(`--at must be an ISO 8601 time like 2026-11-24T18:00:00Z, got ${JSON.stringify(value)}`);
  }
  return at;
}

function sequenceOf(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new UsageError(`<sequence> must be a whole number, got ${JSON.stringify(value)}`);
  return BigInt(value);
}

export const COMMANDS: Record<string, CliCommand> = {
  'org create': {
    usage: 'org create --name <name> [--command-url <url>]',
    summary: 'create an organization; prints its webhook secret and verification token once',
    options: { name: 'string', 'command-url': 'string' },
    run: (context, args) => {
      expectPositionals(args, 0);
      return context.admin.createOrganization({ name: requiredOption(args, 'name'), commandUrl: stringOption(args, 'command-url') });
    },
  },
  'org list': {
    usage: 'org list',
    summary: 'list organizations',
    options: {},
    run: async (context, args) => {
      expectPositionals(args, 0);
      return { organizations: await context.admin.listOrganizations() };
    },
  },
  'org update': {
    usage: 'org update <org-id> [--name <name>] [--command-url <url>]',
    summary: 'rename an organization or change its command_url',
    options: { name: 'string', 'command-url': 'string' },
    run: (context, args) => {
      expectPositionals(args, 1);
      const name = stringOption(args, 'name');
      const commandUrl = stringOption(args, 'command-url');
      if (name === undefined && commandUrl === undefined) throw new UsageError('nothing to update: give --name or --command-url');
      return context.admin.updateOrganization(positional(args, 0, 'org-id'), { name, commandUrl });
    },
  },
  'org set-command-url': {
    usage: 'org set-command-url <org-id> <url>',
    summary: "set where the organization's app commands are sent",
    options: {},
    run: (context, args) => {
      expectPositionals(args, 2);
      return context.admin.updateOrganization(positional(args, 0, 'org-id'), { commandUrl: positional(args, 1, 'url') });
    },
  },
  'org settings': {
    usage: 'org settings <org-id> [--receipts on|off] [--takeover-mode hold|send-and-warn|auto-pause]',
    summary: "how agents work: delivery receipts on their messages, and what happens when they write while the bot answers",
    options: { receipts: 'string', 'takeover-mode': 'string' },
    run: (context, args) => {
      expectPositionals(args, 1);
      const receipts = stringOption(args, 'receipts');
      if (receipts !== undefined && receipts !== 'on' && receipts !== 'off') throw new UsageError(`--receipts: expected on or off, got ${JSON.stringify(receipts)}`);
      return context.admin.updateOrganization(positional(args, 0, 'org-id'), {
        ...(receipts === undefined ? {} : { receipts: receipts === 'on' }),
        takeoverMode: stringOption(args, 'takeover-mode'),
      });
    },
  },
  'org rotate-secret': {
    usage: 'org rotate-secret <org-id> [--keep-previous <seconds>]',
    summary: `new webhook secret; the previous one keeps signing for --keep-previous seconds (default ${DEFAULT_KEEP_PREVIOUS_SECONDS})`,
    options: { 'keep-previous': 'string' },
    run: async (context, args) => {
      expectPositionals(args, 1);
      const keep = integerOption(args, 'keep-previous', DEFAULT_KEEP_PREVIOUS_SECONDS);
      return { webhook_secret: await context.admin.rotateWebhookSecret(positional(args, 0, 'org-id'), keep) };
    },
  },
  'org enable-endpoint': {
    usage: 'org enable-endpoint <org-id>',
    summary: 'resume app commands to a command_url that answered 410 Gone',
    options: {},
    run: (context, args) => {
      expectPositionals(args, 1);
      return context.admin.setEndpointDisabled(positional(args, 0, 'org-id'), null);
    },
  },
  'integration set': {
    usage: 'integration set <org-id> --team-id <T…> --bot-token <token|-> [--domain <d>] [--bot-user-id <U…>] [--notification-channel <C…>]',
    summary: "create or update the organization's integration workspace (where agents work)",
    options: { 'team-id': 'string', 'bot-token': 'string', domain: 'string', 'bot-user-id': 'string', 'notification-channel': 'string' },
    run: async (context, args) => {
      expectPositionals(args, 1);
      const integration = await context.admin.upsertIntegration({
        organizationId: positional(args, 0, 'org-id'),
        teamId: requiredOption(args, 'team-id'),
        botToken: await secretOption(context, args, 'bot-token'),
        domain: stringOption(args, 'domain'),
        botUserId: stringOption(args, 'bot-user-id'),
        notificationChannelId: stringOption(args, 'notification-channel'),
      });
      const { botToken: _secret, ...visible } = integration;
      return visible;
    },
  },
  'workspace register': {
    usage: 'workspace register <org-id> --team-id <T…> --token <token|-> [--name <name>] [--domain <domain>]',
    summary: "create or update a customer workspace (keyed on its team id; a new token updates it)",
    options: { 'team-id': 'string', token: 'string', name: 'string', domain: 'string' },
    run: async (context, args) => {
      expectPositionals(args, 1);
      const { workspace, created } = await context.tenants.registerWorkspace(positional(args, 0, 'org-id'), {
        platformId: requiredOption(args, 'team-id'),
        connectionToken: await secretOption(context, args, 'token'),
        name: stringOption(args, 'name') ?? '',
        domain: stringOption(args, 'domain') ?? '',
      });
      const { connectionToken: _secret, ...visible } = workspace;
      return { workspace: visible, created };
    },
  },
  'workspace list': {
    usage: 'workspace list <org-id>',
    summary: "list an organization's customer workspaces",
    options: {},
    run: async (context, args) => {
      expectPositionals(args, 1);
      const organizationId = (await context.admin.organization(positional(args, 0, 'org-id'))).id;
      const workspaces = await context.tenants.customerWorkspaces(organizationId);
      return { workspaces: workspaces.map(({ connectionToken: _secret, ...visible }) => visible) };
    },
  },
  'token issue': {
    usage: 'token issue <org-id> [--label <label>]',
    summary: 'issue an API token for the integrating app; printed once, stored hashed',
    options: { label: 'string' },
    run: (context, args) => {
      expectPositionals(args, 1);
      return context.admin.issueApiToken(positional(args, 0, 'org-id'), stringOption(args, 'label') ?? '');
    },
  },
  'token list': {
    usage: 'token list <org-id>',
    summary: "list an organization's API tokens (ids and labels, never the tokens)",
    options: {},
    run: async (context, args) => {
      expectPositionals(args, 1);
      return { tokens: await context.admin.listApiTokens(positional(args, 0, 'org-id')) };
    },
  },
  'token revoke': {
    usage: 'token revoke <token-id>',
    summary: 'revoke an API token at once',
    options: {},
    run: (context, args) => {
      expectPositionals(args, 1);
      return context.admin.revokeApiToken(positional(args, 0, 'token-id'));
    },
  },
  'dead-letters list': {
    usage: 'dead-letters list [--org <org-id>] [--limit <n>]',
    summary: 'app commands that failed every retry (through the running command-core at COMMAND_CORE_URL)',
    options: { org: 'string', limit: 'string' },
    calls: 'command-core',
    run: async (context, args) => {
      expectPositionals(args, 0);
      const response = await context.commandCore().listAppDeadLetters({ organizationId: stringOption(args, 'org') ?? '', limit: integerOption(args, 'limit', 50) });
      return { dead_letters: response.deadLetters.map((letter) => toJson(DeadLetterSchema, letter)) };
    },
  },
  'dead-letters replay': {
    usage: 'dead-letters replay <sequence>',
    summary: 'send a dead-lettered app command again',
    options: {},
    calls: 'command-core',
    run: async (context, args) => {
      expectPositionals(args, 1);
      const sequence = sequenceOf(positional(args, 0, 'sequence'));
      await context.commandCore().replayAppDeadLetter({ sequence });
      return { replayed: sequence.toString() };
    },
  },
  'jobs run': {
    usage: 'jobs run [--job <name>] [--at <ISO time>]',
    summary: 'run the scheduled jobs due now (or at --at, megatron-dev only) on the running command-core (COMMAND_CORE_URL)',
    options: { job: 'string', at: 'string' },
    calls: 'command-core',
    run: async (context, args) => {
      expectPositionals(args, 0);
      const at = stringOption(args, 'at');
      const response = await context.commandCore().runScheduledJobs({
        job: stringOption(args, 'job') ?? '',
        ...(at === undefined ? {} : { at: timestampFromDate(instantOf(at)) }),
      });
      return { items: response.items.map(({ job, item, outcome, error }) => ({ job, item, outcome, ...(error ? { error } : {}) })) };
    },
  },
  'engagements log': {
    usage: 'engagements log <org-id> --team-id T0CUSTOMER --user-id U0CUSTOMER [--limit 100]',
    summary: "a customer's engagement log: who opened, paused, claimed and closed it, when and why (oldest first)",
    options: { 'team-id': 'string', 'user-id': 'string', limit: 'string' },
    run: async (context, args) => {
      expectPositionals(args, 1);
      const organizationId = positional(args, 0, 'org-id');
      if (!isUuid(organizationId)) throw new UsageError(`<org-id> must be an organization id (a UUID), got ${JSON.stringify(organizationId)}`);
      const limit = integerOption(args, 'limit', LOG_LIMIT_DEFAULT);
      if (limit < 1 || limit > LOG_LIMIT_MAX) throw new UsageError(`--limit must be between 1 and ${LOG_LIMIT_MAX}`);
      const entries = await engagementLog(context.pool, organizationId, requiredOption(args, 'team-id'), requiredOption(args, 'user-id'), limit);
      return entries.map((entry) => toJson(EngagementLogEntrySchema, entry, { alwaysEmitImplicit: true }));
    },
  },
  'broadcasts results': {
    usage: 'broadcasts results <broadcast-id>',
    summary: "a broadcast's 👍/👎 feedback: how many customers got it, the counts and each customer's answer",
    options: {},
    run: async (context, args) => {
      expectPositionals(args, 1);
      const broadcastId = positional(args, 0, 'broadcast-id');
      if (!isUuid(broadcastId)) throw new UsageError(`<broadcast-id> must be the broadcast_id a broadcast answered (a UUID), got ${JSON.stringify(broadcastId)}`);
      const results = await broadcastResults(context.pool, broadcastId);
      if (!results) throw notFound(`no broadcast ${broadcastId}`);
      // Every field printed, counts of zero included (Connect JSON would leave them out).
      return toJson(GetBroadcastResultsResponseSchema, results, { alwaysEmitImplicit: true });
    },
  },
  reencrypt: {
    usage: 'reencrypt',
    summary: 'after a key rotation: re-seal every secret with TOKEN_ENCRYPTION_KEY (see README)',
    options: {},
    run: (context, args) => {
      expectPositionals(args, 0);
      return reencryptAll(context.pool, context.cipher);
    },
  },
};
