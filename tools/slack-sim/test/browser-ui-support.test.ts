import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import { type SimApp, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';
import { AppReceiver } from './app-receiver.js';
import { slackClient } from './slack-client.js';

// A 1×1 transparent PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A GET whose path reaches the server as written (fetch would resolve `..` first). */
function rawGet(url: string, rawPath: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${rawPath}`, { path: rawPath }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('what the browser UI reads from the simulator', () => {
  let sim: SlackSim;
  let receiver: AppReceiver;
  let bundle: string;
  let acme: SimWorkspace;
  let megatron: SimApp;
  let alice: SimUser;
  let bob: SimUser;
  let web: WebClient;
  let channel: string;

  beforeAll(async () => {
    bundle = mkdtempSync(path.join(os.tmpdir(), 'slack-sim-ui-'));
    mkdirSync(path.join(bundle, 'assets'));
    writeFileSync(path.join(bundle, 'index.html'), '<!doctype html><title>ui</title>');
    writeFileSync(path.join(bundle, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(path.join(os.tmpdir(), 'outside-the-bundle.txt'), 'secret');
    sim = await startSlackSim({ uiDir: bundle });
    receiver = await new AppReceiver().start();
    acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
    megatron = await sim.control.createApp({ teamId: acme.id, name: 'Megatron', eventsUrl: `${receiver.url}/events`, interactivityUrl: `${receiver.url}/interactive` });
    alice = await sim.control.createUser({ teamId: acme.id, name: 'alice' });
    bob = await sim.control.createUser({ teamId: acme.id, name: 'bob' });
    web = slackClient(sim, megatron.botToken);
    channel = (await web.conversations.create({ name: 'ui-support' })).channel?.id ?? '';
    await web.conversations.invite({ channel, users: `${alice.id},${bob.id}` });
  });

  afterAll(async () => {
    await sim.close();
    await receiver.stop();
    rmSync(bundle, { recursive: true, force: true });
  });

  it('serves the built UI at / and its assets, with a content security policy on the page', async () => {
    const page = await fetch(`${sim.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>ui</title>');
    const asset = await fetch(`${sim.url}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('finds nothing outside the bundle, however the path climbs', async () => {
    expect((await rawGet(sim.url, '/assets/../../outside-the-bundle.txt')).status).toBe(404);
    expect((await rawGet(sim.url, '/assets/missing.js')).status).toBe(404);
  });

  it('says how to build the UI when there is none', async () => {
    const bare = await startSlackSim({ uiDir: path.join(bundle, 'assets') });
    try {
      expect(await (await fetch(`${bare.url}/`)).text()).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });

  it('shows a conversation as one viewer sees it: thread replies only in their thread, ephemerals only to their recipient', async () => {
    const parent = await web.chat.postMessage({ channel, text: 'parent' });
    await web.chat.postMessage({ channel, text: 'quiet reply', thread_ts: parent.ts ?? '' });
    await web.chat.postMessage({ channel, text: 'loud reply', thread_ts: parent.ts ?? '', reply_broadcast: true });
    await web.pins.add({ channel, timestamp: parent.ts ?? '' });
    await web.chat.postEphemeral({ channel, user: alice.id, text: 'for alice' });

    const asAlice = await sim.control.conversationView({ channel, viewer: alice.id });
    expect(asAlice.messages.map((m) => m.text)).toEqual(expect.arrayContaining(['parent', 'loud reply']));
    expect(asAlice.messages.map((m) => m.text)).not.toContain('quiet reply');
    expect(asAlice.ephemerals.map((e) => e.text)).toEqual(['for alice']);
    expect(asAlice.conversation.pinCount).toBe(1);
    expect((await sim.control.conversationView({ channel, viewer: bob.id })).ephemerals).toEqual([]);

    const thread = await sim.control.conversationView({ channel, viewer: bob.id, thread: parent.ts ?? '' });
    expect(thread.thread?.map((m) => m.text)).toEqual(['parent', 'quiet reply', 'loud reply']);
  });

  it('hands out shared files for the page: images inline, anything else only as a download', async () => {
    const image = await sim.control.shareFile({ teamId: acme.id, userId: alice.id, channel, name: 'dot.png', mimetype: 'image/png', contentBase64: PNG });
    const page = await sim.control.shareFile({ teamId: acme.id, userId: alice.id, channel, name: 'page.html', mimetype: 'text/html',
      contentBase64: Buffer.from('<script>alert(1)</script>').toString('base64'), threadTs: image.ts });

    const png = await fetch(`${sim.url}/_sim/file-content/${image.fileId}`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('content-disposition')).toMatch(/^inline/);
    expect(Buffer.from(await png.arrayBuffer()).toString('base64')).toBe(PNG);
    const html = await fetch(`${sim.url}/_sim/file-content/${page.fileId}`);
    expect(html.headers.get('content-type')).toBe('application/octet-stream');
    expect(html.headers.get('content-disposition')).toMatch(/^attachment/);
    expect((await fetch(`${sim.url}/_sim/file-content/F0NONE`)).status).toBe(404);

    const thread = await sim.control.conversationView({ channel, thread: image.ts });
    expect(thread.thread?.[1]?.files?.[0]?.name).toBe('page.html');
  });

  it('sends the block and label a person clicked, and a button without a value', async () => {
    receiver.received.length = 0;
    const posted = await web.chat.postMessage({ channel, text: 'card', blocks: [{ type: 'actions', block_id: 'card-actions',
      elements: [{ type: 'button', action_id: 'pause', text: { type: 'plain_text', text: 'Pause' } }] }] });
    const click = await sim.control.clickButton({ teamId: acme.id, userId: alice.id, channel, style: 'block', actionId: 'pause',
      value: '', name: 'Pause', blockId: 'card-actions', messageTs: posted.ts ?? '' });
    expect(click.status).toBe(200);
    const interaction = receiver.received.find((req) => req.path === '/interactive');
    const payload = JSON.parse(new URLSearchParams(interaction?.rawBody ?? '').get('payload') ?? '{}') as { actions: Record<string, unknown>[] };
    expect(payload.actions[0]).toMatchObject({ action_id: 'pause', block_id: 'card-actions', text: { text: 'Pause' } });
    expect(payload.actions[0]).not.toHaveProperty('value');
  });

  it('lets an app replace or delete, through its response_url, the ephemeral a person clicked in', async () => {
    const ask = async (text: string) => {
      await web.chat.postEphemeral({ channel, user: bob.id, text, blocks: [{ type: 'actions', elements: [
        { type: 'button', action_id: 'send', text: { type: 'plain_text', text: 'Send' }, value: 'send' }] }] });
      const ephemeral = (await sim.control.conversationView({ channel, viewer: bob.id })).ephemerals.find((e) => e.text === text);
      return sim.control.clickButton({ teamId: acme.id, userId: bob.id, channel, style: 'block', actionId: 'send', value: 'send',
        messageTs: ephemeral?.ts ?? '', appId: megatron.appId });
    };
    const replaced = await ask('hold this message?');
    await fetch(replaced.responseUrl, { method: 'POST', body: JSON.stringify({ replace_original: true, text: 'sent' }) });
    const deleted = await ask('hold that one?');
    await fetch(deleted.responseUrl, { method: 'POST', body: JSON.stringify({ delete_original: true }) });

    const texts = (await sim.control.conversationView({ channel, viewer: bob.id })).ephemerals.map((e) => e.text);
    expect(texts).toEqual(['sent']);
  });
});
