import type { Client } from '@connectrpc/connect';
import { Code, ConnectError } from '@connectrpc/connect';
import { SLACK_ERROR_HEADER, SLACK_SOURCE_TOKEN_HEADER, SLACK_TOKEN_HEADER, type AppNotifierService, type SlackConnectionService } from '@megatron/contracts';
import type { Logger } from '@megatron/runtime';
import type { CustomerWorkspace, Tenants } from '../tenants/types.js';
import { AgentError } from './errors.js';

export type SlackClient = Client<typeof SlackConnectionService>;
export type AppNotifierClient = Client<typeof AppNotifierService>;

/** connection-slack's answer to Slack's invalid_auth / token_revoked. */
function isRefused(error: unknown): error is ConnectError {
  return error instanceof ConnectError && error.code === Code.Unauthenticated;
}

/** Call options carrying a bot token to connection-slack (metadata only, never a message field). */
export function withToken(token: string, sourceToken?: string) {
  return { headers: { [SLACK_TOKEN_HEADER]: token, ...(sourceToken ? { [SLACK_SOURCE_TOKEN_HEADER]: sourceToken } : {}) } };
}

/**
 * Runs a Slack call with a customer workspace's token; when Slack answers invalid_auth/token_revoked
 * (UNAUTHENTICATED), asks the app for fresh credentials (refresh_workspace), stores them and retries once.
 */
export class CustomerTokens {
  constructor(
    private readonly tenants: Tenants,
    private readonly appNotifier: AppNotifierClient,
    private readonly logger: Logger,
  ) {}

  async call<T>(workspace: CustomerWorkspace, run: (token: string) => Promise<T>): Promise<T> {
    try {
      return await run(workspace.connectionToken);
    } catch (error) {
      if (!isRefused(error)) throw error;
      const token = await this.refresh(workspace);
      try {
        return await run(token);
      } catch (retryError) {
        if (!isRefused(retryError)) throw retryError;
        this.logger.warn({ err: retryError, teamId: workspace.platformId, slackError: retryError.metadata.get(SLACK_ERROR_HEADER) }, 'refreshed customer bot token refused too');
        throw new AgentError(
          `Slack refused the bot token of workspace ${workspace.name || workspace.platformId} again, right after the app refreshed it, so nothing was sent; the bot may need to be reinstalled there.`,
        );
      }
    }
  }

  private async refresh(workspace: CustomerWorkspace): Promise<string> {
    this.logger.warn({ organizationId: workspace.organizationId, teamId: workspace.platformId }, 'customer bot token refused; refreshing the workspace');
    let fresh;
    try {
      fresh = await this.appNotifier.refreshWorkspace({ organizationId: workspace.organizationId, workspacePlatformId: workspace.platformId });
    } catch (error) {
      if (error instanceof ConnectError && (error.code === Code.Unavailable || error.code === Code.DeadlineExceeded)) throw error;
      this.logger.warn({ err: error, teamId: workspace.platformId }, 'the app could not refresh a customer workspace');
      throw new AgentError(
        `Slack no longer accepts the bot token of workspace ${workspace.name || workspace.platformId}, and the app could not give a new one, so nothing was sent; ask your administrator to check the app.`,
      );
    }
    if (!fresh.connectionToken) {
      this.logger.warn({ teamId: workspace.platformId }, 'the app answered refresh_workspace without a connection_token');
      throw new AgentError(`Slack no longer accepts the bot token of workspace ${workspace.name || workspace.platformId}, and the app gave no new one, so nothing was sent; ask your administrator to check the app.`);
    }
    await this.tenants.registerWorkspace(workspace.organizationId, {
      platformId: workspace.platformId,
      name: fresh.name || workspace.name,
      domain: fresh.domain || workspace.domain,
      connectionToken: fresh.connectionToken,
    });
    workspace.connectionToken = fresh.connectionToken;
    return fresh.connectionToken;
  }
}
