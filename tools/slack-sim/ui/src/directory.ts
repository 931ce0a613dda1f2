import type { OverviewPerson, WorkspaceOverview } from '../../src/control-client.js';

export type Workspace = WorkspaceOverview;
export type Channel = WorkspaceOverview['channels'][number];
export type DirectMessage = WorkspaceOverview['dms'][number];
export type App = WorkspaceOverview['apps'][number];

/** Who is who across every workspace, for names in messages and mentions. */
export class Directory {
  private readonly byTeam = new Map<string, OverviewPerson>();
  private readonly byId = new Map<string, OverviewPerson>();
  private readonly channels = new Map<string, Channel>();
  private readonly apps = new Map<string, App>();

  constructor(readonly workspaces: Workspace[]) {
    for (const workspace of workspaces) {
      for (const person of workspace.users) {
        this.byTeam.set(`${workspace.id}/${person.id}`, person);
        if (!this.byId.has(person.id)) this.byId.set(person.id, person);
      }
      for (const channel of workspace.channels) this.channels.set(channel.id, channel);
      for (const app of workspace.apps) this.apps.set(app.appId, app);
    }
  }

  workspace(teamId: string): Workspace | undefined {
    return this.workspaces.find((workspace) => workspace.id === teamId);
  }

  /** A user of `teamId` first (ids are unique per workspace only), else anyone with that id. */
  person(teamId: string, userId: string): OverviewPerson | undefined {
    return this.byTeam.get(`${teamId}/${userId}`) ?? this.byId.get(userId);
  }

  /** How Slack names a person in a message: display name, else real name, else the user name. */
  nameOf(teamId: string, userId: string): string {
    const person = this.person(teamId, userId);
    return person?.displayName || person?.realName || person?.name || userId;
  }

  fullNameOf(teamId: string, userId: string): string {
    const person = this.person(teamId, userId);
    return person?.realName || person?.displayName || person?.name || userId;
  }

  channel(id: string): Channel | undefined {
    return this.channels.get(id);
  }

  app(appId: string): App | undefined {
    return this.apps.get(appId);
  }

  /** The people someone may act as in a workspace: its humans (bots act through the Web API). */
  humans(teamId: string): OverviewPerson[] {
    return (this.workspace(teamId)?.users ?? []).filter((person) => !person.isBot);
  }
}

/** Slack's rule for channel names, as command-core applies it to engagement channels. */
export function slug(value: string): string {
  return value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-').replace(/^[-_]+|[-_]+$/g, '');
}

/** An engagement channel is named `<prefix><username>_<domain>` (command-core's channel-name.ts). */
function isEngagementOf(channelName: string, username: string, domain: string): boolean {
  const suffix = `${slug(username)}_${slug(domain)}`;
  return channelName.endsWith(suffix) && /(^|[-_])$/.test(channelName.slice(0, -suffix.length));
}

export interface CustomerDm {
  workspace: Workspace;
  dm: DirectMessage;
}

export interface EngagementChannel {
  workspace: Workspace;
  channel: Channel;
}

/** The engagement channel where agents talk about the customer in this DM, when there is one. */
export function engagementOf(directory: Directory, teamId: string, dm: DirectMessage): EngagementChannel | undefined {
  const home = directory.workspace(teamId);
  if (!home || !dm.user.name) return undefined;
  for (const workspace of directory.workspaces) {
    if (workspace.id === teamId) continue;
    const channel = workspace.channels.find((candidate) => isEngagementOf(candidate.name ?? '', dm.user.name ?? '', home.domain));
    if (channel) return { workspace, channel };
  }
  return undefined;
}

/** The customer's DM with their bot that an engagement channel is about, when it exists. */
export function customerDmOf(directory: Directory, channel: Channel): CustomerDm | undefined {
  for (const workspace of directory.workspaces) {
    const dm = workspace.dms.find((candidate) => isEngagementOf(channel.name ?? '', candidate.user.name ?? '', workspace.domain));
    if (dm) return { workspace, dm };
  }
  return undefined;
}
