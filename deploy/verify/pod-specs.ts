import type { K8sObject } from './k8s-tools.js';

export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  grpc?: { port: number; service?: string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
  periodSeconds?: number;
  failureThreshold?: number;
  timeoutSeconds?: number;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
  };
}

export interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number; seccompProfile?: { type: string } };
  terminationGracePeriodSeconds?: number;
}

export interface PodTemplate {
  metadata: { labels?: Record<string, string> };
  spec: PodSpec;
}

/** The pod template of a Deployment or Job, or the spec of a bare Pod, with the labels its pods carry. */
export function podOf(object: K8sObject): PodTemplate | undefined {
  if (object.kind === 'Deployment' || object.kind === 'Job') return (object.spec as { template: PodTemplate }).template;
  if (object.kind === 'Pod') return { metadata: { labels: object.metadata.labels ?? {} }, spec: object.spec as PodSpec };
  return undefined;
}

export function componentOf(object: { metadata: { labels?: Record<string, string> } }): string | undefined {
  return object.metadata.labels?.['app.kubernetes.io/component'];
}

/** The container port a probe or Service targets: a number, or the name of one of the container's ports. */
export function resolvePort(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}
