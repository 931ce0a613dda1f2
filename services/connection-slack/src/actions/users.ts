import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthTestResponseSchema, GetUserInfoResponseSchema, SlackUserSchema, type SlackConnectionService } from '@megatron/contracts';
import type { AuthTestResponse, UsersInfoResponse } from '@slack/web-api';
import { slackFor, type ActionDeps } from './action-deps.js';
import { required } from './input.js';

type UserActions = Pick<ServiceImpl<typeof SlackConnectionService>, 'authTest' | 'getUserInfo'>;

export function userActions(deps: ActionDeps): UserActions {
  return {
    async authTest(_req, context) {
      const result = await slackFor(deps, context)<AuthTestResponse>('auth.test', {});
      return create(AuthTestResponseSchema, {
        teamId: result.team_id ?? '',
        team: result.team ?? '',
        userId: result.user_id ?? '',
        botId: result.bot_id ?? '',
        url: result.url ?? '',
      });
    },

    async getUserInfo(req, context) {
      const result = await slackFor(deps, context)<UsersInfoResponse>('users.info', { user: required(req.user, 'user') });
      const user = result.user;
      return create(GetUserInfoResponseSchema, {
        user: create(SlackUserSchema, {
          id: user?.id ?? req.user,
          teamId: user?.team_id ?? '',
          name: user?.name ?? '',
          realName: user?.real_name ?? user?.profile?.real_name ?? '',
          displayName: user?.profile?.display_name ?? '',
          imageUrl: user?.profile?.image_72 ?? '',
          isBot: user?.is_bot ?? false,
          tz: user?.tz ?? '',
          tzLabel: user?.tz_label ?? '',
          tzOffset: user?.tz_offset ?? 0,
        }),
      });
    },
  };
}
