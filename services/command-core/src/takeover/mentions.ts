/**
 * Mentions carried across the bridge. A Slack mention is an id of one workspace
 * (https://api.slack.com/reference/surfaces/formatting#advanced): in the other workspace it names
 * nobody, or worse someone else, and a special mention (`<!here>`) would ping a whole channel.
 * So each side gets plain words instead: names where we know them, neutral words where we don't.
 *
 * Plain `@here` text pings nobody because Megatron posts without `link_names` (chat.postMessage
 * only turns typed names into mentions when asked to).
 */

export interface Mentions {
  /** User ids (`U…`, `W…`), each once, in order of appearance. */
  users: string[];
  /** Channel ids (`C…`, `G…`), each once, in order of appearance. */
  channels: string[];
}

/** Display names by id, from the workspace the mentions came from. */
export interface MentionNames {
  users: ReadonlyMap<string, string>;
  channels: ReadonlyMap<string, string>;
}

type Token =
  | { kind: 'user'; id: string; label?: string }
  | { kind: 'channel'; id: string; label?: string }
  | { kind: 'broadcast'; name: string }
  | { kind: 'group'; label?: string }
  | { kind: 'kept' };

// One `<…>` token; labels cannot hold `<` or `>` (Slack escapes them), so this never backtracks far.
const TOKEN = /<([^<>]*)>/g;
const USER_ID = /^[UW][A-Z0-9]+$/;
const CHANNEL_ID = /^[CG][A-Z0-9]+$/;
const BROADCASTS = new Set(['here', 'channel', 'everyone', 'group']);
const UNKNOWN_USER = '@someone';
const UNKNOWN_CHANNEL = '#a channel';
const UNKNOWN_GROUP = '@a group';

function split(body: string): { head: string; label?: string } {
  const bar = body.indexOf('|');
  if (bar < 0) return { head: body };
  const label = body.slice(bar + 1);
  return label ? { head: body.slice(0, bar), label } : { head: body.slice(0, bar) };
}

function parse(body: string): Token {
  const { head, label } = split(body);
  const sigil = head[0];
  const rest = head.slice(1);
  if (sigil === '@' && USER_ID.test(rest)) return { kind: 'user', id: rest, ...(label ? { label } : {}) };
  if (sigil === '#' && CHANNEL_ID.test(rest)) return { kind: 'channel', id: rest, ...(label ? { label } : {}) };
  if (sigil !== '!') return { kind: 'kept' };
  const command = rest.split('^')[0] ?? '';
  // Date tokens render in the reader's own time zone and ping nobody: they keep working as they are.
  if (command === 'date') return { kind: 'kept' };
  if (BROADCASTS.has(command)) return { kind: 'broadcast', name: command };
  // Subteams, and any special command Slack adds later, are treated as a group to ping: neutralised.
  return { kind: 'group', ...(label ? { label } : {}) };
}

function rewrite(text: string, render: (token: Token) => string | undefined): string {
  return text.replace(TOKEN, (whole, body: string) => render(parse(body)) ?? whole);
}

/** A label as Slack gave it, with its own sigil dropped so we add exactly one. */
const labelled = (sigil: string, label: string): string => sigil + (label.startsWith(sigil) ? label.slice(1) : label);

/** Names from a directory are plain text; in mrkdwn `&`, `<` and `>` must be escaped or a name could become a mention. */
const escaped = (name: string): string => name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The plain words every side gets for special mentions. */
function neutralSpecial(token: Token): string | undefined {
  if (token.kind === 'broadcast') return `@${token.name}`;
  if (token.kind === 'group') return token.label ? labelled('@', token.label) : UNKNOWN_GROUP;
  return undefined;
}

/** The user and channel ids a Slack mrkdwn text mentions. */
export function mentionsIn(text: string): Mentions {
  const users = new Set<string>();
  const channels = new Set<string>();
  for (const match of text.matchAll(TOKEN)) {
    const token = parse(match[1] ?? '');
    if (token.kind === 'user') users.add(token.id);
    if (token.kind === 'channel') channels.add(token.id);
  }
  return { users: [...users], channels: [...channels] };
}

/**
 * An agent's text as the customer should read it: mentions of agents and channels of the agents'
 * workspace become their names, special mentions plain words. Links and dates keep working.
 */
export function renderForCustomer(text: string, names: MentionNames): string {
  return rewrite(text, (token) => {
    if (token.kind === 'user') {
      const name = names.users.get(token.id);
      return name ? `@${escaped(name)}` : token.label ? labelled('@', token.label) : UNKNOWN_USER;
    }
    if (token.kind === 'channel') {
      const name = names.channels.get(token.id);
      return name ? `#${escaped(name)}` : token.label ? labelled('#', token.label) : UNKNOWN_CHANNEL;
    }
    return neutralSpecial(token);
  });
}

/**
 * A customer's text as the agents should read it: special mentions ping nobody, and mentions of the
 * customer's workspace (whose ids mean nothing here, or another person) become the label Slack gave
 * or a neutral word. Links and dates stay.
 */
export function neutraliseForAgents(text: string): string {
  return rewrite(text, (token) => {
    if (token.kind === 'user') return token.label ? labelled('@', token.label) : UNKNOWN_USER;
    if (token.kind === 'channel') return token.label ? labelled('#', token.label) : UNKNOWN_CHANNEL;
    return neutralSpecial(token);
  });
}
