import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { RelayFileResponseSchema, RelayMode, type SlackConnectionService, type SlackFile } from '@megatron/contracts';
import type { FilesCompleteUploadExternalResponse, FilesGetUploadURLExternalResponse } from '@slack/web-api';
import type { CallDeadline } from '../rpc/call-deadline.js';
import { callDeadline, slackToken, sourceToken } from '../rpc/context-keys.js';
import { relayObjectKey, sanitiseFileName } from '../s3/object-key.js';
import type { S3Store } from '../s3/s3-store.js';
import { tokenFingerprint } from '../slack/client-cache.js';
import { downloadSlackFile, fileTooLarge, type DownloadedFile } from '../slack/download-file.js';
import { fetchSlackUrl } from '../slack/slack-http.js';
import { requireSlackUrl, slackFor, type ActionDeps } from './action-deps.js';
import { invalid } from './input.js';

export interface FileRelaySettings {
  maxBytes: number;
  presignExpirySeconds: number;
  /** Absent when S3 is not configured: presigned relays are refused then. */
  s3?: S3Store;
}

type FileActions = Pick<ServiceImpl<typeof SlackConnectionService>, 'relayFile'>;

export function fileActions(deps: ActionDeps, settings: FileRelaySettings): FileActions {
  const download = (file: SlackFile, token: string, deadline: CallDeadline): Promise<DownloadedFile> =>
    deps.slack.retrying('files.download', deadline, `${tokenFingerprint(token)}|files.download`, () =>
      downloadSlackFile(file.urlPrivate, file.name, token, settings.maxBytes, deadline),
    );

  return {
    async relayFile(req, context) {
      const file = req.file;
      if (!file) throw invalid('file is required');
      requireSlackUrl(file.urlPrivate, deps.slackUrls.files, 'file.url_private');
      if (file.size > BigInt(settings.maxBytes)) throw fileTooLarge(file.name, file.size.toString(), settings.maxBytes);
      // The caller chooses: how the file is shown beside its message depends on it (command-core's FILE_RELAY_MODE).
      const mode = req.mode;
      if (mode !== RelayMode.PRESIGNED_URL && mode !== RelayMode.REUPLOAD) throw invalid('mode must be RELAY_MODE_PRESIGNED_URL or RELAY_MODE_REUPLOAD');
      const deadline = callDeadline(context, deps.defaultDeadlineMs);
      const name = file.name || file.title || file.id || 'file';

      if (mode === RelayMode.PRESIGNED_URL) {
        const s3 = settings.s3;
        if (!s3) throw new ConnectError('S3 is not configured', Code.FailedPrecondition);
        const downloaded = await download(file, sourceToken(context), deadline);
        const mimetype = downloaded.contentType || file.mimetype || 'application/octet-stream';
        const key = relayObjectKey(name);
        try {
          await s3.put(key, downloaded.bytes, mimetype, deadline.signal);
        } catch (error) {
          if (deadline.expired) throw deadline.error('S3 upload');
          throw new ConnectError(`S3 upload failed: ${error instanceof Error ? error.message : String(error)}`, Code.Unavailable);
        }
        const url = await s3.presignGet(key, settings.presignExpirySeconds);
        return create(RelayFileResponseSchema, { url, s3Key: key, mimetype, size: BigInt(downloaded.bytes.length) });
      }

      const destinationToken = slackToken(context);
      const downloaded = await download(file, sourceToken(context), deadline);
      const mimetype = downloaded.contentType || file.mimetype || 'application/octet-stream';
      const slack = slackFor(deps, context);
      const filename = sanitiseFileName(name);
      const target = await slack<FilesGetUploadURLExternalResponse>('files.getUploadURLExternal', {
        filename,
        length: downloaded.bytes.length,
      });
      if (!target.upload_url || !target.file_id) {
        throw new ConnectError('files.getUploadURLExternal answered without upload_url or file_id', Code.Internal);
      }
      const uploadUrl = requireSlackUrl(target.upload_url, deps.slackUrls.files, 'upload_url');
      await deps.slack.retrying('files.upload', deadline, `${tokenFingerprint(destinationToken)}|files.upload`, async () => {
        const response = await fetchSlackUrl(
          uploadUrl,
          { method: 'POST', headers: { 'content-type': mimetype }, body: downloaded.bytes },
          deadline,
          'upload URL',
        );
        await response.arrayBuffer();
      });
      const channel = req.destinationChannel.trim();
      await slack<FilesCompleteUploadExternalResponse>(
        'files.completeUploadExternal',
        {
          files: JSON.stringify([{ id: target.file_id, title: file.title || name }]),
          ...(channel ? { channel_id: channel } : {}),
          ...(channel && req.initialComment ? { initial_comment: req.initialComment } : {}),
        },
        channel ? { orderedChannel: channel } : {},
      );
      return create(RelayFileResponseSchema, { fileId: target.file_id, mimetype, size: BigInt(downloaded.bytes.length) });
    },
  };
}
