import { urlRefusalReason, type AddressPolicy } from '@megatron/runtime';
import { webhookSecretProblem } from '../crypto/secrets.js';
import type { TakeoverMode } from '../db/tenants.js';
import { invalid } from './errors.js';
import { isUuid } from './uuid.js';

const TEAM_ID = /^[A-Z][A-Z0-9]{2,31}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,31}$/;
const USER_ID = /^[UW][A-Z0-9]{2,31}$/;

export function requireText(field: string, value: string, max = 200): string {
  const trimmed = value.trim();
  if (trimmed === '') throw invalid(`${field} is required`);
  if (trimmed.length > max) throw invalid(`${field} is longer than ${max} characters`);
  return trimmed;
}

export function optionalText(field: string, value: string | undefined, max = 200): string {
  const trimmed = (value ?? '').trim();
  if (trimmed.length > max) throw invalid(`${field} is longer than ${max} characters`);
  return trimmed;
}

/**
 * Empty means "not configured yet": app commands are then refused until an operator sets one. A URL that
 * names a refused address (metadata, loopback in production, private ranges unless allowed) is refused
 * here already, not only when app-notifier would connect.
 */
export function commandUrl(value: string, policy: AddressPolicy): string {
  const trimmed = value.trim();
  if (trimmed === '') return '';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw invalid(`command_url is not a URL: ${JSON.stringify(trimmed)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`command_url must be http(s), got ${url.protocol}`);
  const refused = urlRefusalReason(url.href, policy);
  if (refused) throw invalid(`command_url is refused: ${refused}`);
  return url.href;
}

export function teamId(field: string, value: string): string {
  const trimmed = value.trim();
  if (!TEAM_ID.test(trimmed)) throw invalid(`${field} must be a Slack team id like T0123ABCD, got ${JSON.stringify(trimmed)}`);
  return trimmed;
}

export function optionalChannelId(field: string, value: string | undefined): string {
  const trimmed = (value ?? '').trim();
  if (trimmed !== '' && !CHANNEL_ID.test(trimmed)) throw invalid(`${field} must be a Slack channel id like C0123ABCD, got ${JSON.stringify(trimmed)}`);
  return trimmed;
}

export function optionalUserId(field: string, value: string | undefined): string {
  const trimmed = (value ?? '').trim();
  if (trimmed !== '' && !USER_ID.test(trimmed)) throw invalid(`${field} must be a Slack user id like U0123ABCD, got ${JSON.stringify(trimmed)}`);
  return trimmed;
}

export function token(field: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw invalid(`${field} is required`);
  if (/\s/.test(trimmed)) throw invalid(`${field} must not contain whitespace`);
  if (trimmed.length > 500) throw invalid(`${field} is longer than 500 characters`);
  return trimmed;
}

// Bot and user tokens, and their rotated forms (docs.slack.dev/authentication/using-token-rotation).
const SLACK_TOKEN = /^(xoxe\.)?xox[bp]-[\w-]{1,500}$/;
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A Slack bot (xoxb-) or user (xoxp-) token, possibly rotated (xoxe.xoxb-…): anything else is not one. */
export function slackToken(field: string, value: string): string {
  const trimmed = token(field, value);
  if (!SLACK_TOKEN.test(trimmed)) throw invalid(`${field} must be a Slack bot or user token (xoxb-…, xoxp-…, or a rotated xoxe.xoxb-…)`);
  return trimmed;
}

/** A Slack workspace domain (the `acme` of acme.slack.com); empty when not known. */
export function optionalDomain(field: string, value: string): string {
  const trimmed = value.trim().toLowerCase();
  if (trimmed !== '' && !DOMAIN.test(trimmed)) throw invalid(`${field} must be a Slack workspace domain like acme (letters, digits and -), got ${JSON.stringify(trimmed.slice(0, 40))}`);
  return trimmed;
}

const TAKEOVER_MODES = ['hold', 'send-and-warn', 'auto-pause'] as const;

export function takeoverMode(value: string): TakeoverMode {
  const mode = TAKEOVER_MODES.find((candidate) => candidate === value.trim());
  if (!mode) throw invalid(`takeover_mode must be one of ${TAKEOVER_MODES.join(', ')}, got ${JSON.stringify(value)}`);
  return mode;
}

export function webhookSecret(field: string, value: string): string {
  const problem = webhookSecretProblem(value);
  if (problem) throw invalid(`${field} ${problem}`);
  return value;
}

/** Ids are uuids; anything else would only make Postgres raise a cast error. */
export function id(field: string, value: string): string {
  const trimmed = value.trim();
  if (!isUuid(trimmed)) throw invalid(`${field} must be a uuid, got ${JSON.stringify(trimmed)}`);
  return trimmed.toLowerCase();
}
