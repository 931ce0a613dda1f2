import type { SimMessage } from '../../src/types.js';
import type { Directory } from './directory.js';
import { emojiCharacter } from './emoji.js';

/** Who a message shows as its author, as a Slack client works it out. */
export interface Author {
  /** Same key, same author: consecutive messages by one author are drawn as one group. */
  key: string;
  name: string;
  isApp: boolean;
  /** `icon_emoji` given at posting. */
  emoji?: string;
  /** `icon_url` given at posting, or the person's picture. */
  imageUrl?: string;
}

/**
 * A message posted with a `username` (and `icon_emoji`/`icon_url`) override shows that name and icon; another
 * bot message shows its app's name; a person's shows their name.
 */
export function authorOf(message: Pick<SimMessage, 'user' | 'bot_id' | 'app_id' | 'username' | 'icons' | 'bot_profile'>,
  directory: Directory, teamId: string): Author {
  if (message.username && message.bot_id) {
    const emoji = message.icons?.emoji ? emojiCharacter(message.icons.emoji) : undefined;
    return { key: `bot:${message.bot_id}:${message.username}:${message.icons?.emoji ?? message.icons?.image_64 ?? ''}`, name: message.username, isApp: true,
      ...(emoji ? { emoji } : {}), ...(message.icons?.image_64 ? { imageUrl: message.icons.image_64 } : {}) };
  }
  if (message.bot_id) {
    const name = message.bot_profile?.name ?? (message.app_id ? directory.app(message.app_id)?.name : undefined) ?? 'App';
    return { key: `bot:${message.bot_id}`, name, isApp: true };
  }
  const userId = message.user ?? '';
  const person = directory.person(teamId, userId);
  return { key: `user:${userId}`, name: directory.fullNameOf(teamId, userId), isApp: person?.isBot ?? false,
    ...(person?.image72 ? { imageUrl: person.image72 } : {}) };
}

/** The author of an ephemeral: the app that sent it (Slackbot when none is known). */
export function ephemeralAuthor(appId: string | undefined, directory: Directory): Author {
  const app = appId ? directory.app(appId) : undefined;
  return { key: `ephemeral:${appId ?? ''}`, name: app?.name ?? 'Slackbot', isApp: true };
}
