import { type SimChange, type SlackSim, startSlackSim } from '../src/index.js';
import { slackClient } from './slack-client.js';

/** Reads `GET /_sim/stream` as a browser's EventSource would, collecting each `data:` line. */
class StreamReader {
  readonly changes: SimChange[] = [];
  private readonly abort = new AbortController();
  private buffer = '';

  static async open(url: string): Promise<StreamReader> {
    const reader = new StreamReader();
    const res = await fetch(url, { signal: reader.abort.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const body = res.body?.getReader();
    if (!body) throw new Error('no stream body');
    void reader.pump(body);
    return reader;
  }

  async until(kind: SimChange['kind'], count = 1): Promise<SimChange[]> {
    for (let i = 0; i < 250; i += 1) {
      if (this.changes.filter((c) => c.kind === kind).length >= count) return this.changes;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no ${kind} change; saw ${JSON.stringify(this.changes)}`);
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(body: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await body.read();
        if (done) return;
        this.buffer += decoder.decode(value, { stream: true });
        const lines = this.buffer.split('\n');
        this.buffer = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('data: ')) this.changes.push(JSON.parse(line.slice(6)) as SimChange);
      }
    } catch {
      // aborted by close()
    }
  }
}

describe('the change feed and the workspaces overview', () => {
  let sim: SlackSim;

  beforeAll(async () => {
    sim = await startSlackSim();
  });

  afterAll(async () => {
    await sim.close();
  });

  test('every kind of change shows up on the stream with a growing seq and where it happened', async () => {
    const stream = await StreamReader.open(sim.control.streamUrl);
    try {
      const acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
      await stream.until('workspace');
      const megatron = await sim.control.createApp({ teamId: acme.id, name: 'Megatron' });
      const alice = await sim.control.createUser({ teamId: acme.id, name: 'alice' });
      await stream.until('user', 2);
      const web = slackClient(sim, megatron.botToken);
      const channel = (await web.conversations.create({ name: 'feed' })).channel?.id ?? '';
      await web.conversations.invite({ channel, users: alice.id });
      const posted = await web.chat.postMessage({ channel, text: 'hello' });
      await web.reactions.add({ channel, timestamp: posted.ts ?? '', name: 'eyes' });
      await web.pins.add({ channel, timestamp: posted.ts ?? '' });
      await web.chat.postEphemeral({ channel, user: alice.id, text: 'psst' });
      await web.conversations.archive({ channel });
      await sim.control.reset();
      const changes = await stream.until('reset');
      const kinds = new Set(changes.map((c) => c.kind));
      expect([...kinds].sort()).toEqual(['channel', 'ephemeral', 'message', 'pin', 'reaction', 'reset', 'user', 'workspace']);
      expect(changes.map((c) => c.seq)).toEqual([...changes.map((c) => c.seq)].sort((a, b) => a - b));
      expect(changes.find((c) => c.kind === 'reaction')).toEqual(expect.objectContaining({ channel, teamId: acme.id }));
      expect(changes.filter((c) => c.kind === 'channel').at(-1)).toEqual(expect.objectContaining({ channel }));
    } finally {
      stream.close();
    }
  });

  test('watchChanges hands each change to its listener until stopped, and says when the simulator ends the stream', async () => {
    const own = await startSlackSim();
    const seen: SimChange[] = [];
    let ended = false;
    const stop = await own.control.watchChanges((change) => seen.push(change), () => {
      ended = true;
    });
    const acme = await own.control.createWorkspace({ name: 'Acme', domain: 'acme-watch' });
    for (let i = 0; i < 100 && !seen.some((c) => c.kind === 'workspace'); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([expect.objectContaining({ kind: 'workspace', teamId: acme.id })]);

    stop();
    await own.control.createUser({ teamId: acme.id, name: 'late' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.map((c) => c.kind)).toEqual(['workspace']);
    expect(ended).toBe(false);

    const second = await own.control.watchChanges(() => undefined, () => {
      ended = true;
    });
    await own.close();
    for (let i = 0; i < 100 && !ended; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(true);
    second();
  });

  test('the workspaces overview lists channels, DMs with their user and bot, users and apps', async () => {
    const globex = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    const bot = await sim.control.createApp({ teamId: globex.id, name: 'Support Bot', historyLimited: true });
    const phil = await sim.control.createUser({ teamId: globex.id, name: 'phil', tz: 'Europe/Berlin' });
    const { channel: dm } = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId,
      text: 'hi' });
    const web = slackClient(sim, bot.botToken);
    const old = (await web.conversations.create({ name: 'old-news' })).channel?.id ?? '';
    await web.conversations.archive({ channel: old });

    const [overview] = await sim.control.workspacesOverview();
    expect(overview).toMatchObject({ id: globex.id, name: 'Globex', domain: 'globex',
      channels: [{ id: old, name: 'old-news', isArchived: true, isPrivate: false, members: [bot.botUserId] }],
      dms: [{ id: dm, isArchived: false, messageCount: 1, user: { id: phil.id, name: 'phil' },
        bot: { id: bot.botUserId, isBot: true, appId: bot.appId } }],
      apps: [{ appId: bot.appId, name: 'Support Bot', historyLimited: true, socketMode: false, socketConnections: 0 }] });
    expect(overview?.users.map((u) => [u.id, u.tz])).toEqual(expect.arrayContaining([[phil.id, 'Europe/Berlin']]));
  });
});
