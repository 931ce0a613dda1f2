import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { verifySlackSignature } from '@megatron/slack-signature';
import { BodyTooLargeError, readBody } from '@megatron/runtime';

// The irreducible work of one forward, in one process: verify Slack's signature, store one row, post one
// message. The benchmark divides Megatron's numbers by this relay's, measured on the same machine and run.

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`baseline relay: ${name} is required\n`);
    process.exit(2);
  }
  return value;
}

const signingSecret = required('SIGNING_SECRET');
const botToken = required('BOT_TOKEN');
const slackApiUrl = required('SLACK_API_URL');
const routes = new Map<string, string>(Object.entries(JSON.parse(required('ROUTES')) as Record<string, string>));
const pool = new pg.Pool({ connectionString: required('DATABASE_URL'), max: 10 });
await pool.query('create table if not exists relayed_messages (id bigserial primary key, channel text not null, ts text not null, dm text not null, text text not null, received_at timestamptz not null default now())');

interface MessageEvent {
  type?: string;
  subtype?: string;
  bot_id?: string;
  channel?: string;
  ts?: string;
  text?: string;
}

// One chain per channel, as a relay must keep each conversation in order.
const chains = new Map<string, Promise<void>>();

async function forward(event: Required<Pick<MessageEvent, 'channel' | 'ts' | 'text'>>, dm: string): Promise<void> {
  await pool.query('insert into relayed_messages (channel, ts, dm, text) values ($1, $2, $3, $4)', [event.channel, event.ts, dm, event.text]);
  const response = await fetch(`${slackApiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ channel: dm, text: event.text }),
  });
  const result = (await response.json()) as { ok: boolean; error?: string };
  if (!result.ok) process.stderr.write(`baseline relay: chat.postMessage failed: ${result.error ?? response.status}\n`);
}

const server = createServer((req, res) => {
  void readBody(req, 1024 * 1024).then((rawBody) => {
    const check = verifySlackSignature(
      signingSecret,
      { timestamp: req.headers['x-slack-request-timestamp'] as string | undefined, signature: req.headers['x-slack-signature'] as string | undefined, rawBody },
      Date.now(),
    );
    if (!check.ok) {
      res.writeHead(401).end(check.reason);
      return;
    }
    const envelope = JSON.parse(rawBody.toString('utf8')) as { type?: string; challenge?: string; event?: MessageEvent };
    if (envelope.type === 'url_verification') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(envelope.challenge ?? '');
      return;
    }
    res.writeHead(200).end();
    const event = envelope.event;
    if (event?.type !== 'message' || event.subtype || event.bot_id || !event.channel || !event.ts || event.text === undefined) return;
    const dm = routes.get(event.channel);
    if (!dm) return;
    const work = { channel: event.channel, ts: event.ts, text: event.text };
    const next = (chains.get(event.channel) ?? Promise.resolve()).then(() => forward(work, dm)).catch((error: unknown) => {
      process.stderr.write(`baseline relay: forward failed: ${String(error)}\n`);
    });
    chains.set(event.channel, next);
  }).catch((error: unknown) => {
    if (!res.headersSent) res.writeHead(error instanceof BodyTooLargeError ? 413 : 400).end(String(error));
  });
});

server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
