import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, SERVICE_NODE_FLAGS } from '@megatron/testkit';
import { SERVICES } from './images.js';
import { chartDir, helm, objectsOfKind, renderChart, templateChart, type K8sObject } from './k8s-tools.js';
import { allowsFlow, type Endpoint } from './network-policies.js';
import { componentOf, podOf, resolvePort } from './pod-specs.js';
import { validateObjects } from './validate-objects.js';

const productionValues = () => path.join(repoRoot(), 'deploy', 'values', 'production.yaml');
const sandboxValues = () => path.join(repoRoot(), 'deploy', 'values', 'sandbox.yaml');
const ownSecretValues = {
  secrets: {
    existingSecret: '',
    databaseUrl: 'postgres://megatron:pw@postgres:5432/megatron',
    redisUrl: 'redis://redis:6379',
    tokenEncryptionKey: Buffer.alloc(32, 7).toString('base64'),
    slackSigningSecret: 'signing-secret',
    serviceToken: 'chart-test-service-token-0123456789abcdef',
  },
};

const socketModeValues = { config: { socketMode: { enabled: true } } };
type IngressRules = { rules: { http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[] };
const ingressRoutes = (objects: K8sObject[]): Record<string, string> => {
  const [ingress] = objectsOfKind(objects, 'Ingress');
  return Object.fromEntries(
    (ingress!.spec as IngressRules).rules[0]!.http.paths.map((entry) => [entry.path, `${entry.backend.service.name}:${entry.backend.service.port.name}`]),
  );
};
const interpreterEnv = (objects: K8sObject[]) => podOf(named(objects, 'Deployment', 'megatron-interpreter-slack')!)!.spec.containers[0]!.env ?? [];

const named = (objects: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);

describe('the megatron Helm chart', () => {
  let defaults: K8sObject[];
  let production: K8sObject[];
  let sandbox: K8sObject[];
  let ownSecret: K8sObject[];
  let socketMode: K8sObject[];

  beforeAll(() => {
    defaults = renderChart();
    production = renderChart({ valuesFiles: [productionValues()] });
    sandbox = renderChart({ valuesFiles: [sandboxValues()] });
    ownSecret = renderChart({ values: ownSecretValues });
    socketMode = renderChart({ valuesFiles: [productionValues()], values: socketModeValues });
  });

  it('passes helm lint --strict with the default and the production values', () => {
    for (const extra of [[], ['--values', productionValues()], ['--values', sandboxValues()]]) {
      const result = helm(['lint', '--strict', chartDir(), ...extra]);
      expect({ status: result.status, output: result.stdout + result.stderr }).toMatchObject({ status: 0 });
      expect(result.stdout).not.toMatch(/\[(ERROR|WARNING)\]/);
    }
  });

  it('renders only objects that validate against the Kubernetes schemas', () => {
    for (const objects of [defaults, production, sandbox, ownSecret, socketMode]) {
      expect(objectsOfKind(objects, 'Deployment').map((deployment) => deployment.metadata.name)).toEqual(
        expect.arrayContaining(SERVICES.map((service) => `megatron-${service}`)),
      );
      expect(validateObjects(objects)).toEqual([]);
    }
  });

  it('reports a schema violation naming the value and renders nothing', () => {
    const result = templateChart({ values: { commandCore: { ports: { http: 'eighty' } } } });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('/commandCore/ports/http');
    expect(result.stdout).toBe('');
  });

  it('refuses to create its own Secret without the required secret values', () => {
    const result = templateChart({ values: { secrets: { existingSecret: '' } } });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('secrets.databaseUrl is required');
  });

  it('gives every service its own template file with a ServiceAccount, Service and Deployment', () => {
    for (const service of SERVICES) {
      const result = helm(['template', 'megatron', chartDir(), '--show-only', `templates/${service}.yaml`]);
      expect(result.status).toBe(0);
      expect(result.stdout.match(/^kind: \w+$/gm)).toEqual(['kind: ServiceAccount', 'kind: Service', 'kind: Deployment']);
    }
  });

  it('labels every object with the app.kubernetes.io labels and a HorizontalPodAutoscaler and PodDisruptionBudget per service', () => {
    for (const object of defaults) {
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'megatron',
        'app.kubernetes.io/instance': 'megatron',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/version': expect.any(String),
        'app.kubernetes.io/component': expect.any(String),
      });
    }
    for (const service of SERVICES) {
      for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy']) {
        expect(named(defaults, kind, `megatron-${service}`)).toBeDefined();
      }
    }
  });

  it('runs every container non-root on a read-only root filesystem with all capabilities dropped, seccomp and resource bounds', () => {
    const pods = [...defaults, ...sandbox].map(podOf).filter((pod) => pod !== undefined);
    expect(pods.length).toBeGreaterThanOrEqual(SERVICES.length + 2);
    for (const pod of pods) {
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.spec.containers) {
        expect(container.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources?.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      }
    }
  });

  it('probes readiness with native gRPC health checks on the gRPC port and liveness on /healthz', () => {
    for (const deployment of objectsOfKind(production, 'Deployment')) {
      const container = podOf(deployment)!.spec.containers[0]!;
      const grpcPort = resolvePort(container, 'grpc');
      expect(grpcPort).toBeDefined();
      expect(container.readinessProbe?.grpc).toEqual({ port: grpcPort, service: '' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    }
  });

  it('routes the Slack paths to interpreter-slack and the API paths to command-core', () => {
    const [ingress] = objectsOfKind(production, 'Ingress');
    const rules = (ingress!.spec as { rules: { host: string; http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[] }).rules;
    expect(rules.map((rule) => rule.host)).toEqual(['megatron.example.com']);
    const routes = Object.fromEntries(rules[0]!.http.paths.map((entry) => [entry.path, `${entry.backend.service.name}:${entry.backend.service.port.name}`]));
    expect(routes).toEqual({
      '/megatron/slack': 'megatron-interpreter-slack:http',
      '/megatron': 'megatron-command-core:http',
      '/megatron.v1.MegatronService': 'megatron-command-core:http',
    });
  });

  it('in Socket Mode drops the Slack paths from the Ingress and keeps the API reachable as configured', () => {
    expect(ingressRoutes(socketMode)).toEqual({
      '/megatron': 'megatron-command-core:http',
      '/megatron.v1.MegatronService': 'megatron-command-core:http',
    });
  });

  it('in Socket Mode gives interpreter-slack its app-level token from the Secret, the Slack API URL and an optional signing secret', () => {
    const env = Object.fromEntries(interpreterEnv(socketMode).map((entry) => [entry.name, entry]));
    expect(env.SLACK_APP_TOKEN?.valueFrom?.secretKeyRef).toEqual({ name: 'megatron-production', key: 'SLACK_APP_TOKEN' });
    expect(env.SLACK_API_URL?.value).toBe('https://slack.com/api/');
    expect(env.SLACK_SIGNING_SECRET?.valueFrom?.secretKeyRef?.optional).toBe(true);
    const overHttp = Object.fromEntries(interpreterEnv(production).map((entry) => [entry.name, entry]));
    expect(overHttp.SLACK_APP_TOKEN).toBeUndefined();
    expect(overHttp.SLACK_SIGNING_SECRET?.valueFrom?.secretKeyRef?.optional).toBeUndefined();
  });

  it('in Socket Mode makes its own Secret with the app-level token, and the signing secret only when given', () => {
    const values = { ...socketModeValues, secrets: { ...ownSecretValues.secrets, slackSigningSecret: '', slackAppToken: 'xapp-1-A0MEGATRON-1-abc' } };
    const secret = named(renderChart({ values }), 'Secret', 'megatron-secrets') as K8sObject & { stringData: Record<string, string> };
    expect(secret.stringData.SLACK_APP_TOKEN).toBe('xapp-1-A0MEGATRON-1-abc');
    expect(secret.stringData.SLACK_SIGNING_SECRET).toBeUndefined();
    const missing = templateChart({ values: { ...values, secrets: { ...values.secrets, slackAppToken: '' } } });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('secrets.slackAppToken is required with config.socketMode.enabled');
  });

  it('migrates the database in a pre-install/pre-upgrade hook Job whose Secret exists before it', () => {
    const job = named(ownSecret, 'Job', 'megatron-migrations')!;
    expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade' });
    const hookSecret = named(ownSecret, 'Secret', 'megatron-migrations')!;
    expect(Number(hookSecret.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations!['helm.sh/hook-weight']));
    const env = podOf(job)!.spec.containers[0]!.env!;
    expect(env.find((entry) => entry.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe('megatron-migrations');
    const withExisting = named(production, 'Job', 'megatron-migrations')!;
    expect(podOf(withExisting)!.spec.containers[0]!.env!.find((entry) => entry.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe('megatron-production');
  });

  it('reads every secret from the existing Secret and creates none of its own when existingSecret is set', () => {
    expect(objectsOfKind(production, 'Secret')).toEqual([]);
    for (const deployment of objectsOfKind(production, 'Deployment')) {
      for (const entry of podOf(deployment)!.spec.containers[0]!.env ?? []) {
        if (entry.valueFrom?.secretKeyRef) expect(entry.valueFrom.secretKeyRef.name).toBe('megatron-production');
        if (/SECRET|TOKEN|_KEY|DATABASE_URL|REDIS_URL/.test(entry.name)) expect(entry.value).toBeUndefined();
      }
    }
  });

  it('gives every service the tracing variables while a collector is set, and none without one', () => {
    const traced = renderChart({ values: { tracing: { otlpEndpoint: 'http://otel-collector.observability:4318', samplerArg: 0.25 } } });
    for (const deployment of objectsOfKind(traced, 'Deployment')) {
      expect(podOf(deployment)!.spec.containers[0]!.env).toEqual(
        expect.arrayContaining([
          { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.observability:4318' },
          { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' },
          { name: 'OTEL_TRACES_SAMPLER_ARG', value: '0.25' },
        ]),
      );
    }
    for (const deployment of objectsOfKind(defaults, 'Deployment')) {
      expect(podOf(deployment)!.spec.containers[0]!.env!.filter((entry) => entry.name.startsWith('OTEL_'))).toEqual([]);
    }
    expect(validateObjects(traced)).toEqual([]);
  });

  it('refuses a sampler ratio outside 0 to 1 and an endpoint that is not an http(s) URL', () => {
    const ratio = templateChart({ values: { tracing: { samplerArg: 2 } } });
    expect(ratio.status).not.toBe(0);
    expect(ratio.stderr).toContain('/tracing/samplerArg');
    const endpoint = templateChart({ values: { tracing: { otlpEndpoint: 'otel-collector:4318' } } });
    expect(endpoint.status).not.toBe(0);
    expect(endpoint.stderr).toContain('/tracing/otlpEndpoint');
  });

  it('gives the services that declare streams their replica count: 1 by default, 3 with the production values', () => {
    const replicasOf = (objects: K8sObject[]) =>
      Object.fromEntries(
        objectsOfKind(objects, 'Deployment').map((deployment) => [
          componentOf(deployment),
          podOf(deployment)!.spec.containers[0]!.env!.find((entry) => entry.name === 'NATS_STREAM_REPLICAS')?.value,
        ]),
      );
    expect(replicasOf(defaults)).toEqual({ 'interpreter-slack': '1', 'command-core': '1', 'app-notifier': '1', 'connection-slack': undefined });
    expect(replicasOf(production)).toEqual({ 'interpreter-slack': '3', 'command-core': '3', 'app-notifier': '3', 'connection-slack': undefined });
  });

  it("starts every container's node with the heap bounds and garbage collector threads of nodeHeap, by default the flags the tests, the bench and npm start run services with", () => {
    const flagsOf = (objects: K8sObject[]) =>
      objectsOfKind(objects, 'Deployment').map((deployment) => {
        const command = podOf(deployment)!.spec.containers[0]!.command!;
        return command.slice(1, -1);
      });
    for (const flags of [...flagsOf(defaults), ...flagsOf(sandbox)]) expect(flags).toEqual([...SERVICE_NODE_FLAGS]);
    const raised = flagsOf(renderChart({ values: { nodeHeap: { maxOldSpaceMiB: 384, maxSemiSpaceMiB: 16 } } }));
    for (const flags of raised) expect(flags).toEqual(['--enable-source-maps', '--max-old-space-size=384', '--max-semi-space-size=16', '--single-threaded-gc']);
    const threaded = flagsOf(renderChart({ values: { nodeHeap: { singleThreadedGc: false } } }));
    for (const flags of threaded) expect(flags).toEqual(['--enable-source-maps', '--max-old-space-size=128', '--max-semi-space-size=8']);
    const notBoolean = templateChart({ values: { nodeHeap: { singleThreadedGc: 'yes' } } });
    expect(notBoolean.status).not.toBe(0);
    expect(notBoolean.stderr).toContain('/nodeHeap/singleThreadedGc');
    // `npm start` of each service too: the flags are written out in each package.json, where nothing else would see them drift.
    for (const service of SERVICES) {
      const manifest = JSON.parse(readFileSync(path.join(repoRoot(), 'services', service, 'package.json'), 'utf8')) as { scripts: { start: string } };
      expect({ service, start: manifest.scripts.start }).toEqual({ service, start: ['node', ...SERVICE_NODE_FLAGS, 'dist/main.js'].join(' ') });
    }
    const tiny = templateChart({ values: { nodeHeap: { maxOldSpaceMiB: 16 } } });
    expect(tiny.status).not.toBe(0);
    expect(tiny.stderr).toContain('/nodeHeap/maxOldSpaceMiB');
  });

  it('tells command-core how files cross: re-uploaded by default, presigned S3 links when asked, nothing else', () => {
    const modeOf = (objects: K8sObject[]) =>
      podOf(named(objects, 'Deployment', 'megatron-command-core')!)!.spec.containers[0]!.env!.find((entry) => entry.name === 'FILE_RELAY_MODE')?.value;
    expect(modeOf(defaults)).toBe('reupload');
    expect(modeOf(renderChart({ values: { config: { fileRelayMode: 'presigned-url' } } }))).toBe('presigned-url');
    const wrong = templateChart({ values: { config: { fileRelayMode: 'email' } } });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('/config/fileRelayMode');
  });

  it('takes a comma-separated list of NATS servers and refuses a replica count JetStream cannot place or a list with a bad server', () => {
    const cluster = renderChart({ values: { config: { natsUrl: 'nats://nats-0:4222,nats://nats-1:4222, nats://nats-2:4222' } } });
    expect(podOf(named(cluster, 'Deployment', 'megatron-command-core')!)!.spec.containers[0]!.env).toContainEqual({
      name: 'NATS_URL',
      value: 'nats://nats-0:4222,nats://nats-1:4222, nats://nats-2:4222',
    });
    for (const [values, path] of [
      [{ config: { natsStreamReplicas: 7 } }, '/config/natsStreamReplicas'],
      [{ config: { natsUrl: 'nats://nats-0:4222,http://nats-1:4222' } }, '/config/natsUrl'],
      [{ config: { natsUrl: 'nats://nats-0:4222,' } }, '/config/natsUrl'],
    ] as const) {
      const result = templateChart({ values });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(path);
    }
  });

  it('has a helm test pod that asks every service for /readyz', () => {
    const [pod] = objectsOfKind(defaults, 'Pod');
    expect(pod!.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'test' });
    const command = podOf(pod!)!.spec.containers[0]!.command!.join(' ');
    for (const [service, port] of [['interpreter-slack', 8002], ['command-core', 8080], ['connection-slack', 8081], ['app-notifier', 8082]] as const) {
      expect(command).toContain(`http://megatron-${service}:${port}/readyz`);
    }
  });

  describe('network policies', () => {
    const pod = (component: string, ports: Record<string, number> = {}): Endpoint => ({
      pod: { 'app.kubernetes.io/name': 'megatron', 'app.kubernetes.io/instance': 'megatron', 'app.kubernetes.io/component': component },
      ports,
    });
    const outside: Endpoint = { external: true };
    const svc = {
      'interpreter-slack': pod('interpreter-slack', { http: 8002, grpc: 9093 }),
      'command-core': pod('command-core', { http: 8080, grpc: 9090, 'grpc-internal': 9094 }),
      'connection-slack': pod('connection-slack', { http: 8081, grpc: 9091 }),
      'app-notifier': pod('app-notifier', { http: 8082, grpc: 9092 }),
    };

    it('select every pod the chart runs', () => {
      const policies = objectsOfKind(defaults, 'NetworkPolicy').map((policy) => componentOf(policy));
      for (const object of defaults) {
        const template = podOf(object);
        if (template) expect(policies).toContain(componentOf(template));
      }
    });

    it.each([
      ['Slack (via the ingress) → interpreter-slack HTTP', outside, svc['interpreter-slack'], 8002],
      ['an integrating app → command-core HTTP', outside, svc['command-core'], 8080],
      ['command-core → connection-slack gRPC', svc['command-core'], svc['connection-slack'], 9091],
      ['command-core → app-notifier gRPC', svc['command-core'], svc['app-notifier'], 9092],
      ['app-notifier → command-core internal gRPC (tenant settings)', svc['app-notifier'], svc['command-core'], 9094],
      ['command-core → Postgres', svc['command-core'], outside, 5432],
      ['command-core → Redis', svc['command-core'], outside, 6379],
      ['interpreter-slack → NATS', svc['interpreter-slack'], outside, 4222],
      ['app-notifier → NATS', svc['app-notifier'], outside, 4222],
      ['connection-slack → Slack and S3 over HTTPS', svc['connection-slack'], outside, 443],
      ['app-notifier → command_url over HTTPS', svc['app-notifier'], outside, 443],
      ['the migration Job → Postgres', pod('migrations'), outside, 5432],
      ['the helm test pod → connection-slack HTTP', pod('test'), svc['connection-slack'], 8081],
    ])('allow %s', (_flow, from, to, port) => {
      expect(allowsFlow(defaults, from, to, port)).toBe(true);
    });

    it.each([
      ['interpreter-slack → command-core gRPC (commands go through NATS)', svc['interpreter-slack'], svc['command-core'], 9090],
      ['interpreter-slack → connection-slack gRPC', svc['interpreter-slack'], svc['connection-slack'], 9091],
      ['interpreter-slack → Postgres', svc['interpreter-slack'], outside, 5432],
      ['interpreter-slack → the internet', svc['interpreter-slack'], outside, 443],
      ['connection-slack → command-core gRPC', svc['connection-slack'], svc['command-core'], 9090],
      ['app-notifier → connection-slack gRPC', svc['app-notifier'], svc['connection-slack'], 9091],
      ['the outside → connection-slack HTTP', outside, svc['connection-slack'], 8081],
      ['the outside → command-core gRPC', outside, svc['command-core'], 9090],
      ['the outside → command-core internal gRPC (tenant settings)', outside, svc['command-core'], 9094],
      ['app-notifier → command-core public gRPC', svc['app-notifier'], svc['command-core'], 9090],
      ['the outside → app-notifier gRPC', outside, svc['app-notifier'], 9092],
      ['the migration Job → the internet', pod('migrations'), outside, 443],
    ])('deny %s', (_flow, from, to, port) => {
      expect(allowsFlow(defaults, from, to, port)).toBe(false);
    });

    it('in Socket Mode let interpreter-slack call Slack over HTTPS and nothing from outside call it', () => {
      const open = renderChart({ values: socketModeValues });
      expect(allowsFlow(open, svc['interpreter-slack'], outside, 443)).toBe(true);
      expect(allowsFlow(open, outside, svc['interpreter-slack'], 8002)).toBe(false);
      expect(allowsFlow(open, svc['interpreter-slack'], outside, 4222)).toBe(true);
      expect(allowsFlow(open, pod('test'), svc['interpreter-slack'], 8002)).toBe(true);
      expect(allowsFlow(open, outside, svc['command-core'], 8080)).toBe(true);
    });

    it("let every service reach the OTLP collector's port while tracing is on, and only then", () => {
      const traced = renderChart({ values: { tracing: { otlpEndpoint: 'http://otel-collector:4318' } } });
      const secure = renderChart({ values: { tracing: { otlpEndpoint: 'https://collector.example.com' } } });
      for (const service of Object.values(svc)) {
        expect(allowsFlow(traced, service, outside, 4318)).toBe(true);
        expect(allowsFlow(secure, service, outside, 443)).toBe(true);
        expect(allowsFlow(defaults, service, outside, 4318)).toBe(false);
      }
      expect(allowsFlow(traced, svc['interpreter-slack'], outside, 443)).toBe(false);
    });
  });
});
