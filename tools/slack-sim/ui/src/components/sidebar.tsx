import type { Directory, Workspace } from '../directory.js';
import { defaultActor, dmPane, type PaneState } from '../panes.js';

export interface SidebarProps {
  workspace: Workspace;
  directory: Directory;
  /** The focused pane, which the sidebar navigates. */
  pane: PaneState;
  /** Conversations changed since a pane last showed them: drawn bold, as Slack draws unread ones. */
  unseen: Set<string>;
  onNavigate(pane: PaneState): void;
}

/** The focused pane's workspace: its channels, its DMs and its apps (to start a DM with). */
export function Sidebar({ workspace, directory, pane, unseen, onNavigate }: SidebarProps) {
  const channels = [...workspace.channels].sort((a, b) => Number(a.isArchived) - Number(b.isArchived) || (a.name ?? '').localeCompare(b.name ?? ''));
  const actor = pane.teamId === workspace.id ? pane.actAs : defaultActor(directory, workspace.id, undefined);
  return (
    <nav class="sidebar" aria-label="Conversations">
      <div class="sidebar-workspace">{workspace.name}</div>
      <div class="sidebar-section">Channels</div>
      {channels.length === 0 && <div class="sidebar-empty">No channels</div>}
      {channels.map((channel) => {
        const member = channel.members.includes(actor);
        return (
          <button key={channel.id} type="button"
            class={`sidebar-item ${channel.isArchived ? 'archived' : ''} ${member ? '' : 'not-member'} ${unseen.has(channel.id) ? 'unseen' : ''}`}
            aria-current={pane.channel === channel.id ? 'page' : undefined}
            title={channel.isArchived ? 'archived' : member ? '' : `${directory.nameOf(workspace.id, actor)} is not a member`}
            onClick={() => onNavigate({ teamId: workspace.id, channel: channel.id, actAs: defaultActor(directory, workspace.id, channel.id, actor) })}>
            <span class="sidebar-icon" aria-hidden="true">{channel.isPrivate ? '🔒' : '#'}</span>
            <span class="sidebar-label">{channel.name ?? channel.id}</span>
          </button>
        );
      })}
      <div class="sidebar-section">Direct messages</div>
      {workspace.dms.length === 0 && <div class="sidebar-empty">No direct messages yet</div>}
      {workspace.dms.map((dm) => (
        <button key={dm.id} type="button" class={`sidebar-item ${dm.isArchived ? 'archived' : ''} ${unseen.has(dm.id) ? 'unseen' : ''}`}
          aria-current={pane.channel === dm.id ? 'page' : undefined}
          title={`${dm.user.realName ?? dm.user.name ?? dm.user.id} and ${dm.bot.realName ?? dm.bot.name ?? ''}; opening it acts as ${dm.user.name ?? ''}`}
          onClick={() => onNavigate({ teamId: workspace.id, channel: dm.id, actAs: dm.user.id })}>
          <span class="sidebar-icon" aria-hidden="true">👤</span>
          <span class="sidebar-label">{dm.user.realName || dm.user.name} ↔ {dm.bot.realName || dm.bot.name}</span>
        </button>
      ))}
      <div class="sidebar-section">Apps</div>
      {workspace.apps.map((app) => (
        <button key={app.appId} type="button" class="sidebar-item"
          aria-current={!pane.channel && pane.bot === app.botUserId ? 'page' : undefined}
          title={`Write to ${app.name} as ${directory.nameOf(workspace.id, actor)}`}
          onClick={() => onNavigate(dmPane(directory, workspace.id, actor, app.botUserId))}>
          <span class="sidebar-icon" aria-hidden="true">🤖</span>
          <span class="sidebar-label">{app.name}</span>
        </button>
      ))}
    </nav>
  );
}
