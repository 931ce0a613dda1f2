import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody as readLimitedBody } from '@megatron/runtime';

export { sendJson } from '@megatron/runtime';

const MAX_BODY_BYTES = 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  try {
    return await readLimitedBody(req, MAX_BODY_BYTES);
  } catch (error) {
    throw error instanceof BodyTooLargeError ? new HttpError(413, error.message) : error;
  }
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
