// The part of the Dockerfile that depends on which workspace is built (see the Dockerfile at the root).
//
//   node scripts/image-workspace.mjs prune <workspace> <out>          (in the build context)
//     <out>/manifests: package.json, package-lock.json and the package.json of the workspace and of every
//       @megatron/* package it depends on, transitively. Only these reach `npm ci`, so its layers stay cached
//       while only sources change (the idea of `turbo prune --docker`).
//     <out>/sources: tsconfig.base.json, this script and those folders whole: what `tsc -b <workspace>` reads.
//   node scripts/image-workspace.mjs ship <workspace> <entry> <out>   (in the built tree)
//     <out>: the same folders' package.json and `files` (dist unless the package.json says more, as
//       command-core does for its SQL migrations): what the image runs. Fails when <workspace>/<entry> was not built.
//
// Plain JavaScript with no dependencies: it runs before anything is installed or compiled.
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Workspace folders by package name, from the root package.json's `workspaces` (folders or `parent/*`). */
function workspaceFolders() {
  const folders = new Map();
  for (const pattern of readJson('package.json').workspaces ?? []) {
    const candidates = pattern.endsWith('/*')
      ? (existsSync(pattern.slice(0, -2)) ? readdirSync(pattern.slice(0, -2)) : []).map((entry) => `${pattern.slice(0, -2)}/${entry}`)
      : [pattern];
    for (const folder of candidates) {
      if (existsSync(path.join(folder, 'package.json'))) folders.set(readJson(path.join(folder, 'package.json')).name, folder);
    }
  }
  return folders;
}

/** The workspace's folder and those of the workspace packages it depends on at run time, transitively. */
function closure(workspace) {
  const folders = workspaceFolders();
  if (![...folders.values()].includes(workspace)) {
    throw new Error(`WORKSPACE must name a workspace folder, one of ${[...folders.values()].join(', ')}; got "${workspace}"`);
  }
  const found = [workspace];
  for (const folder of found) {
    for (const name of Object.keys(readJson(path.join(folder, 'package.json')).dependencies ?? {})) {
      const dependency = folders.get(name);
      if (dependency !== undefined && !found.includes(dependency)) found.push(dependency);
    }
  }
  return found;
}

function prune(workspace, out) {
  const folders = closure(workspace);
  for (const file of ['package.json', 'package-lock.json', ...folders.map((folder) => `${folder}/package.json`)]) {
    cpSync(file, path.join(out, 'manifests', file));
  }
  for (const source of ['tsconfig.base.json', 'scripts/image-workspace.mjs', ...folders]) {
    cpSync(source, path.join(out, 'sources', source), { recursive: true });
  }
}

function ship(workspace, entry, out) {
  if (!existsSync(path.join(workspace, entry))) throw new Error(`${workspace}/${entry} was not built: is ENTRY right?`);
  for (const folder of closure(workspace)) {
    for (const file of ['package.json', ...(readJson(path.join(folder, 'package.json')).files ?? ['dist'])]) {
      cpSync(path.join(folder, file), path.join(out, folder, file), { recursive: true });
    }
  }
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'prune' && args.length === 2) prune(args[0], args[1]);
  else if (command === 'ship' && args.length === 3) ship(args[0], args[1], args[2]);
  else throw new Error('usage: image-workspace.mjs prune <workspace> <out> | ship <workspace> <entry> <out>');
} catch (error) {
  console.error(`image-workspace: ${error.message}`);
  process.exit(1);
}
