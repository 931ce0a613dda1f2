import { MAX_COMMAND_DELIVERIES } from '@megatron/contracts';
import type { ConsumerSpec, StreamSpec } from './nats.js';

/**
 * Every stream, subject and durable name of the suite, derived from one namespace so that tests
 * (and several deployments on one NATS) never see each other's messages.
 */
export function streamNames(namespace: string) {
  const upper = namespace.toUpperCase();
  const commandDurablePrefix = `${namespace}_command_core_p`;
  return {
    commands: {
      stream: `${upper}_COMMANDS`,
      subjectPrefix: `${namespace}.commands`,
      /** Per-partition subject: all Commands of one engagement channel share a partition. */
      subject: (partition: number) => `${namespace}.commands.p${partition}`,
      /** command-core's durable consumers are this prefix and the partition's number. */
      durablePrefix: commandDurablePrefix,
      durable: (partition: number) => `${commandDurablePrefix}${partition}`,
    },
    appCommands: {
      stream: `${upper}_APP_COMMANDS`,
      subject: (organizationId: string) => `${namespace}.app_commands.${organizationId}`,
      durable: `${namespace}_app_notifier`,
    },
    appDeadLetters: {
      stream: `${upper}_APP_DEAD_LETTERS`,
      subject: (organizationId: string) => `${namespace}.app_dead_letters.${organizationId}`,
    },
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long the command stream remembers a Nats-Msg-Id. Slack retries an event right away, after a minute and after
 * five more (each try waiting up to 3 s), so ten minutes spans every retry of an event, whose Command id is
 * `event:<event_id>`: the retry is stored once without interpreter-slack keeping its own record. It costs nats-server
 * about 100 bytes of memory per Command of the last ten minutes, on each of the stream's replicas.
 */
export const COMMAND_DUPLICATE_WINDOW_MS = 10 * 60_000;

// `replicas` below is NATS_STREAM_REPLICAS: 1 on a single server, 3 on a three-node cluster.

export function commandStream(namespace: string, replicas: number): StreamSpec {
  const names = streamNames(namespace).commands;
  return { name: names.stream, subjects: [`${names.subjectPrefix}.>`], duplicateWindowMs: COMMAND_DUPLICATE_WINDOW_MS, maxAgeMs: 7 * DAY_MS, replicas };
}

export function appCommandStream(namespace: string, replicas: number): StreamSpec {
  const names = streamNames(namespace).appCommands;
  return { name: names.stream, subjects: [names.subject('*')], duplicateWindowMs: 120_000, maxAgeMs: 7 * DAY_MS, replicas };
}

export function appDeadLetterStream(namespace: string, replicas: number): StreamSpec {
  const names = streamNames(namespace).appDeadLetters;
  return { name: names.stream, subjects: [names.subject('*')], duplicateWindowMs: 120_000, maxAgeMs: 30 * DAY_MS, replicas };
}

/** One ordered consumer per command partition (see ARCHITECTURE.md, delivery guarantees). */
export function commandConsumer(namespace: string, partition: number, ackWaitMs: number): ConsumerSpec {
  const names = streamNames(namespace).commands;
  return {
    stream: names.stream,
    durable: names.durable(partition),
    filterSubject: names.subject(partition),
    ackWaitMs,
    maxAckPending: 1,
    maxDeliver: MAX_COMMAND_DELIVERIES,
  };
}

/** FNV-1a: stable across processes and releases, so publisher and consumers agree on partitions. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}
