import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@megatron/testkit';
import type { K8sObject } from './k8s-tools.js';
import { probeOnce, probePort } from './kubelet-probes.js';
import { componentOf, podOf, resolvePort, type Container, type EnvVar, type PodSpec, type Probe } from './pod-specs.js';

/** One container of the rendered chart, ready to run as a local process. */
export interface LaunchPlan {
  /** The Deployment, Job or Pod it comes from. */
  owner: string;
  component: string;
  container: Container;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** The pod's runAsUser and runAsGroup, which the launcher takes on when it can (as root). */
  runAs?: { uid: number; gid: number };
  /** containerPort → local port. */
  ports: Map<number, number>;
  terminationGracePeriodSeconds: number;
}

/** What the launcher needs of the image a container names. */
export interface LaunchImage {
  /** Where the image's WORKDIR (/app) is: the repo root after `npm run build`, or an emulated image. */
  appRoot: string;
  /** The image's ENV, under the container's own environment. */
  env: Record<string, string>;
}

export interface LaunchOptions {
  image: (reference: string) => LaunchImage;
  namespace: string;
}

interface ServiceSpec {
  selector: Record<string, string>;
  ports: { port: number; targetPort: number | string }[];
}

function secretValue(objects: K8sObject[], name: string, key: string): string | undefined {
  const secret = objects.find((object) => object.kind === 'Secret' && object.metadata.name === name) as
    | (K8sObject & { stringData?: Record<string, string>; data?: Record<string, string> })
    | undefined;
  if (secret === undefined) return undefined;
  if (secret.stringData?.[key] !== undefined) return secret.stringData[key];
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

function resolveEnv(objects: K8sObject[], owner: string, entry: EnvVar, pod: { name: string; namespace: string }): string | undefined {
  if (entry.value !== undefined) return entry.value;
  const from = entry.valueFrom;
  if (from?.secretKeyRef) {
    const value = secretValue(objects, from.secretKeyRef.name, from.secretKeyRef.key);
    if (value === undefined && !from.secretKeyRef.optional) {
      throw new Error(`${owner}: ${entry.name} refers to Secret ${from.secretKeyRef.name} key ${from.secretKeyRef.key}, which the chart does not render`);
    }
    return value;
  }
  if (from?.fieldRef) {
    if (from.fieldRef.fieldPath === 'metadata.name') return pod.name;
    if (from.fieldRef.fieldPath === 'metadata.namespace') return pod.namespace;
    throw new Error(`${owner}: ${entry.name} uses fieldRef ${from.fieldRef.fieldPath}, which the launcher cannot fake`);
  }
  throw new Error(`${owner}: ${entry.name} has neither a value nor a supported valueFrom`);
}

/**
 * Plans every Deployment (and, on request, Job and Pod) of the rendered chart as local processes: its command
 * with the image's /app mapped to a directory, the environment exactly as the chart sets it (Secret references
 * resolved from rendered Secrets, in-cluster Service addresses rewritten to 127.0.0.1 and free local ports).
 */
export async function planLaunch(objects: K8sObject[], options: LaunchOptions, kinds: string[] = ['Deployment']): Promise<LaunchPlan[]> {
  const workloads = objects.filter((object) => ['Deployment', 'Job', 'Pod'].includes(object.kind));
  const portMaps = new Map<K8sObject, Map<number, number>>();
  for (const workload of workloads) {
    const ports = new Map<number, number>();
    for (const container of podOf(workload)!.spec.containers) {
      for (const { containerPort } of container.ports ?? []) ports.set(containerPort, await freePort());
    }
    portMaps.set(workload, ports);
  }

  // Service DNS names → the local port of the container port their targetPort reaches.
  const addresses = new Map<string, number>();
  for (const service of objects.filter((object) => object.kind === 'Service')) {
    const spec = service.spec as ServiceSpec;
    const target = workloads.find(
      (workload) => workload.kind === 'Deployment' && Object.entries(spec.selector).every(([key, value]) => podOf(workload)!.metadata.labels?.[key] === value),
    );
    if (target === undefined) throw new Error(`Service ${service.metadata.name} selects no Deployment of the chart`);
    const container = podOf(target)!.spec.containers[0]!;
    for (const port of spec.ports) {
      const containerPort = resolvePort(container, port.targetPort);
      const local = containerPort === undefined ? undefined : portMaps.get(target)!.get(containerPort);
      if (local === undefined) throw new Error(`Service ${service.metadata.name} port ${port.port} targets ${port.targetPort}, which ${target.metadata.name} does not expose`);
      const name = service.metadata.name;
      for (const host of [name, `${name}.${options.namespace}`, `${name}.${options.namespace}.svc`, `${name}.${options.namespace}.svc.cluster.local`]) {
        addresses.set(`${host}:${port.port}`, local);
      }
    }
  }
  const rewriteAddresses = (value: string): string =>
    value.replace(/(?<=^|\/\/|@)([a-z0-9][a-z0-9.-]*):(\d+)/g, (match, host: string, port: string) => {
      const local = addresses.get(`${host}:${port}`);
      return local === undefined ? match : `127.0.0.1:${local}`;
    });

  const plans: LaunchPlan[] = [];
  for (const workload of workloads.filter((object) => kinds.includes(object.kind))) {
    const template = podOf(workload)!;
    const component = componentOf(template) ?? workload.metadata.name;
    const ports = portMaps.get(workload)!;
    for (const container of template.spec.containers) {
      const owner = `${workload.kind}/${workload.metadata.name}`;
      const argv = [...(container.command ?? []), ...(container.args ?? [])];
      if (argv.length === 0) throw new Error(`${owner}: container ${container.name} sets no command; the launcher needs the chart to say what runs`);
      if (argv[0] === 'node') argv[0] = process.execPath;
      if (container.workingDir !== '/app') throw new Error(`${owner}: workingDir is ${container.workingDir}, the images use /app`);
      const image = options.image(container.image);
      const env: Record<string, string> = { ...image.env };
      for (const entry of container.env ?? []) {
        const value = resolveEnv(objects, owner, entry, { name: `${workload.metadata.name}-0`, namespace: options.namespace });
        if (value === undefined) continue;
        const declared = /PORT$/.test(entry.name) && /^\d+$/.test(value) ? ports.get(Number(value)) : undefined;
        env[entry.name] = declared !== undefined ? String(declared) : rewriteAddresses(value);
      }
      plans.push({
        owner,
        component,
        container,
        argv: argv.map(rewriteAddresses),
        cwd: image.appRoot,
        env,
        ...runAs(template.spec, container),
        ports,
        terminationGracePeriodSeconds: template.spec.terminationGracePeriodSeconds ?? 30,
      });
    }
  }
  return plans;
}

export interface Launched {
  plan: LaunchPlan;
  child: ChildProcess;
  output(): string;
  /** Set once the process has exited. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runAs(pod: PodSpec, container: Container): Pick<LaunchPlan, 'runAs'> {
  const uid = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  const gid = container.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup;
  return uid === undefined ? {} : { runAs: { uid, gid: gid ?? uid } };
}

/**
 * Starts a planned container with only the image's and the chart's environment (plus PATH): nothing leaks in from
 * the test run. As root it runs as the pod's user, to whom the image's files (owned by root) are read-only, as
 * they are under readOnlyRootFilesystem.
 */
export function launch(plan: LaunchPlan): Launched {
  const child = spawn(plan.argv[0]!, plan.argv.slice(1), {
    cwd: plan.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...plan.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(plan.runAs !== undefined && process.getuid?.() === 0 ? plan.runAs : {}),
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-200_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const launched: Launched = {
    plan,
    child,
    output: () => output,
    exited: new Promise((resolve) => {
      child.once('close', (code, signal) => {
        launched.exit = { code, signal };
        resolve(launched.exit);
      });
    }),
  };
  return launched;
}

async function localPortOf(plan: LaunchPlan, probe: Probe, unused: Map<string, number>): Promise<number> {
  const port = probePort(probe);
  const containerPort = port === undefined ? undefined : resolvePort(plan.container, port);
  const mapped = containerPort === undefined ? undefined : plan.ports.get(containerPort);
  if (mapped !== undefined) return mapped;
  // A port the container does not declare: nothing of ours listens there, exactly as in the pod.
  const key = `${plan.owner}:${String(port)}`;
  if (!unused.has(key)) unused.set(key, await freePort());
  return unused.get(key)!;
}

/**
 * Probes as the kubelet does: the startup probe until it passes (within failureThreshold × periodSeconds), then
 * the readiness and liveness probes until both pass. Throws with the last failure and the process output when the
 * process exits or the bound passes.
 */
export async function waitUntilReady(launched: Launched, boundMs: number): Promise<void> {
  const { plan } = launched;
  const unused = new Map<string, number>();
  const deadline = Date.now() + boundMs;
  const stages: [string, Probe | undefined][] = [
    ['startupProbe', plan.container.startupProbe],
    ['readinessProbe', plan.container.readinessProbe],
    ['livenessProbe', plan.container.livenessProbe],
  ];
  for (const [name, probe] of stages) {
    if (probe === undefined) continue;
    const port = await localPortOf(plan, probe, unused);
    for (;;) {
      if (launched.exit) throw new Error(`${plan.owner} exited (${JSON.stringify(launched.exit)}) before its ${name} passed\n${launched.output()}`);
      const failure = await probeOnce(probe, port);
      if (failure === undefined) break;
      if (Date.now() > deadline) throw new Error(`${plan.owner}: ${name} ${JSON.stringify(probe)} still fails after ${boundMs} ms: ${failure}\n${launched.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** SIGTERM, then SIGKILL after the pod's grace period, as the kubelet stops a container. */
export async function stopLikeKubelet(launched: Launched): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (launched.exit) return launched.exit;
  launched.child.kill('SIGTERM');
  const timer = setTimeout(() => launched.child.kill('SIGKILL'), launched.plan.terminationGracePeriodSeconds * 1000);
  try {
    return await launched.exited;
  } finally {
    clearTimeout(timer);
  }
}
