import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Code } from '@connectrpc/connect';
import { RelayMode } from '@megatron/contracts';
import { startSlackSim, type SlackSim } from '@megatron/slack-sim';
import { rpcError, S3_CREDENTIALS, seedWorkspace, startHarness, startTestS3, type Harness, type TestS3 } from './harness.js';

const MAX_BYTES = 4096;

let sim: SlackSim;
let s3: TestS3;
let harness: Harness;
let withoutS3: Harness;
let customer: Awaited<ReturnType<typeof seedWorkspace>>;
let integration: Awaited<ReturnType<typeof seedWorkspace>>;
let customerChannel: string;

beforeAll(async () => {
  sim = await startSlackSim();
  s3 = await startTestS3();
  harness = await startHarness(
    {
      AWS_S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      S3_AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      S3_PRESIGN_EXPIRY_SECONDS: '1',
      FILE_MAX_BYTES: String(MAX_BYTES),
    },
    sim,
  );
  withoutS3 = await startHarness({}, sim);
  customer = await seedWorkspace(sim, 1);
  integration = await seedWorkspace(sim, 1);
  const { channel } = await harness.client.openDirectMessage({ user: customer.people[0]?.id ?? '' }, { headers: { 'x-slack-token': customer.token } });
  customerChannel = channel;
});

afterAll(async () => {
  await harness.close();
  await withoutS3.close();
  await sim.close();
  await s3.close();
});

/** A file the customer shares in their DM with the bot, as Slack describes it to Megatron. */
async function customerFile(name: string, bytes: Buffer, mimetype: string) {
  const shared = await sim.control.shareFile({
    teamId: customer.workspace.id,
    userId: customer.people[0]?.id ?? '',
    channel: customerChannel,
    name,
    mimetype,
    contentBase64: bytes.toString('base64'),
  });
  const file = (await sim.control.files()).find((f) => f.id === shared.fileId);
  if (!file) throw new Error(`the simulator lost file ${shared.fileId}`);
  return { id: file.id, name: file.name, title: file.title, mimetype: file.mimetype, size: 0n, urlPrivate: file.urlPrivate };
}

async function storedKeys(): Promise<string[]> {
  const client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3_CREDENTIALS });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'temp/' }));
    return (listed.Contents ?? []).map((object) => object.Key ?? '');
  } finally {
    client.destroy();
  }
}

test('a presigned URL downloads the same bytes with the content type kept, and stops working after expiry', async () => {
  const bytes = randomBytes(1500);
  const file = await customerFile('photo of card.png', bytes, 'image/png');
  const relayed = await harness.client.relayFile(
    { file, mode: RelayMode.PRESIGNED_URL },
    { headers: { 'x-slack-source-token': customer.token } },
  );
  expect(relayed.s3Key).toMatch(/^temp\/[0-9a-f-]{36}\/photo_of_card\.png$/);
  expect(relayed).toMatchObject({ mimetype: 'image/png', size: 1500n });

  const download = await fetch(relayed.url);
  expect(download.status).toBe(200);
  expect(download.headers.get('content-type')).toBe('image/png');
  expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

  await new Promise((resolve) => setTimeout(resolve, 2100));
  const expired = await fetch(relayed.url);
  await expired.arrayBuffer();
  expect(expired.status).toBe(403);
});

test('a file over the size limit is refused with a clear error and nothing is stored', async () => {
  const file = await customerFile('huge.bin', randomBytes(MAX_BYTES + 1), 'application/octet-stream');
  const before = await storedKeys();
  const error = await rpcError(
    harness.client.relayFile({ file, mode: RelayMode.PRESIGNED_URL }, { headers: { 'x-slack-source-token': customer.token } }),
  );
  expect(error.code).toBe(Code.InvalidArgument);
  expect(error.rawMessage).toBe(`file huge.bin is ${MAX_BYTES + 1} bytes; the relay limit is ${MAX_BYTES} bytes`);
  expect(await storedKeys()).toEqual(before);
});

test('a file whose declared size is over the limit is refused before downloading', async () => {
  const file = { ...(await customerFile('declared.bin', randomBytes(10), 'application/octet-stream')), size: BigInt(MAX_BYTES + 1) };
  const error = await rpcError(
    harness.client.relayFile({ file, mode: RelayMode.PRESIGNED_URL }, { headers: { 'x-slack-source-token': customer.token } }),
  );
  expect(error.code).toBe(Code.InvalidArgument);
  expect(error.rawMessage).toContain('the relay limit is 4096 bytes');
});

test("a source token of another workspace cannot read the file: UNAUTHENTICATED, not Slack's sign-in page", async () => {
  const file = await customerFile('secret.txt', Buffer.from('secret'), 'text/plain');
  const error = await rpcError(
    harness.client.relayFile({ file, mode: RelayMode.PRESIGNED_URL }, { headers: { 'x-slack-source-token': integration.token } }),
  );
  expect(error.code).toBe(Code.Unauthenticated);
  expect(error.metadata.get('slack-error')).toBe('invalid_auth');
});

test('re-upload mode shares the same bytes into the destination channel, reachable for good with that workspace\'s token', async () => {
  const bytes = Buffer.from('receipt line 1\nreceipt line 2\n');
  const file = await customerFile('receipt.txt', bytes, 'text/plain');
  const { channel } = await harness.client.createChannel({ name: 'reupload' }, { headers: { 'x-slack-token': integration.token } });
  const relayed = await harness.client.relayFile(
    { file, mode: RelayMode.REUPLOAD, destinationChannel: channel?.id ?? '', initialComment: 'from the customer' },
    { headers: { 'x-slack-source-token': customer.token, 'x-slack-token': integration.token } },
  );
  expect(relayed).toMatchObject({ url: '', s3Key: '', mimetype: 'text/plain', size: BigInt(bytes.length) });
  const copy = (await sim.control.files()).find((f) => f.id === relayed.fileId);
  expect(copy).toMatchObject({ teamId: integration.workspace.id, name: 'receipt.txt', channels: [channel?.id] });
  const [message] = await sim.control.messages(channel?.id ?? '');
  expect(message?.text).toBe('from the customer');
  expect(message?.files?.map((f) => f.id)).toEqual([relayed.fileId]);

  // A file of the destination workspace: its url_private carries no expiry and still answers after this harness's
  // presign lifetime (1 s, which the presigned test above sees end), as long as the file exists in Slack.
  const urlPrivate = new URL(copy?.urlPrivate ?? '');
  expect(`${urlPrivate.protocol}//${urlPrivate.host}`).toBe(new URL(sim.apiUrl).origin);
  expect([...urlPrivate.searchParams.keys()]).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const download = await fetch(urlPrivate, { headers: { authorization: `Bearer ${integration.token}` }, redirect: 'manual' });
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
});

test('a re-upload whose share times out after Slack carried it out is UNAVAILABLE with an unknown outcome, never repeated blind', async () => {
  const file = await customerFile('invoice.txt', Buffer.from('invoice'), 'text/plain');
  const { channel } = await harness.client.createChannel({ name: 'reupload-unknown' }, { headers: { 'x-slack-token': integration.token } });
  await sim.control.fault({ kind: 'reset_after_send', method: 'files.completeUploadExternal', channel: channel?.id ?? '' });
  const error = await rpcError(
    harness.client.relayFile(
      { file, mode: RelayMode.REUPLOAD, destinationChannel: channel?.id ?? '' },
      { headers: { 'x-slack-source-token': customer.token, 'x-slack-token': integration.token } },
    ),
  );
  expect(error.code).toBe(Code.Unavailable);
  expect(error.metadata.get('slack-outcome')).toBe('unknown');
  const shares = (await sim.control.messages(channel?.id ?? '')).filter((message) => message.files?.some((f) => f.name === 'invoice.txt'));
  expect(shares).toHaveLength(1);
});

test('a relay names its mode: RELAY_MODE_UNSPECIFIED is refused before anything is downloaded', async () => {
  const file = await customerFile('unspecified.txt', Buffer.from('x'), 'text/plain');
  const error = await rpcError(harness.client.relayFile({ file }, { headers: { 'x-slack-source-token': customer.token, 'x-slack-token': integration.token } }));
  expect(error.code).toBe(Code.InvalidArgument);
  expect(error.rawMessage).toBe('mode must be RELAY_MODE_PRESIGNED_URL or RELAY_MODE_REUPLOAD');
});

test('a presigned relay without S3 configured is FAILED_PRECONDITION', async () => {
  const file = await customerFile('nowhere.txt', Buffer.from('x'), 'text/plain');
  const error = await rpcError(
    withoutS3.client.relayFile({ file, mode: RelayMode.PRESIGNED_URL }, { headers: { 'x-slack-source-token': customer.token } }),
  );
  expect(error.code).toBe(Code.FailedPrecondition);
  expect(error.rawMessage).toBe('S3 is not configured');
});

test('readiness includes the S3 bucket when S3 is configured', async () => {
  const ready = (await (await fetch(`${harness.httpUrl}/readyz`)).json()) as { ready: boolean; dependencies: Record<string, { up: boolean }> };
  expect(ready).toMatchObject({ ready: true, dependencies: { s3: { up: true } } });
});
