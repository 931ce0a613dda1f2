import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationView } from '../../../src/control/conversation-view.js';
import { deleteMessage, editMessage, interact, sendText, shareFile } from '../actions.js';
import type { Directory } from '../directory.js';
import { dmPane, type PaneState } from '../panes.js';
import { Rendering } from '../render-context.js';
import { problemOf, sim } from '../sim.js';
import { Composer } from './composer.js';
import { MessageList } from './message-list.js';
import type { MessageHandlers } from './message-item.js';

export interface ConversationPaneProps {
  pane: PaneState;
  directory: Directory;
  /** Grows whenever the simulator reports a change to this conversation: the pane then re-reads it. */
  version: number;
  focused: boolean;
  onNavigate(pane: PaneState): void;
  onFocus(): void;
  /** Opens the matching customer DM or engagement channel beside this pane, when there is one. */
  onSideBySide?: () => void;
  onClose?: () => void;
  report(problem: string): void;
}

interface Titles { title: string; heading: string; composer: string }

function titlesOf(pane: PaneState, directory: Directory): Titles {
  const workspace = directory.workspace(pane.teamId);
  const channel = pane.channel ? directory.channel(pane.channel) : undefined;
  if (channel) {
    const name = channel.name ?? channel.id;
    return { title: `#${name}`, heading: `${channel.isPrivate ? '🔒' : '#'} ${name}`, composer: `Message #${name}` };
  }
  const dm = workspace?.dms.find((candidate) => candidate.id === pane.channel);
  const botId = dm?.bot.id ?? pane.bot ?? '';
  const bot = directory.fullNameOf(pane.teamId, botId);
  if (dm && dm.user.id !== pane.actAs) {
    const human = directory.fullNameOf(pane.teamId, dm.user.id);
    return { title: `${human} ↔ ${bot}`, heading: `${human} ↔ ${bot}`, composer: `Message ${bot}` };
  }
  return { title: bot || 'Nothing open', heading: bot || 'Pick a conversation', composer: `Message ${bot}` };
}

/** Why the acting person cannot write here, if they cannot. */
function writeBlocker(pane: PaneState, directory: Directory, view: ConversationView | undefined): string | undefined {
  if (!pane.channel && !pane.bot) return 'Pick a channel or a direct message on the left.';
  if (!pane.actAs) return 'Pick who you act as.';
  if (!pane.channel) return undefined;
  if (!view) return 'Loading…';
  const who = directory.nameOf(pane.teamId, pane.actAs);
  if (view.conversation.is_archived) return 'This channel is archived: nobody can write here.';
  if (!view.conversation.members.includes(pane.actAs)) {
    return view.conversation.is_im ? `${who} cannot write in this DM: act as its member to write.` : `${who} is not a member of this channel.`;
  }
  return undefined;
}

/** In a DM with a bot, another person means their own DM with that bot; elsewhere the same conversation. */
function withActor(pane: PaneState, directory: Directory, actAs: string): PaneState {
  const dm = directory.workspace(pane.teamId)?.dms.find((candidate) => candidate.id === pane.channel);
  const bot = dm?.bot.id ?? (pane.channel ? undefined : pane.bot);
  return bot ? dmPane(directory, pane.teamId, actAs, bot) : { ...pane, actAs };
}

export function ConversationPane({ pane, directory, version, focused, onNavigate, onFocus, onSideBySide, onClose, report }: ConversationPaneProps) {
  const [view, setView] = useState<ConversationView | undefined>(undefined);
  const latest = useRef(0);
  const workspace = directory.workspace(pane.teamId);

  useEffect(() => {
    if (!pane.channel) {
      setView(undefined);
      return;
    }
    // Only the newest read may land: a slow answer to an older one must not overwrite it.
    const request = ++latest.current;
    sim.conversationView({ channel: pane.channel, viewer: pane.actAs, ...(pane.thread ? { thread: pane.thread } : {}) })
      .then((next) => { if (request === latest.current) setView(next); })
      .catch((error: unknown) => {
        if (request !== latest.current) return;
        // A thread whose parent is gone (deleted, or a reset simulator) closes rather than failing on every change.
        if (pane.thread) onNavigate({ ...pane, thread: undefined });
        else report(problemOf(error));
      });
  }, [pane.channel, pane.actAs, pane.thread, version]);

  const shown = view && view.conversation.id === pane.channel ? view : undefined;
  const titles = titlesOf(pane, directory);
  const blocker = writeBlocker(pane, directory, shown);
  const botApp = workspace?.apps.find((app) => app.botUserId === (pane.bot ?? ''));
  const attempt = async (action: () => Promise<unknown>): Promise<boolean> => {
    try {
      await action();
      return true;
    } catch (error) {
      report(problemOf(error));
      return false;
    }
  };
  const handlers = (threadTs?: string): MessageHandlers => ({
    interact: async (messageTs, appId, interaction) => { await attempt(() => interact(pane, messageTs, appId, interaction)); },
    ...(threadTs ? {} : { openThread: (ts: string) => onNavigate({ ...pane, thread: ts }) }),
    edit: (ts, text) => attempt(() => editMessage(pane, ts, text)),
    remove: async (ts) => { await attempt(() => deleteMessage(pane, ts)); },
  });
  const send = (threadTs?: string) => (text: string) => attempt(async () => {
    const channel = await sendText(pane, text, botApp?.appId, threadTs);
    if (channel && channel !== pane.channel) onNavigate({ teamId: pane.teamId, actAs: pane.actAs, channel });
  });
  const share = (threadTs?: string) => (file: File, comment: string) => attempt(() => shareFile(pane, file, comment, threadTs));
  const humans = directory.humans(pane.teamId);
  const thread = shown?.thread;
  // Only the viewer's own: a view fetched for the person acting before stays on screen until the next fetch.
  const ephemerals = (shown?.ephemerals ?? []).filter((ephemeral) => ephemeral.user === pane.actAs);

  return (
    <section class={`pane ${focused ? 'focused' : ''}`} aria-label={`${workspace?.name ?? pane.teamId}: ${titles.title}`}
      onMouseDown={onFocus} onFocusCapture={onFocus}>
      <header class="pane-header">
        <div class="pane-title">
          <h2>{titles.heading}</h2>
          <div class="pane-subtitle">
            <span>{workspace?.name}</span>
            {shown && !shown.conversation.is_im && <span>{shown.conversation.members.length} members</span>}
            {shown && shown.conversation.pinCount > 0 && <span>📌 {shown.conversation.pinCount} pinned</span>}
            {shown?.conversation.is_archived && <span class="archived-badge">archived</span>}
          </div>
        </div>
        <label class="acting-as">
          <span>Acting as</span>
          <select aria-label="Acting as" value={pane.actAs}
            onChange={(event) => onNavigate(withActor(pane, directory, (event.currentTarget as HTMLSelectElement).value))}>
            {humans.map((person) => <option key={person.id} value={person.id}>{person.realName || person.name} (@{person.name})</option>)}
          </select>
        </label>
        {onSideBySide && <button type="button" class="header-button" title="Show the customer's DM and the engagement channel side by side" onClick={onSideBySide}>Side by side</button>}
        {onClose && <button type="button" class="header-button" aria-label="Close pane" title="Close this pane" onClick={onClose}>✕</button>}
      </header>
      <Rendering.Provider value={{ directory, teamId: pane.teamId }}>
        <div class="pane-body">
          <div class="pane-main">
            <MessageList messages={shown?.messages ?? []} ephemerals={ephemerals} channel={pane.channel ?? ''}
              viewer={pane.actAs} canWrite={blocker === undefined} handlers={handlers()} resetKey={`${pane.channel ?? pane.bot ?? ''}/${pane.actAs}`} />
            <Composer label={titles.composer} {...(blocker ? { disabledReason: blocker } : {})} onSend={send()} onFile={share()} />
          </div>
          {pane.thread && (
            <aside class="thread-pane" aria-label="Thread">
              <header class="thread-header">
                <h3>Thread</h3>
                <span class="pane-subtitle">{titles.title}</span>
                <button type="button" class="header-button" aria-label="Close thread" onClick={() => onNavigate({ ...pane, thread: undefined })}>✕</button>
              </header>
              <MessageList messages={thread ?? []} ephemerals={[]} channel={pane.channel ?? ''} viewer={pane.actAs}
                canWrite={blocker === undefined} inThread handlers={handlers(pane.thread)} resetKey={`thread/${pane.thread}`} />
              <Composer label="Reply in thread" {...(blocker ? { disabledReason: blocker } : {})} onSend={send(pane.thread)} onFile={share(pane.thread)} />
            </aside>
          )}
        </div>
      </Rendering.Provider>
    </section>
  );
}
