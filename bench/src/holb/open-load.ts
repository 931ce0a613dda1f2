import type { SimControl } from '@megatron/slack-sim';
import { summarize, type Summary } from '../stats.js';
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

/** Types `/megatron open <name>` and waits for the outcome that replaces the acknowledgement. */
export async function openOnce(control: SimControl, teamId: string, desk: Desk, timeoutMs: number): Promise<number | undefined> {
  const startedMs = Date.now();
  const slash = await control.runSlashCommand({ teamId, userId: desk.agent.id, channel: desk.channel, command: '/megatron', text: `open ${desk.customerName}` });
  while (Date.now() - startedMs < timeoutMs) {
    if ((await control.responseUrlReplies(slash.responseUrl)).length > 0) return Date.now() - startedMs;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/**
 * Every desk's agent opens their customer's channel again and again, one after the other, so `desks.length`
 * opens are in flight the whole time, each waiting on the slow app's search. `stop` lets the ones in flight
 * finish and counts them.
 */
export function startOpenLoad(control: SimControl, teamId: string, desks: readonly Desk[], timeoutMs: number): OpenLoad {
  let running = true;
  const answers: number[] = [];
  let started = 0;
  let unanswered = 0;
  const desk = async (one: Desk) => {
    while (running) {
      started += 1;
      const answerMs = await openOnce(control, teamId, one, timeoutMs);
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
