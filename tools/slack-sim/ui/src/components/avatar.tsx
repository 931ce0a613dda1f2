import type { Author } from '../authors.js';
import { loadableImage } from '../urls.js';

const PALETTE = ['#4a154b', '#1264a3', '#2eb67d', '#e01e5a', '#ecb22e', '#36c5f0', '#7c3085', '#0b4c8c'];

/** A steady colour per name, so a person keeps their colour across reloads. */
function colourOf(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return PALETTE[hash % PALETTE.length] ?? '#4a154b';
}

function initials(name: string): string {
  const words = name.split(/[\s._-]+/).filter(Boolean);
  return (words.length > 1 ? `${words[0]?.[0] ?? ''}${words[1]?.[0] ?? ''}` : name.slice(0, 2)).toUpperCase();
}

export function Avatar({ author, size = 36 }: { author: Author; size?: number }) {
  const image = loadableImage(author.imageUrl);
  const box = { width: `${size}px`, height: `${size}px` };
  if (author.emoji) return <span class="avatar avatar-emoji" style={box} aria-hidden="true">{author.emoji}</span>;
  if (image) return <img class="avatar" style={box} src={image} alt="" />;
  return <span class="avatar avatar-initials" style={{ ...box, background: colourOf(author.name) }} aria-hidden="true">{initials(author.name)}</span>;
}

/** What an image of a person that cannot load (the simulator's avatars) is drawn as: their initials. */
export function InitialsTile({ name, class: className }: { name: string; class: string }) {
  return <span class={`${className} avatar-initials`} style={{ background: colourOf(name) }} role="img" aria-label={name} title={name}>{initials(name)}</span>;
}
