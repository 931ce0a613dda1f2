import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import { RespondToUrlResponseSchema, ResponseType, type SlackConnectionService } from '@megatron/contracts';
import { callDeadline } from '../rpc/context-keys.js';
import { fetchSlackUrl } from '../slack/slack-http.js';
import { requireSlackUrl, type ActionDeps } from './action-deps.js';
import { messageArgs } from './input.js';

type RespondActions = Pick<ServiceImpl<typeof SlackConnectionService>, 'respondToUrl'>;

const RESPONSE_TYPES: Record<ResponseType, string | undefined> = {
  [ResponseType.UNSPECIFIED]: undefined,
  [ResponseType.EPHEMERAL]: 'ephemeral',
  [ResponseType.IN_CHANNEL]: 'in_channel',
};

export function respondActions(deps: ActionDeps): RespondActions {
  return {
    async respondToUrl(req, context) {
      requireSlackUrl(req.responseUrl, deps.slackUrls.hooks, 'response_url');
      const responseType = RESPONSE_TYPES[req.responseType];
      const body = {
        ...(req.deleteOriginal ? {} : messageArgs(req.content)),
        ...(responseType ? { response_type: responseType } : {}),
        ...(req.replaceOriginal ? { replace_original: true } : {}),
        ...(req.deleteOriginal ? { delete_original: true } : {}),
      };
      const deadline = callDeadline(context, deps.defaultDeadlineMs);
      // The response_url is its own credential: no token goes with it.
      await deps.slack.retrying('response_url', deadline, `response_url|${new URL(req.responseUrl).host}`, async () => {
        const response = await fetchSlackUrl(
          req.responseUrl,
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
          deadline,
          'response_url',
        );
        await response.arrayBuffer();
      });
      return create(RespondToUrlResponseSchema, {});
    },
  };
}
