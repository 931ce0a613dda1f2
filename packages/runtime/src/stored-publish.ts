import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { mayStoreOnRetry } from './jetstream-errors.js';

/** One attempt waits at most this long for its PubAck, so a PubAck lost with a dying server leaves time for another. */
const ATTEMPT_MS = 1_000;
/** Between attempts: a stream without a leader answers "no responders" at once, many times a second otherwise. */
const PAUSE_MS = 100;

export interface StoredPublishOptions {
  msgId: string;
  headers: MsgHdrs;
  /** The whole budget, every attempt included. */
  timeoutMs: number;
}

/**
 * Publishes until the stream confirms storing the message or the budget is spent. A publish that got no
 * PubAck in time or found no stream leader (a NATS server died and the stream's replicas elect another) is
 * sent again with the same Nats-Msg-Id: when the first one was stored after all, the stream's duplicate
 * window drops the copy (a new leader rebuilds that window from the stored messages) and answers
 * `duplicate: true`.
 */
export async function publishStored(js: JetStreamClient, subject: string, data: Uint8Array, options: StoredPublishOptions): Promise<PubAck> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const timeout = Math.max(1, Math.min(ATTEMPT_MS, deadline - Date.now()));
    try {
      return await js.publish(subject, data, { msgID: options.msgId, headers: options.headers, timeout });
    } catch (error) {
      if (!mayStoreOnRetry(error) || deadline - Date.now() <= PAUSE_MS) throw error;
      await sleep(PAUSE_MS);
    }
  }
}
