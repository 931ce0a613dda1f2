/**
 * Standard emoji the simulator knows by name. Slack also accepts a workspace's custom emoji; the simulator
 * has none, so any other name is `invalid_name`.
 */
const KNOWN = new Set([
  '+1', '-1', '100', 'arrows_counterclockwise', 'bell', 'bulb', 'calendar', 'clap', 'cry', 'email', 'exclamation',
  'eyes', 'fire', 'grinning', 'heart', 'heavy_check_mark', 'heavy_minus_sign', 'heavy_plus_sign', 'hourglass',
  'hourglass_flowing_sand', 'joy', 'key', 'large_green_circle', 'link', 'lock', 'memo', 'muscle', 'no_entry',
  'ok_hand', 'phone', 'point_up', 'pray', 'pushpin', 'question', 'rage', 'raised_hands', 'recycle', 'red_circle',
  'repeat', 'robot_face', 'rocket', 'rotating_light', 'slightly_smiling_face', 'smile', 'sob', 'sos', 'sparkles',
  'speech_balloon', 'star', 'sweat_smile', 'tada', 'thinking_face', 'wave', 'warning', 'white_check_mark',
  'white_circle', 'x', 'zap',
]);

// Slack stores 👍/👎 under +1/-1 whichever alias was sent, so `thumbsup` then `+1` is already_reacted.
const ALIASES: Record<string, string> = { thumbsup: '+1', thumbsdown: '-1' };

/**
 * The name Slack records for a reaction, or undefined when it is not one: names come without colons, and a
 * skin tone follows as `::skin-tone-2` … `::skin-tone-6`.
 */
export function reactionName(raw: string): string | undefined {
  const match = /^([a-z0-9_+-]+)(::skin-tone-[2-6])?$/.exec(raw);
  const base = match?.[1];
  if (!base) return undefined;
  const name = ALIASES[base] ?? base;
  return KNOWN.has(name) ? `${name}${match[2] ?? ''}` : undefined;
}
