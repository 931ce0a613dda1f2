import { useContext, useLayoutEffect, useRef } from 'preact/hooks';
import type { SimEphemeral, SimMessage } from '../../../src/types.js';
import { authorOf } from '../authors.js';
import { dayOfTs } from '../dates.js';
import { Rendering } from '../render-context.js';
import { EphemeralItem, MessageItem, type MessageHandlers } from './message-item.js';

type Entry = { kind: 'message'; message: SimMessage } | { kind: 'ephemeral'; ephemeral: SimEphemeral };

const tsOf = (entry: Entry): string => (entry.kind === 'message' ? entry.message.ts : entry.ephemeral.ts);
const seconds = (ts: string): number => Number(ts.split('.')[0]);
/** Slack draws a follow-up by the same author within a few minutes without repeating avatar and name. */
const GROUP_SECONDS = 5 * 60;

function compareTs(a: string, b: string): number {
  const [aSeconds = '0', aMicros = '0'] = a.split('.');
  const [bSeconds = '0', bMicros = '0'] = b.split('.');
  return Number(aSeconds) - Number(bSeconds) || Number(aMicros) - Number(bMicros);
}

export interface MessageListProps {
  messages: SimMessage[];
  ephemerals: SimEphemeral[];
  channel: string;
  viewer: string;
  canWrite: boolean;
  inThread?: boolean;
  handlers: MessageHandlers;
  /** Changes when another conversation is shown: the list then starts at its newest message. */
  resetKey: string;
}

/** Messages and the viewer's ephemerals in time order, with day dividers, following the newest unless scrolled up. */
export function MessageList({ messages, ephemerals, channel, viewer, canWrite, inThread, handlers, resetKey }: MessageListProps) {
  const context = useContext(Rendering);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const shownKey = useRef('');
  const entries: Entry[] = [
    ...messages.map((message) => ({ kind: 'message' as const, message })),
    ...ephemerals.map((ephemeral) => ({ kind: 'ephemeral' as const, ephemeral })),
  ].sort((a, b) => compareTs(tsOf(a), tsOf(b)));

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (shownKey.current !== resetKey || atBottom.current) element.scrollTop = element.scrollHeight;
    shownKey.current = resetKey;
  });

  let previousDay = '';
  let previousAuthor = '';
  let previousSeconds = 0;
  return (
    <div class="message-list" ref={scroller} role="log" aria-live="polite"
      onScroll={(event) => {
        const element = event.currentTarget as HTMLDivElement;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 60;
      }}>
      {entries.length === 0 && <div class="empty">No messages yet.</div>}
      {entries.map((entry) => {
        const ts = tsOf(entry);
        const day = dayOfTs(ts);
        const divider = day !== previousDay ? <div class="day-divider" key={`day-${day}`}><span>{day}</span></div> : null;
        previousDay = day;
        if (entry.kind === 'ephemeral') {
          previousAuthor = '';
          return [divider, <EphemeralItem key={`e-${ts}`} ephemeral={entry.ephemeral} handlers={handlers} />];
        }
        const { message } = entry;
        const author = context ? authorOf(message, context.directory, context.teamId).key : '';
        const plain = !message.subtype || message.subtype === 'bot_message' || message.subtype === 'file_share';
        const grouped = !divider && plain && author === previousAuthor && seconds(ts) - previousSeconds < GROUP_SECONDS;
        previousAuthor = plain ? author : '';
        previousSeconds = seconds(ts);
        return [divider, (
          <MessageItem key={`m-${ts}`} message={message} channel={channel} viewer={viewer} grouped={grouped}
            canWrite={canWrite} handlers={handlers} {...(inThread ? { inThread } : {})} />
        )];
      })}
    </div>
  );
}
