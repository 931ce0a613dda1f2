import type { ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { formatSlackDate } from '../dates.js';
import { withEmoji } from '../emoji.js';
import { parseInline, parseMrkdwn, type Inline } from '../mrkdwn.js';
import { Rendering } from '../render-context.js';
import { safeHref } from '../urls.js';

function Mention({ children, kind }: { children: ComponentChildren; kind: string }) {
  return <span class={`mention mention-${kind}`}>{children}</span>;
}

export function InlineView({ inline }: { inline: Inline }) {
  const context = useContext(Rendering);
  switch (inline.kind) {
    case 'text':
      return <>{inline.text}</>;
    case 'bold':
      return <strong>{inline.children.map((child, i) => <InlineView key={i} inline={child} />)}</strong>;
    case 'italic':
      return <em>{inline.children.map((child, i) => <InlineView key={i} inline={child} />)}</em>;
    case 'strike':
      return <s>{inline.children.map((child, i) => <InlineView key={i} inline={child} />)}</s>;
    case 'code':
      return <code>{inline.text}</code>;
    case 'link': {
      const href = safeHref(inline.url);
      return href ? <a href={href} target="_blank" rel="noopener noreferrer">{inline.label}</a> : <>{inline.label}</>;
    }
    case 'user':
      return <Mention kind="user">@{inline.label ?? context?.directory.nameOf(context.teamId, inline.id) ?? inline.id}</Mention>;
    case 'channel': {
      const name = inline.label ?? context?.directory.channel(inline.id)?.name ?? inline.id;
      return <Mention kind="channel">#{name}</Mention>;
    }
    case 'broadcast':
      return <Mention kind="broadcast">@{inline.label?.replace(/^@/, '') ?? inline.name}</Mention>;
    case 'date': {
      const text = formatSlackDate(inline.epoch, inline.format);
      const href = inline.link ? safeHref(inline.link) : undefined;
      const title = inline.fallback || new Date(inline.epoch * 1000).toString();
      return href
        ? <a class="date" href={href} title={title} target="_blank" rel="noopener noreferrer">{text}</a>
        : <time class="date" title={title} dateTime={new Date(inline.epoch * 1000).toISOString()}>{text}</time>;
    }
    case 'emoji':
      return <span class="emoji" title={`:${inline.name}:`}>{inline.character}</span>;
  }
}

/** One line or paragraph of mrkdwn without block structure (a button label, a field title). */
export function InlineMrkdwn({ text }: { text: string }) {
  return <>{parseInline(text).map((inline, i) => <InlineView key={i} inline={inline} />)}</>;
}

/** A whole mrkdwn text: paragraphs, `>` quotes and ``` blocks. */
export function Mrkdwn({ text, class: className }: { text: string; class?: string }) {
  return (
    <div class={`mrkdwn ${className ?? ''}`}>
      {parseMrkdwn(text).map((block, i) => {
        if (block.kind === 'preformatted') return <pre key={i}>{block.text}</pre>;
        const inlines = block.inlines.map((inline, j) => <InlineView key={j} inline={inline} />);
        return block.kind === 'quote' ? <blockquote key={i}>{inlines}</blockquote> : <p key={i}>{inlines}</p>;
      })}
    </div>
  );
}

/** Block Kit's text object: mrkdwn or plain_text (where `:emoji:` still draws, as Slack's `emoji: true`). */
export function TextObject({ text }: { text: unknown }) {
  const object = (text ?? {}) as { type?: unknown; text?: unknown };
  const value = typeof object.text === 'string' ? object.text : '';
  if (object.type === 'mrkdwn') return <Mrkdwn text={value} />;
  return <span class="plain-text">{withEmoji(value)}</span>;
}
