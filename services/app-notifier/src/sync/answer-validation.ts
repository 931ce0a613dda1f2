/** A precise reason the app's answer cannot be used, shown to the agent by command-core. */
export class MalformedAnswerError extends Error {
  override name = 'MalformedAnswerError';
}

export interface FoundUserAnswer {
  username: string;
  platformUserId: string;
  platformTeamId: string;
}

export interface WorkspaceAnswer {
  name: string;
  domain: string;
  connectionToken: string;
}

const MAX_USERS = 100;

export function parseJson(body: Buffer, command: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new MalformedAnswerError(`the app's answer to ${command} is not JSON`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value.trim() === '') throw new MalformedAnswerError(`${where}.${key} must be a non-empty string`);
  return value;
}

/** `{users: [{username, platform_user_id, platform_team_id}]}` (seed docs, search_user). */
export function searchUserAnswer(answer: unknown): FoundUserAnswer[] {
  if (!isObject(answer) || !Array.isArray(answer.users)) throw new MalformedAnswerError('the answer to search_user must be {"users": [...]}');
  if (answer.users.length > MAX_USERS) throw new MalformedAnswerError(`search_user answered ${answer.users.length} users; at most ${MAX_USERS} are accepted`);
  return answer.users.map((user: unknown, index) => {
    const where = `users[${index}]`;
    if (!isObject(user)) throw new MalformedAnswerError(`${where} must be an object`);
    return {
      username: text(user, 'username', where),
      platformUserId: text(user, 'platform_user_id', where),
      platformTeamId: text(user, 'platform_team_id', where),
    };
  });
}

/** `{ok: true, data: {name, domain, connection_token}}` (seed docs, refresh_workspace). */
export function refreshWorkspaceAnswer(answer: unknown): WorkspaceAnswer {
  if (!isObject(answer)) throw new MalformedAnswerError('the answer to refresh_workspace must be a JSON object');
  if (answer.ok !== true) {
    const said = typeof answer.error === 'string' ? `: ${answer.error.slice(0, 200)}` : '';
    throw new MalformedAnswerError(`the app answered refresh_workspace with ok: ${JSON.stringify(answer.ok ?? null)}${said}`);
  }
  if (!isObject(answer.data)) throw new MalformedAnswerError('the answer to refresh_workspace has no data object');
  return {
    name: text(answer.data, 'name', 'data'),
    domain: text(answer.data, 'domain', 'data'),
    connectionToken: text(answer.data, 'connection_token', 'data'),
  };
}
