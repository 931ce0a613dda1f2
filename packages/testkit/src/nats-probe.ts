import { connect } from 'node:net';

/** The first line a NATS server sends (`INFO {...}`), or undefined when nothing answers on the port. */
export function readNatsInfo(port: number, host = '127.0.0.1'): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    let buffer = '';
    const finish = (line: string | undefined) => {
      socket.destroy();
      resolve(line);
    };
    socket.setTimeout(2_000, () => finish(undefined));
    socket.on('error', () => finish(undefined));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\n');
      if (end >= 0) finish(buffer.slice(0, end).trim());
    });
    socket.on('end', () => finish(undefined));
  });
}
