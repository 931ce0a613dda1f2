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

/** The connection ends with the answer, which says so: a refused client must not reuse it. */
export function closeAfterAnswer(req: IncomingMessage): void {
  const res = responses.get(req);
  if (!res || res.headersSent) return;
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
}

/**
 * For an answer given before the body arrived whole (run as the answer finishes): Node would go on reading
 * and discarding the rest to reuse the connection, however long it is. A body declared over the limit is
 * not read at all (the connection ends with the answer); any other is drained only up to the limit, so a
 * normal client sees the answer rather than a broken pipe, and the read timeout still bounds how long.
 */
export function limitAfterAnswer(req: IncomingMessage, limit: number): void {
  if (req.complete) return;
  if (declaresTooLarge(req, limit)) {
    req.socket.once('finish', () => req.socket.destroy());
    req.socket.end();
    return;
  }
  // A listener of our own before the answer finishes keeps Node from draining without counting.
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limit) req.socket.destroy();
  });
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
