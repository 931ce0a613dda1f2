import type { Workspaces } from './workspaces.js';

export interface FoundUser {
  username: string;
  platform_user_id: string;
  platform_team_id: string;
}

/** Fuzzy enough for support: a case-insensitive match on the start of any of the user's names. */
export async function searchUsers(workspaces: Workspaces, name: string): Promise<FoundUser[]> {
  const wanted = name.trim().toLowerCase().replace(/^@/, '');
  if (!wanted) return [];
  const found: FoundUser[] = [];
  for (const workspace of workspaces.all()) {
    const { members = [] } = await workspace.client.users.list({});
    for (const member of members) {
      if (member.is_bot || member.deleted || !member.id) continue;
      const names = [member.name, member.real_name, member.profile?.display_name, member.profile?.real_name]
        .filter((candidate): candidate is string => Boolean(candidate))
        .flatMap((candidate) => [candidate.toLowerCase(), ...candidate.toLowerCase().split(/\s+/)]);
      if (names.some((candidate) => candidate.startsWith(wanted))) {
        found.push({ username: member.name ?? member.id, platform_user_id: member.id, platform_team_id: workspace.teamId });
      }
    }
  }
  return found;
}
