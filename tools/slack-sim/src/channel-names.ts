/** Names Slack keeps for itself; creating a channel with one fails. */
const RESERVED = new Set(['here', 'channel', 'everyone', 'group', 'archive', 'archived']);

/**
 * Slack's channel-name rules (docs.slack.dev/reference/methods/conversations.create): at most 80 characters of
 * lowercase letters, digits, hyphens and underscores. Returns Slack's error code, or undefined when valid.
 */
export function channelNameError(name: string): string | undefined {
  if (name.length === 0) return 'invalid_name_required';
  if (name.length > 80) return 'invalid_name_maxlength';
  if (!/^[a-z0-9_-]+$/.test(name)) return 'invalid_name_specials';
  if (/^[-_]+$/.test(name)) return 'invalid_name_punctuation';
  if (RESERVED.has(name)) return 'invalid_name';
  return undefined;
}
