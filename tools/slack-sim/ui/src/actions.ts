import type { InteractionResult } from '../../src/types.js';
import type { PaneState } from './panes.js';
import type { Interaction } from './render-context.js';
import { sim } from './sim.js';

// What a person does in a pane, each one control call: the simulator turns it into the signed request or Socket
// Mode envelope Slack would send to the apps, exactly as it does for tests.

const SLASH_COMMAND = /^(\/[a-z0-9_-]+)(?:\s+([\s\S]*))?$/;

/** An app's answer other than 200 is worth telling the person: Slack shows them an error too. */
function checkAnswer(what: string, result: InteractionResult): void {
  if (result.status !== 200) {
    throw new Error(`${what}: the app answered ${result.status === 0 ? 'nothing (timeout or unreachable)' : `HTTP ${result.status}`}`);
  }
}

/**
 * Sends typed text: `/command text` runs the slash command, anything else is a message (a reply with `threadTs`).
 * In a DM not started yet, the first message opens it; returns the conversation the text went to.
 */
export async function sendText(pane: PaneState, text: string, appIdOfBot: string | undefined, threadTs?: string): Promise<string | undefined> {
  const base = { teamId: pane.teamId, userId: pane.actAs };
  const command = SLASH_COMMAND.exec(text.trim());
  if (command?.[1]) {
    if (!pane.channel) throw new Error('Slash commands run in a conversation: send a message first to open this DM');
    const result = await sim.runSlashCommand({ ...base, channel: pane.channel, command: command[1], text: command[2]?.trim() ?? '' });
    checkAnswer(command[1], result);
    return pane.channel;
  }
  if (pane.channel) {
    await sim.postAsUser({ ...base, channel: pane.channel, text, ...(threadTs ? { threadTs } : {}) });
    return pane.channel;
  }
  if (!appIdOfBot) throw new Error('No conversation is open');
  return (await sim.sendDirectMessage({ ...base, appId: appIdOfBot, text })).channel;
}

export async function interact(pane: PaneState, messageTs: string, appId: string | undefined, interaction: Interaction): Promise<void> {
  if (!pane.channel) return;
  const base = { teamId: pane.teamId, userId: pane.actAs, channel: pane.channel, messageTs, ...(appId ? { appId } : {}) };
  const target = interaction.style === 'block'
    ? { ...base, style: 'block' as const, actionId: interaction.actionId, value: interaction.value, name: interaction.label,
        ...(interaction.blockId ? { blockId: interaction.blockId } : {}) }
    : { ...base, style: 'legacy' as const, callbackId: interaction.callbackId, value: interaction.value,
        ...(interaction.name ? { name: interaction.name } : {}) };
  const result = interaction.kind === 'button' ? await sim.clickButton(target) : await sim.chooseOption(target);
  checkAnswer(interaction.kind === 'button' ? 'The button' : 'The choice', result);
}

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

export async function shareFile(pane: PaneState, file: File, comment: string, threadTs?: string): Promise<void> {
  if (!pane.channel) throw new Error('Send a message first to open this DM, then share the file');
  if (file.size > 5 * 1024 * 1024) throw new Error(`${file.name} is larger than 5 MB`);
  await sim.shareFile({ teamId: pane.teamId, userId: pane.actAs, channel: pane.channel, name: file.name,
    mimetype: file.type || 'application/octet-stream', contentBase64: await base64Of(file),
    ...(comment.trim() ? { text: comment } : {}), ...(threadTs ? { threadTs } : {}) });
}

export async function editMessage(pane: PaneState, ts: string, text: string): Promise<void> {
  if (pane.channel) await sim.editAsUser({ teamId: pane.teamId, userId: pane.actAs, channel: pane.channel, ts, text });
}

export async function deleteMessage(pane: PaneState, ts: string): Promise<void> {
  if (pane.channel) await sim.deleteAsUser({ teamId: pane.teamId, userId: pane.actAs, channel: pane.channel, ts });
}
