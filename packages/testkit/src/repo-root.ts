import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

function isWorkspaceRoot(dir: string): boolean {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return false;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; workspaces?: unknown };
  return manifest.name === 'megatron' && Array.isArray(manifest.workspaces);
}

/**
 * The Megatron checkout this test runs in: MEGATRON_ROOT (set by the jest global setup), else the nearest
 * ancestor of the working directory whose package.json is the workspace root. Found by walking up because the
 * same source runs as CommonJS under jest and as ESM when built, so neither __dirname nor import.meta is safe.
 */
export function repoRoot(): string {
  if (cached !== undefined) return cached;
  const fromEnv = process.env.MEGATRON_ROOT;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isWorkspaceRoot(fromEnv)) throw new Error(`MEGATRON_ROOT=${fromEnv} is not the Megatron workspace root`);
    cached = fromEnv;
    return cached;
  }
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (isWorkspaceRoot(dir)) {
      cached = dir;
      return cached;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`repoRoot: no Megatron workspace root above ${process.cwd()}; run from the checkout or set MEGATRON_ROOT`);
    }
  }
}
