import type { SimControl } from '@megatron/slack-sim';
import { summarize, type Summary } from '../stats.js';
import type { ChannelChanges } from '../channel-changes.js';
import type { Desk } from './second-organization.js';

export interface OpenLoadResult {
  /** `/megatron open` commands typed while the load ran. */
  started: number;
  /** Answered with an outcome through response_url. */
  completed: number;
  /** Not answered within `timeoutMs`. */
  unanswered: number;
  /** Slash command → the outcome reply (the simulator's clock, in this process). */
  answerMs: Summary | null;
}

export interface OpenLoad {
  stop(): Promise<OpenLoadResult>;
}

/** A reply whose change notice was lost is still seen this soon. */
const REPLY_CHECK_FALLBACK_MS = 1_000;

/**
 * Types `/megatron open <name>` and waits for the outcome that replaces the acknowledgement. The desk's
 * replies are read again only when the simulator says the desk's channel changed: eight desks asking
 * every 100 ms were 80 control requests a second in the process that is also B's Slack.
 */
export async function openOnce(control: SimControl, changes: ChannelChanges, teamId: string, desk: Desk, timeoutMs: number): Promise<number | undefined> {
  const startedMs = Date.now();
  let seen = changes.version(desk.channel);
  const slash = await control.runSlashCommand({ teamId, userId: desk.agent.id, channel: desk.channel, command: '/megatron', text: `open ${desk.customerName}` });
  for (let leftMs = timeoutMs; leftMs > 0; leftMs = timeoutMs - (Date.now() - startedMs)) {
    if ((await control.responseUrlReplies(slash.responseUrl)).length > 0) return Date.now() - startedMs;
    seen = await changes.after(desk.channel, seen, Math.min(REPLY_CHECK_FALLBACK_MS, leftMs));
  }
  return undefined;
}

/**
 * Every desk's agent opens their customer's channel again and again, one after the other, so `desks.length`
 * opens are in flight the whole time, each waiting on the slow app's search. `stop` lets the ones in flight
 * finish and counts them.
 */
export function startOpenLoad(control: SimControl, changes: ChannelChanges, teamId: string, desks: readonly Desk[], timeoutMs: number): OpenLoad {
  let running = true;
  const answers: number[] = [];
  let started = 0;
  let unanswered = 0;
  const desk = async (one: Desk) => {
    while (running) {
      started += 1;
      const answerMs = await openOnce(control, changes, teamId, one, timeoutMs);
      if (answerMs === undefined) unanswered += 1;
      else answers.push(answerMs);
    }
  };
  const all = Promise.all(desks.map(desk));
  return {
    async stop() {
      running = false;
      await all;
      return { started, completed: answers.length, unanswered, answerMs: answers.length > 0 ? summarize(answers) : null };
    },
  };
}
