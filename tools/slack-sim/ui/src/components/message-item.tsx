import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { SimEphemeral, SimMessage } from '../../../src/types.js';
import { authorOf, ephemeralAuthor, type Author } from '../authors.js';
import { dayOfTs, timeOfTs } from '../dates.js';
import { emojiText } from '../emoji.js';
import { Rendering, type Interaction } from '../render-context.js';
import { Avatar } from './avatar.js';
import { MessageBody } from './message-body.js';
import { Mrkdwn } from './mrkdwn-view.js';

export interface MessageHandlers {
  /** Sends an interaction from the message `messageTs` (a message or an ephemeral) to its app. */
  interact(messageTs: string, appId: string | undefined, interaction: Interaction): Promise<void>;
  openThread?(ts: string): void;
  edit(ts: string, text: string): Promise<boolean>;
  remove(ts: string): Promise<void>;
}

function Header({ author, ts, ephemeral }: { author: Author; ts: string; ephemeral?: boolean }) {
  return (
    <div class="message-header">
      <span class="author">{author.name}</span>
      {author.isApp && <span class="badge">APP</span>}
      <time class="message-time" title={`${dayOfTs(ts)} ${timeOfTs(ts)}`}>{timeOfTs(ts)}</time>
      {ephemeral && <span class="only-you">Only visible to you</span>}
    </div>
  );
}

function Reactions({ message }: { message: SimMessage }) {
  const context = useContext(Rendering);
  if (!message.reactions?.length) return null;
  return (
    <div class="reactions" aria-label="Reactions">
      {message.reactions.map((reaction) => {
        const who = reaction.users.map((user) => context?.directory.nameOf(context.teamId, user) ?? user).join(', ');
        return (
          <span key={reaction.name} class="reaction" title={`${who} reacted with :${reaction.name}:`} data-reaction={reaction.name}>
            <span class="reaction-emoji">{emojiText(reaction.name)}</span> <span class="reaction-count">{reaction.count}</span>
          </span>
        );
      })}
    </div>
  );
}

function Editor({ initial, onSave, onCancel }: { initial: string; onSave: (text: string) => Promise<boolean>; onCancel: () => void }) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => area.current?.focus(), []);
  const save = async (): Promise<void> => {
    if (!text.trim() || busy) return;
    setBusy(true);
    const saved = await onSave(text);
    setBusy(false);
    if (saved) onCancel();
  };
  return (
    <div class="editor">
      <textarea ref={area} aria-label="Edit message" value={text} rows={2}
        onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            void save();
          } else if (event.key === 'Escape') {
            onCancel();
          }
        }} />
      <div class="editor-buttons">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" class="primary" disabled={busy} onClick={() => void save()}>Save</button>
      </div>
    </div>
  );
}

function SystemLine({ message }: { message: SimMessage }) {
  return <div class="message system" data-ts={message.ts}><Mrkdwn text={message.text} /></div>;
}

export interface MessageItemProps {
  message: SimMessage;
  channel: string;
  viewer: string;
  /** Same author as the message above, shortly before: drawn without avatar and name. */
  grouped: boolean;
  canWrite: boolean;
  /** Drawn in the thread pane, where the thread summary and "Reply in thread" make no sense. */
  inThread?: boolean;
  handlers: MessageHandlers;
}

export function MessageItem({ message, channel, viewer, grouped, canWrite, inThread, handlers }: MessageItemProps) {
  const context = useContext(Rendering);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    if (!confirmDelete) return undefined;
    const timer = setTimeout(() => setConfirmDelete(false), 4000);
    return () => clearTimeout(timer);
  }, [confirmDelete]);
  if (!context) return null;
  if (message.subtype === 'tombstone') return <div class="message system deleted" data-ts={message.ts}>This message was deleted.</div>;
  if (message.subtype === 'channel_join' || message.subtype === 'channel_leave' || message.subtype === 'channel_purpose' || message.subtype === 'channel_topic') {
    return <SystemLine message={message} />;
  }
  const author = authorOf(message, context.directory, context.teamId);
  const own = message.user === viewer && !message.bot_id;
  const pinned = message.pinned_to?.includes(channel) ?? false;
  const interact = (interaction: Interaction) => handlers.interact(message.ts, message.app_id, interaction);
  const replies = !inThread && (message.reply_count ?? 0) > 0 && message.thread_ts === message.ts;
  return (
    <Rendering.Provider value={{ ...context, interact }}>
      <article class={`message ${grouped && !pinned ? 'grouped' : ''} ${pinned ? 'pinned' : ''}`} data-ts={message.ts}>
        {pinned && <div class="pinned-marker">📌 Pinned</div>}
        {message.subtype === 'thread_broadcast' && !inThread && <div class="broadcast-marker">replied to a thread</div>}
        <div class="message-row">
          <div class="message-gutter">{grouped && !pinned ? <time class="gutter-time">{timeOfTs(message.ts)}</time> : <Avatar author={author} />}</div>
          <div class="message-main">
            {(!grouped || pinned) && <Header author={author} ts={message.ts} />}
            {editing
              ? <Editor initial={message.text} onSave={(text) => handlers.edit(message.ts, text)} onCancel={() => setEditing(false)} />
              : <MessageBody message={message} />}
            {message.edited && !editing && <span class="edited">(edited)</span>}
            <Reactions message={message} />
            {replies && (
              <button type="button" class="thread-summary" onClick={() => handlers.openThread?.(message.ts)}>
                {message.reply_count} {message.reply_count === 1 ? 'reply' : 'replies'}
                {message.latest_reply && <span class="thread-last"> · Last reply {timeOfTs(message.latest_reply)}</span>}
              </button>
            )}
          </div>
        </div>
        {canWrite && !editing && (
          <div class="message-actions" role="toolbar" aria-label="Message actions">
            {!inThread && handlers.openThread && <button type="button" title="Reply in thread" aria-label="Reply in thread" onClick={() => handlers.openThread?.(message.ts)}>💬</button>}
            {own && <button type="button" title="Edit message" aria-label="Edit message" onClick={() => setEditing(true)}>✏️</button>}
            {own && (confirmDelete
              ? <button type="button" class="danger" aria-label="Confirm delete" onClick={() => void handlers.remove(message.ts)}>Delete?</button>
              : <button type="button" title="Delete message" aria-label="Delete message" onClick={() => setConfirmDelete(true)}>🗑️</button>)}
          </div>
        )}
      </article>
    </Rendering.Provider>
  );
}

export function EphemeralItem({ ephemeral, handlers }: { ephemeral: SimEphemeral; handlers: MessageHandlers }) {
  const context = useContext(Rendering);
  if (!context) return null;
  const author = ephemeralAuthor(ephemeral.appId, context.directory);
  const interact = (interaction: Interaction) => handlers.interact(ephemeral.ts, ephemeral.appId, interaction);
  return (
    <Rendering.Provider value={{ ...context, interact }}>
      <article class="message ephemeral" data-ts={ephemeral.ts}>
        <div class="message-row">
          <div class="message-gutter"><Avatar author={author} /></div>
          <div class="message-main">
            <Header author={author} ts={ephemeral.ts} ephemeral />
            <MessageBody message={ephemeral} />
          </div>
        </div>
      </article>
    </Rendering.Provider>
  );
}
