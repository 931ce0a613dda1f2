// Links in messages come from anyone; only these schemes become clickable (a `javascript:` link stays text).
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** The URL as an href when it is absolute and safe to follow, else undefined. */
export function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return SAFE_SCHEMES.has(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An image URL the browser may load: http(s) on a host that can exist. The simulator's own avatars live under
 * `.invalid` (RFC 2606), which no resolver answers; those get drawn initials instead of a broken image.
 */
export function loadableImage(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.hostname.endsWith('.invalid') ? undefined : parsed.href;
  } catch {
    return undefined;
  }
}
