import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTestDatabase, natsNamespace, type TestDatabase } from '@megatron/testkit';
import { launch, planLaunch, stopLikeKubelet, waitUntilReady, type LaunchImage, type Launched, type LaunchPlan } from './chart-launch.js';
import { SERVICES } from './images.js';
import { renderChart, type K8sObject } from './k8s-tools.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the jest global setup provides the local infrastructure`);
  return value;
}

/** Chart values for a local run: the test's own database and NATS namespace, secrets given as values. */
function localValues(database: TestDatabase, namespace: string): Record<string, unknown> {
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
      serviceToken: randomBytes(32).toString('base64url'),
      s3AccessKeyId: required('S3_AWS_ACCESS_KEY_ID'),
      s3SecretAccessKey: required('S3_AWS_SECRET_ACCESS_KEY'),
    },
  };
}

const uidOf = (launched: Launched): number => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${launched.child.pid}/status`, 'utf8'))?.[1]);

export interface LaunchSuite {
  valuesFiles?: string[];
  /** Top-level keys other than config and secrets, which the suite sets for the local infrastructure. */
  values?: Record<string, unknown>;
  /** Objects the chart expects to find, as an operator creates them (a Secret named by a value). */
  existing?: K8sObject[];
  image: (reference: string) => LaunchImage;
  /** Components of the Deployments the chart renders with these values. */
  deployments: string[];
  /** What the Deployments must have done, beyond their probes, before they are stopped. */
  settle?: (running: Launched[]) => Promise<void>;
}

/**
 * Renders the chart and runs it as a cluster would, each container a local process (chart-launch.ts): the
 * migration hook Job to completion, every Deployment until the kubelet's probes pass, the helm test pod, then
 * SIGTERM to every Deployment, expecting exit 0. `suite` is called when the run starts, so it may use what
 * earlier tests of the file built.
 */
export function describeChartLaunch(title: string, suite: () => LaunchSuite): void {
  describe(title, () => {
    let database: TestDatabase;
    let options: LaunchSuite;
    let plans: LaunchPlan[];
    const running: Launched[] = [];
    // One plan for all workloads, so every container sees the same local port of every Service.
    const ofKind = (kind: string) => plans.filter((plan) => plan.owner.startsWith(`${kind}/`));
    const runToEnd = async (plan: LaunchPlan | undefined) => {
      const launched = launch(plan!);
      running.push(launched);
      const exit = await launched.exited;
      return { status: `exit ${exit.code} ${exit.signal}\n${launched.output()}`, output: launched.output() };
    };

    beforeAll(async () => {
      options = suite();
      database = await createTestDatabase();
      const objects = renderChart({ valuesFiles: options.valuesFiles ?? [], values: { ...localValues(database, natsNamespace()), ...options.values } });
      plans = await planLaunch([...objects, ...(options.existing ?? [])], { image: options.image, namespace: 'megatron' }, ['Job', 'Deployment', 'Pod']);
    });

    afterAll(async () => {
      await Promise.all(running.map((launched) => (launched.exit ? undefined : (launched.child.kill('SIGKILL'), launched.exited))));
      await database?.drop();
    });

    it('runs the pre-install migration Job to completion against the database', async () => {
      const [job] = ofKind('Job');
      expect(job?.owner).toBe('Job/megatron-migrations');
      expect((await runToEnd(job)).status).toMatch(/^exit 0 null\n/);
    }, 60_000);

    it('starts every Deployment with its command, environment and ports until its startup, readiness and liveness probes pass', async () => {
      const deployments = ofKind('Deployment');
      expect(deployments.map((plan) => plan.component).sort()).toEqual([...options.deployments].sort());
      const launched = deployments.map(launch);
      running.push(...launched);
      await Promise.all(launched.map((one) => waitUntilReady(one, 45_000)));
      // As root, launch() runs each container as its pod's user, to whom the image's files are read-only.
      if (process.getuid?.() === 0) expect(launched.map(uidOf)).toEqual(launched.map((one) => one.plan.runAs?.uid));
      await options.settle?.(launched);
    }, 60_000);

    it('passes the helm test pod against the running services', async () => {
      const [testPod] = ofKind('Pod');
      const { status, output } = await runToEnd(testPod);
      expect(status).toMatch(/^exit 0 null\n/);
      expect(output.match(/^ok /gm)).toHaveLength(SERVICES.length);
    }, 30_000);

    it('stops every Deployment with exit code 0 on SIGTERM within the grace period', async () => {
      const deployments = running.filter((launched) => launched.plan.owner.startsWith('Deployment/'));
      expect(deployments).toHaveLength(options.deployments.length);
      const exits = await Promise.all(deployments.map(stopLikeKubelet));
      expect(exits).toEqual(deployments.map(() => ({ code: 0, signal: null })));
    }, 40_000);
  });
}
