import type { IncomingMessage } from 'node:http';
import { RequestError } from '../request-error.js';

/**
 * The exact bytes Slack signed, read before anything parses them, and never more than `limit`:
 * a declared length over the limit is refused unread, a stream that grows past it is cut off.
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new RequestError(413, `request body is larger than ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}
