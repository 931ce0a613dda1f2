import type { StreamInfo } from '@nats-io/jetstream';

/**
 * Adds or updates a stream (or a KV bucket's stream). When the servers cannot place the replicas asked for
 * (a single server: "replicas > 1 not supported in non-clustered mode"; a cluster with fewer nodes: "no
 * suitable peers for placement"), the error names the stream, the count and the variable to change.
 */
export async function declared<T>(stream: string, replicas: number, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (replicas === 1) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`stream ${stream} with ${replicas} replicas (NATS_STREAM_REPLICAS) refused: ${reason}`, { cause: error });
  }
}

/**
 * A single server refuses to create a replicated stream but accepts raising an existing one's replicas, and
 * then keeps one copy whatever its config says (NATS 2.9): such a stream would only look replicated.
 */
export function requireReplicas(info: StreamInfo, replicas: number): void {
  if (replicas > 1 && info.cluster === undefined) {
    throw new Error(
      `stream ${info.config.name} with ${replicas} replicas (NATS_STREAM_REPLICAS) needs a JetStream cluster of at least ${replicas} nodes; this NATS server runs alone (set NATS_STREAM_REPLICAS=1)`,
    );
  }
}
