import { randomBytes } from 'node:crypto';
import { createTestDatabase, natsNamespace, repoRoot, type TestDatabase } from '@megatron/testkit';
import { launch, planLaunch, stopLikeKubelet, waitUntilReady, type Launched, type LaunchPlan } from './chart-launch.js';
import { renderChart } from './k8s-tools.js';

const SERVICES = ['interpreter-slack', 'command-core', 'connection-slack', 'app-notifier'];

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the jest global setup provides the local infrastructure`);
  return value;
}

/** Chart values for a local run: the test's own database and NATS namespace, secrets given as values. */
function launchValues(database: TestDatabase, namespace: string): unknown {
  return {
    config: {
      natsUrl: required('NATS_URL'),
      natsNamespace: namespace,
      s3: { bucket: required('AWS_S3_BUCKET'), endpoint: required('S3_ENDPOINT'), region: 'us-east-1' },
      logLevel: 'warn',
    },
    secrets: {
      existingSecret: '',
      databaseUrl: database.url,
      redisUrl: required('REDIS_URL'),
      tokenEncryptionKey: randomBytes(32).toString('base64'),
      slackSigningSecret: randomBytes(16).toString('hex'),
      s3AccessKeyId: required('S3_AWS_ACCESS_KEY_ID'),
      s3SecretAccessKey: required('S3_AWS_SECRET_ACCESS_KEY'),
    },
  };
}

describe('the services launched exactly as the chart describes them', () => {
  let database: TestDatabase;
  let plans: LaunchPlan[];
  const running: Launched[] = [];
  // One plan for all workloads, so every container sees the same local port of every Service.
  const ofKind = (kind: string) => plans.filter((plan) => plan.owner.startsWith(`${kind}/`));

  beforeAll(async () => {
    database = await createTestDatabase();
    const objects = renderChart({ values: launchValues(database, natsNamespace()) });
    plans = await planLaunch(objects, { appRoot: () => repoRoot(), namespace: 'megatron' }, ['Job', 'Deployment', 'Pod']);
  });

  afterAll(async () => {
    await Promise.all(running.map((launched) => (launched.exit ? undefined : (launched.child.kill('SIGKILL'), launched.exited))));
    await database?.drop();
  });

  it('runs the pre-install migration Job to completion against the database', async () => {
    const [job] = ofKind('Job');
    expect(job?.owner).toBe('Job/megatron-migrations');
    const launched = launch(job!);
    running.push(launched);
    const exit = await launched.exited;
    expect(`exit ${exit.code} ${exit.signal}\n${launched.output()}`).toMatch(/^exit 0 null\n/);
  }, 60_000);

  it('starts every Deployment with its command, environment and ports until its startup, readiness and liveness probes pass', async () => {
    const deployments = ofKind('Deployment');
    expect(deployments.map((plan) => plan.component).sort()).toEqual([...SERVICES].sort());
    const launched = deployments.map(launch);
    running.push(...launched);
    await Promise.all(launched.map((one) => waitUntilReady(one, 45_000)));
  }, 60_000);

  it('passes the helm test pod against the running services', async () => {
    const [testPod] = ofKind('Pod');
    const launched = launch(testPod!);
    running.push(launched);
    const exit = await launched.exited;
    expect(`exit ${exit.code} ${exit.signal}\n${launched.output()}`).toMatch(/^exit 0 null\n/);
    expect(launched.output().match(/^ok /gm)).toHaveLength(SERVICES.length);
  }, 30_000);

  it('stops every service with exit code 0 on SIGTERM within the grace period', async () => {
    const services = running.filter((launched) => launched.plan.owner.startsWith('Deployment/'));
    expect(services).toHaveLength(SERVICES.length);
    const exits = await Promise.all(services.map(stopLikeKubelet));
    expect(exits).toEqual(services.map(() => ({ code: 0, signal: null })));
  }, 40_000);
});
