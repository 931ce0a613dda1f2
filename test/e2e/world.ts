import { createTestDatabase, natsNamespace, type ServiceName, type TestDatabase } from '@megatron/testkit';
import { startSandbox, Story, type Sandbox } from '@megatron/sandbox';

export interface E2eWorld {
  database: TestDatabase;
  /** The NATS namespace of this world's streams. */
  namespace: string;
  sandbox: Sandbox;
  story: Story;
  close(): Promise<void>;
}

/** Every real process on free ports, with its own database and NATS namespace, and the demo's people. */
export async function startE2eWorld(
  extraEnv: Partial<Record<ServiceName, Record<string, string>>> = {},
  options: { socketMode?: boolean } = {},
): Promise<E2eWorld> {
  const database = await createTestDatabase();
  const namespace = natsNamespace();
  const sandbox = await startSandbox({ ports: 'free', databaseUrl: database.url, namespace, logLevel: 'warn', extraEnv, ...options });
  return {
    database,
    namespace,
    sandbox,
    story: new Story(sandbox.sim.control, sandbox.seed, sandbox.notificationChannelId),
    async close() {
      await sandbox.close();
      await database.drop();
    },
  };
}
