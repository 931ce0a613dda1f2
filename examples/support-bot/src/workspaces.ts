import { WebClient } from '@slack/web-api';
import type { WorkspaceConfig } from './config.js';

/** The workspaces the bot lives in, with a Slack client each; tokens can rotate at run time. */
export class Workspaces {
  private readonly byTeam = new Map<string, WorkspaceConfig & { client: WebClient }>();

  constructor(
    workspaces: WorkspaceConfig[],
    private readonly slackApiUrl: string,
  ) {
    for (const workspace of workspaces) this.set(workspace);
  }

  private set(workspace: WorkspaceConfig): void {
    this.byTeam.set(workspace.teamId, { ...workspace, client: new WebClient(workspace.botToken, { slackApiUrl: this.slackApiUrl }) });
  }

  get(teamId: string): (WorkspaceConfig & { client: WebClient }) | undefined {
    return this.byTeam.get(teamId);
  }

  all(): (WorkspaceConfig & { client: WebClient })[] {
    return [...this.byTeam.values()];
  }

  rotateToken(teamId: string, botToken: string): boolean {
    const workspace = this.byTeam.get(teamId);
    if (!workspace) return false;
    this.set({ ...workspace, botToken });
    return true;
  }

  signingSecrets(): string[] {
    return [...new Set(this.all().map((workspace) => workspace.signingSecret))];
  }
}
