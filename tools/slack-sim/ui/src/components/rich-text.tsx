import type { ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { emojiText } from '../emoji.js';
import { Rendering } from '../render-context.js';
import { safeHref } from '../urls.js';
import { formatSlackDate } from '../dates.js';
import { InlineMrkdwn } from './mrkdwn-view.js';

// The rich_text block a Slack client sends for what a person typed (the simulator sends one for every typed
// message). Its unstyled text is drawn as mrkdwn, so `*this*` typed in the composer shows bold, as a Slack
// composer would have turned it into a bold element.

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A rich_text emoji: its code points when given (`1f44d`), else its name. */
function emojiOf(object: Json): string {
  const codes = asString(object.unicode).split('-').map((hex) => parseInt(hex, 16));
  if (codes.length > 0 && codes.every((code) => Number.isInteger(code) && code >= 0 && code <= 0x10ffff)) return String.fromCodePoint(...codes);
  return emojiText(asString(object.name));
}

function Styled({ style, children }: { style: Json; children: ComponentChildren }) {
  let out = children;
  if (style.code) out = <code>{out}</code>;
  if (style.strike) out = <s>{out}</s>;
  if (style.italic) out = <em>{out}</em>;
  if (style.bold) out = <strong>{out}</strong>;
  return <>{out}</>;
}

function Element({ element }: { element: unknown }) {
  const context = useContext(Rendering);
  const object = asObject(element);
  const style = asObject(object.style);
  const styled = Object.keys(style).length > 0;
  switch (object.type) {
    case 'text':
      return styled ? <Styled style={style}>{asString(object.text)}</Styled> : <InlineMrkdwn text={asString(object.text)} />;
    case 'link': {
      const href = safeHref(asString(object.url));
      const label = asString(object.text) || asString(object.url);
      return href ? <a href={href} target="_blank" rel="noopener noreferrer">{label}</a> : <>{label}</>;
    }
    case 'user':
      return <span class="mention mention-user">@{context?.directory.nameOf(context.teamId, asString(object.user_id)) ?? asString(object.user_id)}</span>;
    case 'channel':
      return <span class="mention mention-channel">#{context?.directory.channel(asString(object.channel_id))?.name ?? asString(object.channel_id)}</span>;
    case 'broadcast':
      return <span class="mention mention-broadcast">@{asString(object.range)}</span>;
    case 'emoji':
      return <span class="emoji">{emojiOf(object)}</span>;
    case 'date':
      return <time class="date">{formatSlackDate(Number(object.timestamp), asString(object.format))}</time>;
    default:
      return <span class="bk-unsupported">[{asString(object.type)}]</span>;
  }
}

function Elements({ of }: { of: Json }) {
  return <>{asArray(of.elements).map((element, i) => <Element key={i} element={element} />)}</>;
}

function Part({ part }: { part: unknown }) {
  const object = asObject(part);
  switch (object.type) {
    case 'rich_text_section':
      return <p class="rich-section"><Elements of={object} /></p>;
    case 'rich_text_quote':
      return <blockquote><Elements of={object} /></blockquote>;
    case 'rich_text_preformatted':
      return <pre>{asArray(object.elements).map((element) => asString(asObject(element).text)).join('')}</pre>;
    case 'rich_text_list': {
      const items = asArray(object.elements).map((item, i) => <li key={i}><Elements of={asObject(item)} /></li>);
      return object.style === 'ordered' ? <ol>{items}</ol> : <ul>{items}</ul>;
    }
    default:
      return <span class="bk-unsupported">[{asString(object.type)}]</span>;
  }
}

export function RichText({ block }: { block: Json }) {
  return <div class="mrkdwn rich-text">{asArray(block.elements).map((part, i) => <Part key={i} part={part} />)}</div>;
}
