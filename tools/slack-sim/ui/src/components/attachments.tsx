import { useContext, useState } from 'preact/hooks';
import { timeOfTs } from '../dates.js';
import { withEmoji } from '../emoji.js';
import { Rendering } from '../render-context.js';
import { loadableImage, safeHref } from '../urls.js';
import { Blocks } from './block-kit.js';
import { InlineMrkdwn, Mrkdwn } from './mrkdwn-view.js';

// Legacy (secondary) attachments (docs.slack.dev/messaging/formatting-message-text#attachments): a coloured bar,
// pretext above it, then author, title, text, fields, image, actions and the footer. Megatron's forwarded
// messages carry their "sent by" footer this way.

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

const NAMED_COLOURS: Record<string, string> = { good: '#2eb67d', warning: '#ecb22e', danger: '#e01e5a' };

/** The bar's colour: Slack's three names or a hex value; anything else is the default grey. */
export function barColour(color: string): string {
  if (NAMED_COLOURS[color]) return NAMED_COLOURS[color];
  return /^#?(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) ? `#${color.replace(/^#/, '')}` : '#dddddd';
}

function LegacyAction({ action, callbackId }: { action: Json; callbackId: string }) {
  const context = useContext(Rendering);
  const [pending, setPending] = useState(false);
  const run = (kind: 'button' | 'select', value: string): void => {
    if (!context?.interact || pending) return;
    setPending(true);
    void context.interact({ style: 'legacy', kind, callbackId, name: asString(action.name), value }).finally(() => setPending(false));
  };
  const label = withEmoji(asString(action.text));
  const href = safeHref(asString(action.url));
  if (href) return <a class={`bk-button ${asString(action.style)}`} href={href} target="_blank" rel="noopener noreferrer">{label}</a>;
  if (action.type === 'select') {
    return (
      <select class="bk-select" aria-label={label || 'Choose'} disabled={pending || !context?.interact} value=""
        onChange={(event) => run('select', (event.currentTarget as HTMLSelectElement).value)}>
        <option value="" disabled>{label || 'Choose an option'}</option>
        {asArray(action.options).map((raw, i) => {
          const option = asObject(raw);
          return <option key={i} value={asString(option.value)}>{asString(option.text)}</option>;
        })}
      </select>
    );
  }
  return (
    <button type="button" class={`bk-button ${asString(action.style) === 'default' ? '' : asString(action.style)}`} disabled={pending || !context?.interact}
      aria-busy={pending} onClick={() => run('button', asString(action.value))}>
      {label}
    </button>
  );
}

function Attachment({ attachment }: { attachment: Json }) {
  const title = asString(attachment.title);
  const titleHref = safeHref(asString(attachment.title_link));
  const author = asString(attachment.author_name);
  const authorHref = safeHref(asString(attachment.author_link));
  const image = loadableImage(asString(attachment.image_url));
  const thumb = loadableImage(asString(attachment.thumb_url));
  const footerIcon = loadableImage(asString(attachment.footer_icon));
  const footer = asString(attachment.footer);
  const ts = asString(attachment.ts);
  const fields = asArray(attachment.fields).map(asObject);
  const actions = asArray(attachment.actions).map(asObject);
  const blocks = asArray(attachment.blocks);
  const pretext = asString(attachment.pretext);
  const text = asString(attachment.text);
  const hasBody = title || author || text || fields.length || image || thumb || actions.length || blocks.length || footer;
  return (
    <div class="attachment-wrap">
      {pretext && <Mrkdwn text={pretext} class="attachment-pretext" />}
      {hasBody && (
        <div class="attachment" style={{ borderLeftColor: barColour(asString(attachment.color)) }}>
          <div class="attachment-main">
            {author && <div class="attachment-author">{authorHref ? <a href={authorHref} target="_blank" rel="noopener noreferrer">{author}</a> : author}</div>}
            {title && <div class="attachment-title">{titleHref ? <a href={titleHref} target="_blank" rel="noopener noreferrer">{title}</a> : title}</div>}
            {text && <Mrkdwn text={text} />}
            {blocks.length > 0 && <Blocks blocks={blocks} />}
            {fields.length > 0 && (
              <div class="attachment-fields">
                {fields.map((field, i) => (
                  <div key={i} class={`attachment-field ${field.short ? 'short' : ''}`}>
                    <div class="attachment-field-title">{asString(field.title)}</div>
                    <Mrkdwn text={asString(field.value)} />
                  </div>
                ))}
              </div>
            )}
            {image && <img class="attachment-image" src={image} alt={title || 'image'} loading="lazy" />}
            {actions.length > 0 && <div class="bk-actions">{actions.map((action, i) => <LegacyAction key={i} action={action} callbackId={asString(attachment.callback_id)} />)}</div>}
            {(footer || ts) && (
              <div class="attachment-footer">
                {footerIcon && <img class="attachment-footer-icon" src={footerIcon} alt="" />}
                {footer && <span><InlineMrkdwn text={footer} /></span>}
                {ts && <span class="attachment-footer-ts">{footer ? ' | ' : ''}{timeOfTs(ts.includes('.') ? ts : `${ts}.000000`)}</span>}
              </div>
            )}
          </div>
          {thumb && <img class="attachment-thumb" src={thumb} alt="" loading="lazy" />}
        </div>
      )}
    </div>
  );
}

export function Attachments({ attachments }: { attachments: unknown[] }) {
  return <div class="attachments">{attachments.map((attachment, i) => <Attachment key={i} attachment={asObject(attachment)} />)}</div>;
}
