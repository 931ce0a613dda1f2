import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { RelayMode, SlackFileSchema, type RelayFileResponse, type SlackFile } from '@megatron/contracts';
import type { CustomerWorkspace, Integration } from '../tenants/types.js';
import type { TakeoverContext } from './context.js';
import { isPermanent } from './errors.js';
import { maskFileTitle } from './masking.js';
import { plainFailure } from './plain-words.js';
import { withToken } from './slack-gateway.js';

/**
 * Which way files cross: into the customer's DM or into the engagement channel, where a re-upload is shared.
 * Slack's invalid_auth here cannot tell whose token it refused (the download's or the upload's), so no
 * customer token is refreshed on it: the file is reported as not relayed. A forward posts its copy first, which
 * does refresh a refused customer token before its files go.
 */
export interface FileRoute {
  relay(file: SlackFile, mode: RelayMode): Promise<RelayFileResponse>;
}

/** An agent's files, from the integration workspace to the customer's DM. */
export function toCustomer(ctx: TakeoverContext, integration: Integration, workspace: CustomerWorkspace, dm: string): FileRoute {
  return {
    relay: (file, mode) => ctx.slack.relayFile({ file, mode, destinationChannel: dm }, withToken(workspace.connectionToken, integration.botToken)),
  };
}

/** A customer's or the bot's files, from the customer's workspace to the engagement channel. */
export function toAgents(ctx: TakeoverContext, integration: Integration, workspace: CustomerWorkspace, channelId: string): FileRoute {
  return {
    relay: (file, mode) => ctx.slack.relayFile({ file, mode, destinationChannel: channelId }, withToken(integration.botToken, workspace.connectionToken)),
  };
}

/** Files become files of the other workspace (the default), or links to a copy in S3 that expire (FILE_RELAY_MODE). */
export function isReupload(ctx: TakeoverContext): boolean {
  return ctx.config.FILE_RELAY_MODE === 'reupload';
}

/**
 * The file as the other side gets it: a card number in its name or title masked. The name also names the S3 copy
 * and its presigned URL, and the re-uploaded file, so it is masked before it leaves.
 */
export function maskedFile(file: SlackFile): SlackFile {
  const name = file.name || file.title || file.id;
  return create(SlackFileSchema, { ...file, name: maskFileTitle(name), title: maskFileTitle(file.title || name) });
}

/** A file that could not be relayed, with words a person can act on. */
export interface FailedFile {
  name: string;
  reason: string;
  /** False when sharing it again cannot help (too large, refused for good). */
  retryable: boolean;
}

export function failedFile(ctx: TakeoverContext, file: SlackFile, error: unknown): FailedFile {
  ctx.logger.warn({ err: error, fileId: file.id }, 'file relay failed');
  return {
    name: file.name || file.title || file.id,
    // The size limit's own words are plain ("the relay limit is … bytes"); anything else in the table's.
    reason: error instanceof ConnectError && error.code === Code.InvalidArgument && /relay limit/.test(error.rawMessage) ? error.rawMessage : plainFailure(error).replace(/\.$/, ''),
    retryable: !isPermanent(error),
  };
}

/** "a.png (why)" for each failed file. */
export function describeFailedFiles(failed: FailedFile[]): string {
  return failed.map((file) => `${file.name} (${file.reason})`).join(', ');
}

/** Attachments that show files relayed as links: images inline, anything else as a link. */
export function fileAttachments(relayed: Array<{ file: SlackFile; url: string; mimetype: string }>): unknown[] {
  return relayed.map(({ file, url, mimetype }) => {
    const fallback = maskFileTitle(file.name || file.title);
    const title = maskFileTitle(file.title || file.name);
    return mimetype.startsWith('image/') ? { fallback, image_url: url, title } : { fallback, title, title_link: url };
  });
}

export interface RelayedFiles {
  attachments: unknown[];
  failed: FailedFile[];
}

export const NO_FILES: RelayedFiles = { attachments: [], failed: [] };

/**
 * Presigned mode: each file copied to S3, as an attachment for the message that carries it (the link expires after
 * connection-slack's S3_PRESIGN_EXPIRY_SECONDS). A file that fails is reported so a person is told, never dropped.
 */
export async function relayAsLinks(ctx: TakeoverContext, files: SlackFile[], route: FileRoute): Promise<RelayedFiles> {
  const relayed: Array<{ file: SlackFile; url: string; mimetype: string }> = [];
  const failed: FailedFile[] = [];
  for (const original of files) {
    const file = maskedFile(original);
    try {
      const result = await route.relay(file, RelayMode.PRESIGNED_URL);
      relayed.push({ file, url: result.url, mimetype: result.mimetype || file.mimetype });
    } catch (error) {
      failed.push(failedFile(ctx, original, error));
    }
  }
  return { attachments: fileAttachments(relayed), failed };
}

/**
 * Re-upload mode: each file shared into the route's channel as a file of that workspace. Called after the message
 * the files belong to is posted: Slack shares an upload asynchronously, so files shared first could still land
 * after it, while files shared after it keep their place below it.
 */
export async function shareFiles(ctx: TakeoverContext, files: SlackFile[], route: FileRoute): Promise<FailedFile[]> {
  const failed: FailedFile[] = [];
  for (const original of files) {
    try {
      await route.relay(maskedFile(original), RelayMode.REUPLOAD);
    } catch (error) {
      failed.push(failedFile(ctx, original, error));
    }
  }
  return failed;
}
