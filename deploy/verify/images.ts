import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';

/** The workspaces that ship as images, each built from the root Dockerfile with the build argument WORKSPACE. */
export const IMAGE_WORKSPACES = ['services/interpreter-slack', 'services/command-core', 'services/connection-slack', 'services/app-notifier', 'tools/slack-sim', 'examples/support-bot'];

/** The four services: each a Deployment of the chart, with a Service, a HorizontalPodAutoscaler and a PDB. */
export const SERVICES = IMAGE_WORKSPACES.filter((workspace) => workspace.startsWith('services/')).map((workspace) => path.posix.basename(workspace));

/** The image a workspace is built into (skaffold's artifact) and the chart pulls: megatron-<folder name>. */
export const imageName = (workspace: string): string => `megatron-${path.posix.basename(workspace)}`;

/** The name part of an image reference: `ghcr.io/megatron/megatron-command-core:0.1.0` → `megatron-command-core`. */
export const imageNameOf = (reference: string): string => reference.replace(/[:@][^/]*$/, '').split('/').at(-1)!;

export interface Manifest {
  name: string;
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export const manifestOf = (folder: string): Manifest => JSON.parse(readFileSync(path.join(repoRoot(), folder, 'package.json'), 'utf8')) as Manifest;

/** Workspace folders (packages/…) a workspace needs at run time, following @megatron/* dependencies. */
export function workspaceDependencies(workspace: string): string[] {
  const root = repoRoot();
  const folders = new Map<string, string>();
  for (const parent of ['packages', 'services', 'tools', 'examples']) {
    for (const entry of readdirSync(path.join(root, parent))) {
      if (existsSync(path.join(root, parent, entry, 'package.json'))) folders.set(manifestOf(`${parent}/${entry}`).name, `${parent}/${entry}`);
    }
  }
  const found = new Set<string>();
  const visit = (folder: string) => {
    for (const name of Object.keys(manifestOf(folder).dependencies ?? {})) {
      const dependency = folders.get(name);
      if (dependency !== undefined && !found.has(dependency)) {
        found.add(dependency);
        visit(dependency);
      }
    }
  };
  visit(workspace);
  return [...found].sort();
}
