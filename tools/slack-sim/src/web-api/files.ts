import { slackId } from '../ids.js';
import { shareFiles, storeFile } from '../files.js';
import { type MethodHandler, optionalString, requireString, visibleConversation } from './call.js';
import { SlackApiError } from './errors.js';
import { fileObject } from './shapes.js';

const info: MethodHandler = (call) => {
  const file = call.ctx.state.files.get(requireString(call, 'file'));
  if (!file || file.teamId !== call.token.teamId) throw new SlackApiError('file_not_found');
  return { file: fileObject(call.ctx, file), comments: [], response_metadata: { next_cursor: '' } };
};

const getUploadUrl: MethodHandler = (call) => {
  const filename = requireString(call, 'filename');
  const length = Number(requireString(call, 'length'));
  if (!Number.isInteger(length) || length <= 0) {
    throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] length must be a positive integer'] } });
  }
  const fileId = slackId('F');
  call.ctx.state.uploads.set(fileId, { fileId, teamId: call.token.teamId, userId: call.token.userId, name: filename,
    length });
  return { upload_url: `${call.ctx.baseUrl}/upload/v1/${fileId}`, file_id: fileId };
};

interface UploadRef { id: string; title?: string }

function uploadRefs(raw: string): UploadRef[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] files must be a JSON array'] } });
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] files must be a non-empty array'] } });
  }
  return parsed.map((entry: unknown) => {
    const ref = entry as Partial<UploadRef>;
    if (typeof ref?.id !== 'string') throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] every file needs an id'] } });
    return { id: ref.id, ...(typeof ref.title === 'string' ? { title: ref.title } : {}) };
  });
}

const completeUpload: MethodHandler = async (call) => {
  const refs = uploadRefs(requireString(call, 'files'));
  const channelId = optionalString(call, 'channel_id') ?? optionalString(call, 'channels');
  const conv = channelId ? visibleConversation(call, channelId) : undefined;
  const { state } = call.ctx;
  const pending = refs.map((ref) => {
    const upload = state.uploads.get(ref.id);
    if (!upload || upload.teamId !== call.token.teamId || !upload.content) throw new SlackApiError('file_not_found');
    return { ref, upload, content: upload.content };
  });
  if (conv) {
    if (conv.is_archived) throw new SlackApiError('is_archived');
    if (!conv.members.has(call.token.userId)) throw new SlackApiError('not_in_channel');
  }
  const files = pending.map(({ ref, upload, content }) => {
    state.uploads.delete(ref.id);
    return storeFile(call.ctx, { id: ref.id, teamId: upload.teamId, userId: upload.userId, name: upload.name,
      title: ref.title ?? upload.name, mimetype: mimeFor(upload.name), content });
  });
  if (conv) {
    await shareFiles(call.ctx, conv, files, call.token.userId, optionalString(call, 'initial_comment') ?? '',
      optionalString(call, 'thread_ts'));
  }
  return { files: files.map((f) => fileObject(call.ctx, f)) };
};

const MIME_BY_EXT: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', txt: 'text/plain', pdf: 'application/pdf',
  json: 'application/json', csv: 'text/csv',
};

function mimeFor(name: string): string {
  return MIME_BY_EXT[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

export const fileMethods: Record<string, MethodHandler> = {
  'files.info': info,
  'files.getUploadURLExternal': getUploadUrl,
  'files.completeUploadExternal': completeUpload,
};
