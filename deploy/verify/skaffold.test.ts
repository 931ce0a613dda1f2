import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { IMAGE_WORKSPACES, imageName, SERVICES } from './images.js';
import { renderChart } from './k8s-tools.js';
import { podOf } from './pod-specs.js';
import { validateObjects } from './validate-objects.js';

interface Artifact {
  image: string;
  context: string;
  docker: { dockerfile: string; buildArgs?: Record<string, string> };
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
  profiles: { name: string; patches?: Patch[] }[];
}

const root = () => repoRoot();
const config = (): SkaffoldConfig => parse(readFileSync(path.join(root(), 'skaffold.yaml'), 'utf8')) as SkaffoldConfig;

/** Skaffold's profile patches are JSON Patch (RFC 6902); only add and replace are used here. */
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
    if (Array.isArray(target)) {
      // In an array, add inserts at the index (at most its length); replace needs an element there.
      const index = Number(last);
      if (!/^\d+$/.test(last) || index > target.length - (patch.op === 'replace' ? 1 : 0)) throw new Error(`patch ${patch.path}: no index ${last}`);
      target.splice(index, patch.op === 'replace' ? 1 : 0, patch.value);
    } else {
      if (patch.op === 'replace' && !(last in target)) throw new Error(`patch ${patch.path}: nothing to replace`);
      target[last] = patch.value;
    }
  }
  return result as unknown as SkaffoldConfig;
}

/** The chart as skaffold deploys a release: its values files, then `values` (the --set of setValueTemplates). */
const renderRelease = (release: Release, values?: unknown) =>
  renderChart({ release: release.name, valuesFiles: (release.valuesFiles ?? []).map((file) => path.join(root(), file)), ...(values === undefined ? {} : { values }) });

/** The base config, then each profile's, as skaffold runs them. */
const effectiveConfigs = (): { profile?: string; config: SkaffoldConfig }[] => {
  const base = config();
  return [{ config: base }, ...base.profiles.map((profile) => ({ profile: profile.name, config: applyPatches(base, profile.patches ?? []) }))];
};

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
    expect(config().apiVersion).toBe('skaffold/v4beta14');
    for (const { config: candidate } of effectiveConfigs()) {
      const valid = validate(candidate);
      expect(valid ? [] : validate.errors).toEqual([]);
    }
  });

  it('builds the four service images, and in the sandbox the simulator and the example bot, from the one Dockerfile with WORKSPACE naming each', () => {
    const built = effectiveConfigs().map(({ profile, config: effective }) => ({ profile, images: effective.build.artifacts.map((artifact) => artifact.image) }));
    const services = SERVICES.map((service) => imageName(`services/${service}`));
    expect(built).toEqual([
      { profile: undefined, images: services },
      { profile: 'sandbox', images: IMAGE_WORKSPACES.map(imageName) },
      { profile: 'production', images: services },
    ]);
    for (const { config: effective } of effectiveConfigs()) {
      for (const artifact of effective.build.artifacts) {
        const workspace = IMAGE_WORKSPACES.find((candidate) => imageName(candidate) === artifact.image);
        expect(artifact).toEqual({ image: artifact.image, context: '.', docker: { dockerfile: 'Dockerfile', buildArgs: { WORKSPACE: workspace } } });
      }
    }
    expect(existsSync(path.join(root(), 'Dockerfile'))).toBe(true);
  });

  it('deploys the chart with every built image in the base config and in each profile', () => {
    for (const { profile, config: effective } of effectiveConfigs()) {
      const artifacts = effective.build.artifacts;
      const [release] = effective.deploy.helm.releases;
      expect(path.resolve(root(), release!.chartPath)).toBe(path.join(root(), 'deploy', 'helm', 'megatron'));
      const objects = renderRelease(release!, valuesFromTemplates(release!.setValueTemplates));
      expect(validateObjects(objects)).toEqual([]);
      const images = new Set(objects.flatMap((object) => podOf(object)?.spec.containers.map((container) => container.image) ?? []));
      for (const artifact of artifacts) {
        expect({ profile, images: [...images] }).toMatchObject({
          images: expect.arrayContaining([`registry.test/${artifact.image.replace(/-/g, '_')}:abc123`]),
        });
      }
    }
  });

  it("port-forwards the Slack and API ports, and in the sandbox the simulator's, to Services the chart creates", () => {
    const forwards = effectiveConfigs().map(({ profile, config: effective }) => ({ profile, forwards: effective.portForward.map((forward) => `${forward.resourceName}:${forward.port}`) }));
    const apiAndSlack = ['megatron-interpreter-slack:8002', 'megatron-command-core:8080'];
    expect(forwards).toEqual([
      { profile: undefined, forwards: apiAndSlack },
      { profile: 'sandbox', forwards: [...apiAndSlack, 'megatron-slack-sim:8090'] },
      { profile: 'production', forwards: apiAndSlack },
    ]);
    for (const { profile, config: effective } of effectiveConfigs()) {
      const [release] = effective.deploy.helm.releases;
      const objects = renderRelease(release!);
      const services = new Map(objects.filter((object) => object.kind === 'Service').map((object) => [object.metadata.name, object]));
      for (const forward of effective.portForward) {
        const ports = (services.get(forward.resourceName)?.spec as { ports: { port: number }[] } | undefined)?.ports.map((port) => port.port);
        expect({ profile, service: forward.resourceName, ports }).toEqual({ profile, service: forward.resourceName, ports: expect.arrayContaining([forward.port]) });
      }
    }
  });
});
