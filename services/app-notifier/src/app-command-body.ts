import type { AppCommand } from '@megatron/contracts';

/** JSON bodies in the seed docs' shape (SPEC §7), so apps written for the original keep working. */
export type AppCommandBody = Record<string, string | boolean>;

export type AppCommandName = 'pause' | 'clear-context' | 'push_message' | 'search_user' | 'refresh_workspace';

export function commandName(command: AppCommand): AppCommandName | undefined {
  switch (command.kind.case) {
    case 'pause':
      return 'pause';
    case 'clearContext':
      return 'clear-context';
    case 'pushMessage':
      return 'push_message';
    default:
      return undefined;
  }
}

/** The body of a fire-and-forget command; undefined when the command carries no kind. */
export function fireAndForgetBody(command: AppCommand, verificationToken: string): AppCommandBody | undefined {
  const kind = command.kind;
  switch (kind.case) {
    case 'pause':
      return {
        command: 'pause',
        channel_id: kind.value.channelId,
        team_id: kind.value.teamId,
        user_id: kind.value.userId,
        paused: kind.value.paused,
        megatron_verification_token: verificationToken,
      };
    case 'clearContext':
      return {
        command: 'clear-context',
        platform_user_id: kind.value.platformUserId,
        // The original sent user_id; apps written against it still read that name.
        user_id: kind.value.platformUserId,
        team_id: kind.value.teamId,
        megatron_verification_token: verificationToken,
      };
    case 'pushMessage':
      return {
        command: 'push_message',
        message: kind.value.message,
        channel_id: kind.value.channelId,
        platform_user_id: kind.value.platformUserId,
        platform_channel_id: kind.value.platformChannelId,
        team_id: kind.value.teamId,
        megatron_verification_token: verificationToken,
      };
    default:
      return undefined;
  }
}

export function searchUserBody(targetedUserName: string, verificationToken: string): AppCommandBody {
  return { command: 'search_user', targeted_user_name: targetedUserName, megatron_verification_token: verificationToken };
}

export function refreshWorkspaceBody(workspacePlatformId: string, verificationToken: string): AppCommandBody {
  return { command: 'refresh_workspace', workspace_platform_id: workspacePlatformId, megatron_verification_token: verificationToken };
}
