import { Code, ConnectError } from '@connectrpc/connect';
import type { CallDeadline } from '../rpc/call-deadline.js';
import { fetchSlackUrl } from './slack-http.js';

export interface DownloadedFile {
  bytes: Buffer;
  contentType: string;
}

export function fileTooLarge(name: string, size: number | string, maxBytes: number): ConnectError {
  return new ConnectError(`file ${name} is ${size} bytes; the relay limit is ${maxBytes} bytes`, Code.InvalidArgument);
}

/** Downloads url_private with the token of the workspace the file lives in, refusing anything over `maxBytes`. */
export async function downloadSlackFile(
  url: string,
  name: string,
  token: string,
  maxBytes: number,
  deadline: CallDeadline,
): Promise<DownloadedFile> {
  const response = await fetchSlackUrl(url, { headers: { authorization: `Bearer ${token}` } }, deadline, 'url_private');
  const declared = Number.parseInt(response.headers.get('content-length') ?? '', 10);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw fileTooLarge(name, declared, maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (response.body) {
    // Content-Length may be missing or wrong: count while reading too.
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw fileTooLarge(name, `more than ${maxBytes}`, maxBytes);
      chunks.push(Buffer.from(chunk));
    }
  }
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
  return { bytes: Buffer.concat(chunks, total), contentType };
}
