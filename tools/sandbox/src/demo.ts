import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SimControl, type DemoSeed } from '@megatron/slack-sim';
import { repoRoot } from '@megatron/testkit';
import { Story, visibleText } from './story.js';

// `npm run demo`: plays the takeover story against a running `npm run dev`, narrating each step.
interface SandboxState {
  urls: { sim: string };
  seed: DemoSeed;
  notificationChannelId: string;
}

const stateFile = path.join(repoRoot(), '.local', 'sandbox.json');
const state = JSON.parse(await readFile(stateFile, 'utf8').catch(() => {
  process.stderr.write(`no running sandbox found (${stateFile}); start one with npm run dev first\n`);
  process.exit(1);
})) as SandboxState;
const story = new Story(new SimControl(state.urls.sim), state.seed, state.notificationChannelId);
process.stdout.write(`Watch it in the browser: ${state.urls.sim}/ (each step shows there as it happens)\n\n`);

let step = 0;
async function narrate<T>(what: string, action: () => Promise<T>): Promise<T> {
  step++;
  const started = Date.now();
  process.stdout.write(`${String(step).padStart(2)}. ${what} … `);
  const result = await action();
  process.stdout.write(`done (${Date.now() - started} ms)\n`);
  return result;
}

const phil = story.customer('globex', 'phil');
const alice = story.alice;

const dm = await narrate('Phil (Globex) asks the support bot about opening hours; the bot answers', async () => {
  const { channel } = await story.customerSays(phil, 'What are your opening hours?');
  await story.waitForText(channel, 'Monday to Friday');
  return channel;
});

const helpRequest = await narrate('Phil asks for a human; a help request appears in #megatron-help', async () => {
  await story.customerSays(phil, 'I need a human, my invoice is wrong');
  return story.waitForText(state.notificationChannelId, 'requested some help');
});

const channel = await narrate('Alice clicks "Open engagement channel"; Megatron creates it and imports the history', async () => {
  const button = JSON.stringify(helpRequest.blocks ?? []).match(/"value":"([^"]+)"/)?.[1] ?? '';
  await story.agentClicks(alice, state.notificationChannelId, 'open', button, helpRequest.ts);
  for (let i = 0; i < 100; i++) {
    const found = await story.engagementChannelOf(phil);
    if (found && (await story.control.conversation(found)).members.includes(alice.id)) {
      await story.waitForText(found, 'opening hours');
      return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the engagement channel did not appear, or Alice was not invited');
});

await narrate('Alice pauses the bot; Phil is told a person is taking over', async () => {
  await story.agentRuns(alice, channel, 'pause');
  await story.waitForText(dm, "I've been paused");
});

const firstReply = await narrate('Alice writes to Phil from the engagement channel; Phil gets it from the same bot, with a footer', async () => {
  const { ts } = await story.agentWrites(alice, channel, 'Hi Phil, Alice here. Let me fix that invoice for you.');
  await story.waitForText(dm, 'Let me fix that invoice');
  return ts;
});

await narrate("Alice's message gets a ✅: Phil has it", async () => {
  for (let i = 0; i < 100; i++) {
    const message = (await story.control.messages(channel)).find((candidate) => candidate.ts === firstReply);
    if (message?.reactions?.some((reaction) => reaction.name === 'white_check_mark')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no ✅ receipt on Alice’s message');
});

await narrate("Phil answers; his message is mirrored into Alice's channel", async () => {
  await story.customerSays(phil, 'Thanks Alice! The invoice number is 4111 1111 1111 1111?');
  await story.waitForText(channel, 'Thanks Alice');
});

await narrate('Alice closes the channel: the bot is back for Phil and the channel is archived', async () => {
  await story.agentRuns(alice, channel, 'close');
  await story.waitForText(dm, "I'm back online");
  for (let i = 0; i < 100; i++) {
    if ((await story.control.conversation(channel)).is_archived) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the channel was not archived');
});

const transcript = (await story.control.messages(dm)).map((message) => `   ${message.bot_id ? 'bot ' : 'Phil'}: ${visibleText(message).split('\n')[0]}`);
process.stdout.write(`\nPhil's conversation with the bot, as he saw it:\n${transcript.join('\n')}\n`);
