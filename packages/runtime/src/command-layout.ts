import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import { isJetStreamApiError, JetStreamApiCodes, MoreJetStreamApiCodes } from './jetstream-errors.js';
import type { Logger } from './logger.js';
import { declareStream } from './nats.js';
import { commandStream, streamNames } from './streams.js';

const RECORDED = /^partitions=(\d+)\b/;

/** What the command stream's description says; the count is the part publishers and consumers must share. */
export function describeLayout(partitions: number): string {
  return `partitions=${partitions}: the Commands of one engagement channel share a partition (COMMAND_PARTITIONS when the stream was created)`;
}

export function recordedPartitions(description: string | undefined): number | undefined {
  const match = description ? RECORDED.exec(description) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * Creates the command stream, or brings an existing one to this release's spec, and answers the partition count
 * every publisher and consumer uses: the one recorded on the stream, else (a stream from a release that did not
 * record it) the count its command-core consumers show, else COMMAND_PARTITIONS. A stream keeps its count for
 * life: pods of two releases with different COMMAND_PARTITIONS (a changed chart default on `helm upgrade`) would
 * otherwise hash one channel onto two partitions and hand its Commands out of order. Changing the count of an
 * install is a drained-stream operation (command-core README, Ordering).
 */
export async function ensureCommandStream(jsm: JetStreamManager, namespace: string, replicas: number, configured: number, logger: Logger): Promise<number> {
  const spec = commandStream(namespace, replicas);
  for (let attempt = 1; ; attempt++) {
    const existing = await streamInfo(jsm, spec.name);
    const partitions = (existing && (recordedPartitions(existing.config.description) ?? (await consumedPartitions(jsm, namespace)))) ?? configured;
    try {
      await declareStream(jsm, { ...spec, description: describeLayout(partitions) }, existing !== undefined);
    } catch (error) {
      // Another replica created the stream between our read and our add, perhaps with another count: read it.
      if (attempt === 1 && lostCreateRace(error)) continue;
      throw error;
    }
    if (partitions !== configured) {
      logger.warn(
        { configured, partitions, stream: spec.name },
        `COMMAND_PARTITIONS=${configured} ignored: stream ${spec.name} is laid out in ${partitions} partitions, which this service keeps (a drained-stream change, see command-core README)`,
      );
    }
    return partitions;
  }
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (isJetStreamApiError(error, JetStreamApiCodes.StreamNotFound)) return undefined;
    throw error;
  }
}

/** One durable per partition (commandConsumer): the highest one's number tells the count. */
async function consumedPartitions(jsm: JetStreamManager, namespace: string): Promise<number | undefined> {
  const names = streamNames(namespace).commands;
  let highest = -1;
  for await (const consumer of jsm.consumers.list(names.stream)) {
    const name = consumer.config.durable_name ?? consumer.name;
    const number = name.startsWith(names.durablePrefix) ? name.slice(names.durablePrefix.length) : '';
    if (/^\d+$/.test(number)) highest = Math.max(highest, Number(number));
  }
  return highest >= 0 ? highest + 1 : undefined;
}

/** The server's answer, or the cause `declared()` wrapped it in when replicas > 1. */
function lostCreateRace(error: unknown): boolean {
  return [error, error instanceof Error ? error.cause : undefined].some((e) => isJetStreamApiError(e, MoreJetStreamApiCodes.StreamNameInUse));
}
