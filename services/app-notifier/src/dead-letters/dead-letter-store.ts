import { create, fromBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AppCommandSchema, DeadLetterSchema, type AppCommand, type DeadLetter } from '@megatron/contracts';
import { isJetStreamApiError, JetStreamApiCodes, publishProto, streamNames, type NatsClients } from '@megatron/runtime';

export interface DeadLetterRecord {
  command: AppCommand;
  lastError: string;
  attempts: number;
  /** Sequence of the command in the app-command stream: makes a re-run of the same failure a duplicate. */
  sourceSequence: number;
}

export class DeadLetterNotFoundError extends Error {
  override name = 'DeadLetterNotFoundError';
}

const HEADER = {
  lastError: 'megatron-last-error',
  attempts: 'megatron-attempts',
  failedAt: 'megatron-failed-at',
  organization: 'megatron-organization',
} as const;

const MAX_ERROR_CHARS = 500;

/** The dead-letter stream: commands that exhausted their retries, kept for an admin to replay. */
export class DeadLetterStore {
  private readonly names: ReturnType<typeof streamNames>;

  /** `clients` may still be connecting: calls wait for it rather than failing at start. */
  constructor(
    private readonly clients: Promise<Pick<NatsClients, 'js' | 'jsm'>>,
    namespace: string,
  ) {
    this.names = streamNames(namespace);
  }

  async add(record: DeadLetterRecord): Promise<void> {
    const { js } = await this.clients;
    const lastError = record.lastError.replace(/[\r\n]+/g, ' ').slice(0, MAX_ERROR_CHARS);
    await publishProto(js, this.names.appDeadLetters.subject(record.command.organizationId), AppCommandSchema, record.command, {
      msgId: `dead:${record.sourceSequence}`,
      headers: {
        [HEADER.lastError]: lastError,
        [HEADER.attempts]: String(record.attempts),
        [HEADER.failedAt]: new Date().toISOString(),
        [HEADER.organization]: record.command.organizationId,
      },
    });
  }

  /** Oldest first; all organizations when organizationId is empty. */
  async list(organizationId: string, limit: number): Promise<DeadLetter[]> {
    const subject = this.names.appDeadLetters.subject(organizationId === '' ? '*' : organizationId);
    const { jsm } = await this.clients;
    const found: DeadLetter[] = [];
    let seq = 1;
    while (found.length < limit) {
      // next_by_subj is understood by NATS 2.9 although the client's types only list seq/last_by_subj.
      const query = { seq, next_by_subj: subject } as { seq: number };
      const stored = await jsm.streams.getMessage(this.names.appDeadLetters.stream, query);
      if (stored === null) break;
      found.push(
        create(DeadLetterSchema, {
          sequence: BigInt(stored.seq),
          command: fromBinary(AppCommandSchema, stored.data),
          lastError: stored.header.get(HEADER.lastError),
          attempts: Number(stored.header.get(HEADER.attempts)) || 0,
          failedAt: timestampFromDate(new Date(stored.header.get(HEADER.failedAt) || stored.time)),
        }),
      );
      seq = stored.seq + 1;
    }
    return found;
  }

  /**
   * Puts the command back on the app-command stream under its original id (the receiver's
   * idempotency key), then removes the dead letter. Publishing first means a crash in between
   * leaves a dead letter that was already replayed, never a lost command.
   */
  async replay(sequence: number): Promise<AppCommand> {
    const { js, jsm } = await this.clients;
    const stored = await this.getBySequence(sequence);
    const command = fromBinary(AppCommandSchema, stored.data);
    // Its own Nats-Msg-Id: the original id may still be inside the duplicate window and be dropped.
    await publishProto(js, this.names.appCommands.subject(command.organizationId), AppCommandSchema, command, {
      msgId: `replay:${sequence}`,
      headers: { 'megatron-replayed-from': String(sequence) },
    });
    await jsm.streams.deleteMessage(this.names.appDeadLetters.stream, sequence, false);
    return command;
  }

  private async getBySequence(sequence: number) {
    const { jsm } = await this.clients;
    try {
      const stored = await jsm.streams.getMessage(this.names.appDeadLetters.stream, { seq: sequence });
      if (stored !== null) return stored;
    } catch (error) {
      // A missing message comes back as null; a missing stream (nothing dead-lettered yet) as this code.
      if (!isJetStreamApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    }
    throw new DeadLetterNotFoundError(`no dead letter with sequence ${sequence}`);
  }
}
