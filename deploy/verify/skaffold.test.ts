import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { renderChart } from './k8s-tools.js';
import { podOf } from './pod-specs.js';
import { validateObjects } from './validate-objects.js';

interface Artifact {
  image: string;
  context: string;
  docker: { dockerfile: string };
}
interface Release {
  name: string;
  chartPath: string;
  valuesFiles?: string[];
  setValueTemplates: Record<string, string>;
}
interface Patch {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}
interface SkaffoldConfig {
  apiVersion: string;
  build: { artifacts: Artifact[] };
  deploy: { helm: { releases: Release[] } };
  portForward: { resourceName: string; port: number }[];
  profiles: { name: string; build?: { artifacts: Artifact[] }; patches?: Patch[]; portForward?: { resourceName: string; port: number }[] }[];
}

const root = () => repoRoot();
const config = (): SkaffoldConfig => parse(readFileSync(path.join(root(), 'skaffold.yaml'), 'utf8')) as SkaffoldConfig;

/** Skaffold's profile patches are JSON Patch; only add and replace are used here. */
function applyPatches(base: SkaffoldConfig, patches: Patch[]): SkaffoldConfig {
  const result = structuredClone(base) as unknown as Record<string, unknown>;
  for (const patch of patches) {
    const keys = patch.path.split('/').slice(1).map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let target: Record<string, unknown> = result;
    for (const key of keys) {
      const next = target[key];
      if (typeof next !== 'object' || next === null) throw new Error(`patch ${patch.path}: ${key} does not exist`);
      target = next as Record<string, unknown>;
    }
    if (patch.op === 'replace' && !(last in target)) throw new Error(`patch ${patch.path}: nothing to replace`);
    target[last] = patch.value;
  }
  return result as unknown as SkaffoldConfig;
}

/** Values as skaffold would set them: each template with a made-up repository and tag for the built images. */
function valuesFromTemplates(templates: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(templates)) {
    const value = template.replace(/\{\{\.IMAGE_REPO_([a-z_]+)\}\}/g, 'registry.test/$1').replace(/\{\{\.IMAGE_TAG_[a-z_]+\}\}/g, 'abc123');
    const keys = key.split('.');
    let target = values;
    for (const part of keys.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[keys.at(-1)!] = value;
  }
  return values;
}

describe('skaffold.yaml', () => {
  it('validates against the skaffold/v4beta14 schema', () => {
    const schema = JSON.parse(readFileSync(path.join(root(), 'deploy', 'verify', 'schemas', 'skaffold', 'v4beta14.json'), 'utf8')) as object;
    // The schema carries editor-only keywords (x-intellij-html-description, preferredOrder).
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const base = config();
    expect(base.apiVersion).toBe('skaffold/v4beta14');
    for (const candidate of [base, ...base.profiles.map((profile) => applyPatches(base, profile.patches ?? []))]) {
      const valid = validate(candidate);
      expect(valid ? [] : validate.errors).toEqual([]);
    }
  });

  it('builds the four service images from their Dockerfiles with the repository root as context', () => {
    const artifacts = config().build.artifacts;
    expect(artifacts.map((artifact) => artifact.image)).toEqual([
      'megatron-interpreter-slack',
      'megatron-command-core',
      'megatron-connection-slack',
      'megatron-app-notifier',
    ]);
    for (const artifact of artifacts) {
      expect(artifact.context).toBe('.');
      expect(existsSync(path.join(root(), artifact.docker.dockerfile))).toBe(true);
    }
  });

  it('deploys the chart with every built image in the base config and in each profile', () => {
    const base = config();
    for (const profile of [undefined, ...base.profiles]) {
      const effective = profile ? applyPatches(base, profile.patches ?? []) : base;
      const artifacts = profile?.build?.artifacts ?? base.build.artifacts;
      const [release] = effective.deploy.helm.releases;
      expect(path.resolve(root(), release!.chartPath)).toBe(path.join(root(), 'deploy', 'helm', 'megatron'));
      const objects = renderChart({
        release: release!.name,
        valuesFiles: (release!.valuesFiles ?? []).map((file) => path.join(root(), file)),
        values: valuesFromTemplates(release!.setValueTemplates),
      });
      expect(validateObjects(objects)).toEqual([]);
      const images = new Set(objects.flatMap((object) => podOf(object)?.spec.containers.map((container) => container.image) ?? []));
      for (const artifact of artifacts) {
        expect({ profile: profile?.name, images: [...images] }).toMatchObject({
          images: expect.arrayContaining([`registry.test/${artifact.image.replace(/-/g, '_')}:abc123`]),
        });
      }
    }
  });

  it('port-forwards the Slack and API ports to Services the chart creates', () => {
    const base = config();
    const objects = renderChart({ release: 'megatron' });
    const services = new Map(objects.filter((object) => object.kind === 'Service').map((object) => [object.metadata.name, object]));
    const forwards = base.portForward.map((forward) => `${forward.resourceName}:${forward.port}`);
    expect(forwards).toEqual(['megatron-interpreter-slack:8002', 'megatron-command-core:8080']);
    for (const forward of [...base.portForward, ...base.profiles.flatMap((profile) => profile.portForward ?? [])]) {
      if (forward.resourceName === 'megatron-slack-sim') continue;
      const ports = (services.get(forward.resourceName)?.spec as { ports: { port: number }[] } | undefined)?.ports.map((port) => port.port);
      expect(ports).toContain(forward.port);
    }
  });
});
