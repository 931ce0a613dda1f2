import pg from 'pg';
import { uniqueName } from './names.js';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
// Postgres refuses CREATE DATABASE while another session is copying template1 (SQLSTATE 55006), which happens
// when parallel test files start together; a short retry is all that is needed.
const OBJECT_IN_USE = '55006';

function serverUrl(): URL {
  const raw = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  try {
    return new URL(raw);
  } catch {
    throw new Error(`DATABASE_URL is not a valid URL: ${JSON.stringify(raw)}`);
  }
}

async function withAdminClient<T>(url: URL, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url.href, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to Postgres at ${url.host} (DATABASE_URL): ${(error as Error).message}`, { cause: error });
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(client: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE "${name}"`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** A new, empty database on the server of DATABASE_URL; `drop()` removes it, even with clients still connected. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = serverUrl();
  const name = uniqueName('test');
  await withAdminClient(admin, (client) => createDatabase(client, name));
  const url = new URL(admin.href);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    drop: () =>
      withAdminClient(admin, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}
