import net from 'node:net';

export interface FloodResult {
  requests: number;
  /** Requests the server answered (413 or 401) rather than reading on. */
  answered: number;
  /** Bytes the clients managed to push, in total: the refusal is what keeps this small. */
  bytesPushed: number;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');
const DECLARED = 100 * 1024 * 1024;

/**
 * One unauthenticated upload that declares 100 MB (or none, chunked) and pushes as fast as the socket
 * takes it, until the server answers and closes or `maxMs` passes.
 */
function oversizedUpload(url: URL, chunked: boolean, maxMs: number): Promise<{ answered: boolean; bytes: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let bytes = 0;
    let answered = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ answered, bytes });
    };
    const timer = setTimeout(finish, maxMs);
    const pump = () => {
      while (!done && !socket.destroyed) {
        bytes += CHUNK.length;
        const frame = chunked ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]) : CHUNK;
        if (!socket.write(frame)) return void socket.once('drain', pump);
      }
    };
    socket.on('data', (data) => {
      if (/^HTTP\/1\.1 4\d\d/.test(data.toString('latin1'))) answered = true;
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      const length = chunked ? 'transfer-encoding: chunked' : `content-length: ${DECLARED}`;
      socket.write(`POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\n${length}\r\n\r\n`);
      pump();
    });
  });
}

/** `concurrency` uploads at a time against `url` until `total` were sent, half of them chunked. */
export async function floodOversized(url: URL, total: number, concurrency: number, maxMs: number): Promise<FloodResult> {
  const result: FloodResult = { requests: 0, answered: 0, bytesPushed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const upload = await oversizedUpload(url, index % 2 === 1, maxMs);
      result.requests += 1;
      result.bytesPushed += upload.bytes;
      if (upload.answered) result.answered += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}
