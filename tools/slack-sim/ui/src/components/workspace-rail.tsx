import type { Workspace } from '../directory.js';

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((word) => word[0]?.toUpperCase() ?? '').join('');
}

/** Slack's left rail: one button per workspace, the integration workspace and each customer's; a dot marks new activity. */
export function WorkspaceRail({ workspaces, current, unseen, onPick }: { workspaces: Workspace[]; current: string; unseen: Set<string>; onPick(teamId: string): void }) {
  return (
    <nav class="rail" aria-label="Workspaces">
      {workspaces.map((workspace) => (
        <button key={workspace.id} type="button" class="rail-item" aria-label={workspace.name} aria-pressed={workspace.id === current}
          title={`${workspace.name} (${workspace.domain}, ${workspace.id})`} onClick={() => onPick(workspace.id)}>
          <span aria-hidden="true">{initials(workspace.name)}</span>
          {workspace.id !== current && [...workspace.channels, ...workspace.dms].some((conversation) => unseen.has(conversation.id))
            && <span class="activity-dot" title="new activity" />}
        </button>
      ))}
    </nav>
  );
}
