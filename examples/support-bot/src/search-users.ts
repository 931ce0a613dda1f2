import type { UsersListResponse } from '@slack/web-api';
import type { Workspaces } from './workspaces.js';

export interface FoundUser {
  username: string;
  platform_user_id: string;
  platform_team_id: string;
}

type Member = NonNullable<UsersListResponse['members']>[number];

/** Fuzzy enough for support: a case-insensitive match on the start of any of the user's names or words. */
function matches(member: Member, wanted: string): boolean {
  return [member.name, member.real_name, member.profile?.display_name, member.profile?.real_name]
    .filter((candidate): candidate is string => Boolean(candidate))
    .flatMap((candidate) => [candidate.toLowerCase(), ...candidate.toLowerCase().split(/\s+/)])
    .some((candidate) => candidate.startsWith(wanted));
}

export async function searchUsers(workspaces: Workspaces, name: string): Promise<FoundUser[]> {
  const wanted = name.trim().toLowerCase().replace(/^@/, '');
  if (!wanted) return [];
  const found: FoundUser[] = [];
  for (const workspace of workspaces.all()) {
    // users.list is paged (up to 200 a page here); the customer may be on any page.
    for await (const page of workspace.client.paginate('users.list', { limit: 200 })) {
      for (const member of (page as UsersListResponse).members ?? []) {
        if (member.is_bot || member.deleted || !member.id || !matches(member, wanted)) continue;
        found.push({ username: member.name ?? member.id, platform_user_id: member.id, platform_team_id: workspace.teamId });
      }
    }
  }
  return found;
}
