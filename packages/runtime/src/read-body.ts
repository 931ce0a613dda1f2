import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request body over the limit; each edge answers it as its own 413. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';

  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

const responses = new WeakMap<IncomingMessage, ServerResponse>();

/** Lets readBody close the connection of a refused body; startServers binds every request it serves. */
export function bindResponse(req: IncomingMessage, res: ServerResponse): void {
  responses.set(req, res);
}

/**
 * The connection ends with the answer: Node would otherwise read (and discard) the rest of the
 * body to reuse the connection, which is exactly the work a refusal must not do.
 */
export function closeAfterAnswer(req: IncomingMessage): void {
  const res = responses.get(req);
  if (!res || res.headersSent) return;
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
  res.once('finish', () => req.socket.destroySoon());
}

export function declaresTooLarge(req: IncomingMessage, limit: number): boolean {
  const declared = Number(req.headers['content-length']);
  return Number.isFinite(declared) && declared > limit;
}

/**
 * The exact bytes of a request body, never more than `limit`: a declared length over the limit is
 * refused unread, a stream that grows past it is cut off; either way the connection closes after
 * the answer.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaresTooLarge(req, limit)) {
    closeAfterAnswer(req);
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    // Listeners rather than `for await`: leaving that loop early destroys the socket, and with it the answer.
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      req.pause();
      closeAfterAnswer(req);
      reject(new BodyTooLargeError(limit));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
