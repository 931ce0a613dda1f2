import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SimChange } from '../../src/change-feed.js';
import { ConversationPane } from './components/conversation-pane.js';
import { Sidebar } from './components/sidebar.js';
import { Toasts, type Toast } from './components/toasts.js';
import { WorkspaceRail } from './components/workspace-rail.js';
import { customerDmOf, Directory, engagementOf, type Workspace } from './directory.js';
import { followChanges } from './live-updates.js';
import { defaultActor, landingPane, panesFromHash, panesToHash, type PaneState } from './panes.js';
import { problemOf, sim } from './sim.js';

// Changes that alter the sidebar (new channels, DMs, people, apps) make the overview be re-read.
const OVERVIEW_KINDS = new Set<SimChange['kind']>(['channel', 'workspace', 'user', 'reset']);

/** The pane beside `pane` that shows the other side of a takeover: the customer's DM or the engagement channel. */
function counterpartOf(pane: PaneState, directory: Directory): { left: PaneState; right: PaneState } | undefined {
  const workspace = directory.workspace(pane.teamId);
  const dm = workspace?.dms.find((candidate) => candidate.id === pane.channel);
  if (dm) {
    const engagement = engagementOf(directory, pane.teamId, dm);
    if (!engagement) return undefined;
    const right = { teamId: engagement.workspace.id, channel: engagement.channel.id,
      actAs: defaultActor(directory, engagement.workspace.id, engagement.channel.id) };
    return { left: { ...pane, actAs: dm.user.id }, right };
  }
  const channel = pane.channel ? directory.channel(pane.channel) : undefined;
  const customer = channel ? customerDmOf(directory, channel) : undefined;
  if (!customer) return undefined;
  return { left: { teamId: customer.workspace.id, channel: customer.dm.id, actAs: customer.dm.user.id }, right: pane };
}

export function App() {
  const [workspaces, setWorkspaces] = useState<Workspace[] | undefined>(undefined);
  const [panes, setPanes] = useState<PaneState[]>(() => panesFromHash(window.location.hash));
  const [focused, setFocused] = useState(0);
  const [versions, setVersions] = useState<Record<string, number>>({});
  // The version of each conversation last shown in a pane: anything newer is activity the sidebar points at.
  const [seen, setSeen] = useState<Record<string, number>>({});
  const [epoch, setEpoch] = useState(0);
  const [connected, setConnected] = useState(false);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const toastId = useRef(0);

  const report = useCallback((text: string) => {
    const id = ++toastId.current;
    setToasts((current) => [...current.slice(-3), { id, text }]);
    setTimeout(() => setToasts((current) => current.filter((toast) => toast.id !== id)), 8000);
  }, []);

  const loadOverview = useCallback(() => {
    sim.workspacesOverview().then(setWorkspaces, (error: unknown) => report(problemOf(error)));
  }, [report]);

  useEffect(() => {
    loadOverview();
    return followChanges({
      onChanges: (changes) => {
        if (changes.some((change) => OVERVIEW_KINDS.has(change.kind))) loadOverview();
        if (changes.some((change) => change.kind === 'reset')) setEpoch((value) => value + 1);
        setVersions((current) => {
          const next = { ...current };
          for (const change of changes) if (change.channel) next[change.channel] = (next[change.channel] ?? 0) + 1;
          return next;
        });
      },
      onReconnect: () => {
        loadOverview();
        setEpoch((value) => value + 1);
      },
      onStatus: setConnected,
    });
  }, [loadOverview]);

  const directory = useMemo(() => (workspaces ? new Directory(workspaces) : undefined), [workspaces]);

  // The first overview decides where an empty address lands: the first workspace (the agents', in the sandbox).
  // A pane whose workspace is gone (the simulator was reset and seeded again) lands there too.
  useEffect(() => {
    const first = workspaces?.[0];
    if (!directory || !first) return;
    if (panes.length === 0) setPanes([landingPane(directory, first.id)]);
    else if (panes.some((pane) => !directory.workspace(pane.teamId))) {
      setPanes((all) => all.map((pane) => (directory.workspace(pane.teamId) ? pane : landingPane(directory, first.id))));
    }
  }, [directory]);

  useEffect(() => {
    if (panes.length > 0) window.history.replaceState(null, '', panesToHash(panes));
  }, [panes]);

  useEffect(() => {
    const shown = panes.flatMap((pane) => (pane.channel ? [pane.channel] : []));
    if (shown.some((channel) => (seen[channel] ?? 0) !== (versions[channel] ?? 0))) {
      setSeen((current) => ({ ...current, ...Object.fromEntries(shown.map((channel) => [channel, versions[channel] ?? 0])) }));
    }
  }, [panes, versions]);

  if (!directory || !workspaces) return <div class="loading">Connecting to the simulator…<Toasts toasts={toasts} /></div>;
  if (workspaces.length === 0) {
    return <div class="loading">The simulator has no workspaces yet. Create some through the control API (/_sim/workspaces) or start the sandbox with <code>npm run dev</code>.<Toasts toasts={toasts} /></div>;
  }

  const unseen = new Set(Object.keys(versions).filter((channel) => (versions[channel] ?? 0) > (seen[channel] ?? 0)));
  const focus = Math.min(focused, panes.length - 1);
  const current = panes[focus] ?? landingPane(directory, workspaces[0]?.id ?? '');
  const currentWorkspace = directory.workspace(current.teamId) ?? workspaces[0];
  const navigate = (index: number) => (next: PaneState) => setPanes((all) => all.map((pane, i) => (i === index ? next : pane)));
  const split = panes.length > 1;
  const toggleSplit = (): void => {
    if (split) {
      setPanes([current]);
      setFocused(0);
      return;
    }
    const pair = counterpartOf(current, directory);
    setPanes(pair ? [pair.left, pair.right] : [current, { ...current, thread: undefined }]);
  };

  // Megatron links to channels as https://<domain>.slack.com/archives/<id>; here such a link opens the channel.
  const followSlackLink = (event: MouseEvent): void => {
    const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
    const match = anchor ? /^https:\/\/([a-z0-9-]+)\.slack\.com\/archives\/([A-Z0-9]+)/.exec(anchor.getAttribute('href') ?? '') : null;
    const workspace = match ? workspaces.find((candidate) => candidate.domain === match[1]) : undefined;
    const channel = match?.[2];
    if (!workspace || !channel || !(workspace.channels.some((c) => c.id === channel) || workspace.dms.some((d) => d.id === channel))) return;
    event.preventDefault();
    navigate(focus)({ teamId: workspace.id, channel, actAs: defaultActor(directory, workspace.id, channel, current.actAs) });
  };

  return (
    <div class="app" onClickCapture={followSlackLink}>
      <header class="topbar">
        <span class="brand">Megatron · Slack simulator</span>
        <span class={`live ${connected ? 'on' : 'off'}`} title={connected ? 'Following the simulator live' : 'Reconnecting to the simulator…'}>
          {connected ? '● live' : '○ reconnecting'}
        </span>
        <button type="button" class="header-button" aria-pressed={split} onClick={toggleSplit}>Split view</button>
      </header>
      <WorkspaceRail workspaces={workspaces} current={current.teamId} unseen={unseen}
        onPick={(teamId) => navigate(focus)(landingPane(directory, teamId, current.actAs))} />
      {currentWorkspace && <Sidebar workspace={currentWorkspace} directory={directory} pane={current} unseen={unseen} onNavigate={navigate(focus)} />}
      <main class={`panes ${split ? 'split' : ''}`}>
        {panes.map((pane, index) => {
          const pair = counterpartOf(pane, directory);
          return (
            <ConversationPane key={index} pane={pane} directory={directory} focused={split && index === focus}
              version={(versions[pane.channel ?? ''] ?? 0) + epoch * 100_000}
              onNavigate={navigate(index)} onFocus={() => setFocused(index)} report={report}
              {...(pair && !split ? { onSideBySide: () => { setPanes([pair.left, pair.right]); setFocused(1); } } : {})}
              {...(split ? { onClose: () => { setPanes(panes.filter((_, i) => i !== index)); setFocused(0); } } : {})} />
          );
        })}
      </main>
      <Toasts toasts={toasts} />
    </div>
  );
}
