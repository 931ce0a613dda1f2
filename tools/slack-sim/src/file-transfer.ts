import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import { contentType, firstMultipartFile, readBody, sendText } from './http-util.js';

/** `POST /upload/v1/<file id>`: the URL files.getUploadURLExternal hands out; raw bytes or multipart both work. */
export async function handleUpload(ctx: SimContext, req: IncomingMessage, res: ServerResponse, fileId: string):
Promise<void> {
  const upload = ctx.state.uploads.get(fileId);
  const body = await readBody(req);
  if (!upload || req.method !== 'POST') {
    sendText(res, 404, 'upload URL not found');
    return;
  }
  const content = contentType(req) === 'multipart/form-data'
    ? firstMultipartFile(body, req.headers['content-type'] ?? '') : body;
  if (!content) {
    sendText(res, 400, 'multipart body without a file part');
    return;
  }
  upload.content = content;
  sendText(res, 200, `OK - ${content.length}`);
}

/**
 * `GET /files-pri/<team>-<file>/<name>` (url_private). Slack answers a request without a valid token of the file's
 * workspace with a redirect to its sign-in page, so a careless client downloads HTML instead of the file.
 */
export function handleDownload(ctx: SimContext, req: IncomingMessage, res: ServerResponse, key: string): void {
  const [teamId, fileId] = key.split('-');
  const file = fileId ? ctx.state.files.get(fileId) : undefined;
  const header = req.headers.authorization ?? '';
  const token = ctx.state.tokens.get(/^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? '');
  if (!file || file.teamId !== teamId) {
    sendText(res, 404, 'file not found');
    return;
  }
  if (!token || token.revoked || token.teamId !== file.teamId) {
    res.writeHead(302, { location: `${ctx.baseUrl}/signin?redir=${encodeURIComponent(req.url ?? '/')}` });
    res.end();
    return;
  }
  const content = Buffer.from(file.contentBase64, 'base64');
  res.writeHead(200, { 'content-type': file.mimetype, 'content-length': content.length.toString(),
    'content-disposition': `attachment; filename="${file.name.replace(/"/g, '')}"` });
  res.end(content);
}

export function handleSignin(res: ServerResponse): void {
  sendText(res, 200, '<!DOCTYPE html><html><body><h1>Sign in to Slack</h1></body></html>', 'text/html');
}

// Shown inline in the UI; anything else (HTML, SVG, scripts) is only ever downloaded, so an uploaded file
// cannot run in the simulator's origin.
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * `GET /_sim/file-content/<file id>`: a file's bytes for the browser UI, which watches every workspace and holds
 * no token. Apps keep downloading through url_private with a token, as on Slack.
 */
export function handleFileContent(ctx: SimContext, res: ServerResponse, fileId: string): void {
  const file = ctx.state.files.get(fileId);
  if (!file) {
    sendText(res, 404, 'file not found');
    return;
  }
  const content = Buffer.from(file.contentBase64, 'base64');
  const inline = INLINE_IMAGES.has(file.mimetype);
  res.writeHead(200, {
    'content-type': inline ? file.mimetype : 'application/octet-stream',
    'content-length': content.length.toString(),
    // RFC 6266's encoded form: a header may carry only Latin-1, a file name anything.
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  });
  res.end(content);
}
