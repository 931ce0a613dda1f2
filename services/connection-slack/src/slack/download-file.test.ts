import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Code, ConnectError } from '@connectrpc/connect';
import { CallDeadline } from '../rpc/call-deadline.js';
import { downloadSlackFile } from './download-file.js';

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // Chunked answers without Content-Length, as a proxy in front of Slack may send them.
  server = createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer xoxb-right') {
      res.writeHead(302, { location: '/signin' }).end();
      return;
    }
    const chunks = req.url === '/big' ? 5 : 2;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    for (let i = 0; i < chunks; i += 1) res.write(Buffer.alloc(1000, 'a'));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('a download without Content-Length is counted while streaming and refused past the limit', async () => {
  const failure = await downloadSlackFile(`${baseUrl}/big`, 'big.txt', 'xoxb-right', 3000, CallDeadline.in(5000)).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(ConnectError);
  expect((failure as ConnectError).code).toBe(Code.InvalidArgument);
  expect((failure as ConnectError).rawMessage).toBe('file big.txt is more than 3000 bytes; the relay limit is 3000 bytes');
});

test('a download under the limit keeps its bytes and its content type without parameters', async () => {
  const file = await downloadSlackFile(`${baseUrl}/small`, 'small.txt', 'xoxb-right', 3000, CallDeadline.in(5000));
  expect(file.bytes.length).toBe(2000);
  expect(file.contentType).toBe('text/plain');
});

test('a redirect to sign-in is an error, never followed', async () => {
  await expect(downloadSlackFile(`${baseUrl}/small`, 'small.txt', 'xoxb-wrong', 3000, CallDeadline.in(5000))).rejects.toMatchObject({
    status: 302,
  });
});
