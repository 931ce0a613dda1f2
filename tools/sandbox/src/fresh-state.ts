import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

/** Recreates one database on the server of `serverUrl` and returns its URL. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Deletes every stream (KV buckets included) of a namespace left over from an earlier run. */
export async function freshNamespace(natsUrl: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const prefixes = [`${namespace.toUpperCase()}_`, `KV_${namespace}_`];
    for await (const stream of jsm.streams.list()) {
      if (prefixes.some((prefix) => stream.config.name.startsWith(prefix))) await jsm.streams.delete(stream.config.name);
    }
  } finally {
    await nc.close();
  }
}
