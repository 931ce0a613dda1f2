// Slack's rule for channel names (conversations.create): lowercase letters, digits, - and _, at most 80.
const MAX_LENGTH = 80;

function slug(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

/**
 * `<CHANNEL_PREFIX><username>_<domain>`, normalised to Slack's rules; cut to 80 characters rather
 * than the original's 21, which made different customers share a channel.
 */
export function engagementChannelName(prefix: string, username: string, domain: string): string {
  const user = slug(username) || 'customer';
  const workspace = slug(domain);
  const name = workspace ? `${prefix}${user}_${workspace}` : `${prefix}${user}`;
  return name.slice(0, MAX_LENGTH).replace(/[-_]+$/, '');
}

/** A different name for the same customer when a foreign channel already holds the first choice. */
export function alternativeChannelName(name: string, userId: string): string {
  const suffix = `-${slug(userId)}`;
  return `${name.slice(0, MAX_LENGTH - suffix.length)}${suffix}`;
}
