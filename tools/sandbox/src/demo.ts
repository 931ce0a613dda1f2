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

const card = await narrate("The pinned card shows Phil, Globex, his time zone, the bot still answering, and Pause / Claim / Close", async () => {
  for (let i = 0; i < 100; i++) {
    const pinned = (await story.control.messages(channel)).find((message) => (message.pinned_to ?? []).includes(channel));
    if (pinned) return pinned;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no pinned card in the engagement channel');
});

const firstReply = await narrate('Alice writes while the bot still answers: Megatron holds it and asks her', async () => {
  const { ts } = await story.agentWrites(alice, channel, 'Hi Phil, Alice here. Let me fix that invoice for you.');
  for (let i = 0; i < 100; i++) {
    const prompt = (await story.control.ephemerals(channel)).find((ephemeral) => ephemeral.user === alice.id && ephemeral.text.includes('still answering'));
    if (prompt) return { ts, prompt };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no "the bot is still answering" prompt');
});

await narrate('Alice clicks "Pause bot and send": Phil is told a person is taking over, then gets her message with a footer', async () => {
  const value = JSON.stringify(firstReply.prompt.blocks ?? []).match(/"value":"(event:[^"]+)"/)?.[1] ?? '';
  await story.agentClicks(alice, channel, 'held_pause_send', value, firstReply.prompt.ts);
  await story.waitForText(dm, "I've been paused");
  await story.waitForText(dm, 'Let me fix that invoice');
});

await narrate('Alice clicks Claim on the card: it now says she is handling Phil', async () => {
  const value = JSON.stringify(card.blocks ?? []).match(/"value":"([A-Z0-9]+:[A-Z0-9]+)"/)?.[1] ?? '';
  await story.agentClicks(alice, channel, 'claim', value, card.ts);
  for (let i = 0; i < 100; i++) {
    const updated = (await story.control.messages(channel)).find((message) => message.ts === card.ts);
    if (JSON.stringify(updated?.blocks ?? []).includes('is handling this')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the card does not name who handles Phil');
});

await narrate("Alice's message gets a ✅: Phil has it", async () => {
  for (let i = 0; i < 100; i++) {
    const message = (await story.control.messages(channel)).find((candidate) => candidate.ts === firstReply.ts);
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
