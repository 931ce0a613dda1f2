import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

/** Instructions of a Dockerfile, comments dropped and `\` continuations joined; FROM starts a stage. */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest.replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [, base = '', name] = /^(\S+)(?: AS (\S+))?$/i.exec(instruction.args) ?? [];
      stages.push({ name: name ?? String(stages.length), base, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`Dockerfile: ${instruction.keyword} before the first FROM`);
      const [key = '', value = ''] = instruction.args.split('=');
      args[key] = value;
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** .dockerignore patterns (Go filepath.Match plus `**`) as one predicate over context-relative paths. */
export function dockerignore(text: string): (relative: string) => boolean {
  const patterns = text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const regexes = patterns.map(
    (pattern) =>
      new RegExp(`^${pattern.replace(/[.+^${}()|[\]]/g, '\\$&').replace(/\*\*\//g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?')}$`),
  );
  return (relative) => {
    const parts = relative.split('/');
    return parts.some((_, index) => regexes.some((regex) => regex.test(parts.slice(0, index + 1).join('/'))));
  };
}

/** Copies the build context as the Docker client would send it: everything .dockerignore does not exclude. */
export function copyContext(repo: string, destination: string): void {
  const ignored = dockerignore(readFileSync(path.join(repo, '.dockerignore'), 'utf8'));
  cpSync(repo, destination, { recursive: true, filter: (source) => source === repo || !ignored(path.relative(repo, source)) });
}

export interface EmulatedImage {
  /** The final stage's filesystem root; its WORKDIR is `root + workdir`. */
  root: string;
  workdir: string;
  user?: string;
  cmd: string[];
  env: Record<string, string>;
}

/**
 * Runs a Dockerfile's stages without a container engine: each stage gets its own directory standing in for `/`,
 * COPY copies from the context (or from an earlier stage), RUN runs under `sh -c` in the WORKDIR with the stage's
 * ENV. Base images are not emulated: RUN uses this machine's node and npm.
 */
export function emulateBuild(dockerfile: string, context: string, workspace: string): EmulatedImage {
  const { stages } = parseDockerfile(readFileSync(dockerfile, 'utf8'));
  const roots = new Map<string, string>();
  let image: EmulatedImage | undefined;
  for (const stage of stages) {
    const root = path.join(workspace, `stage-${stage.name}`);
    mkdirSync(root, { recursive: true });
    roots.set(stage.name, root);
    let workdir = '/';
    const env: Record<string, string> = {};
    let user: string | undefined;
    let cmd: string[] = [];
    const inStage = (target: string) => path.join(root, path.isAbsolute(target) ? target : path.join(workdir, target));
    for (const { keyword, args } of stage.instructions) {
      if (keyword === 'WORKDIR') {
        workdir = path.posix.resolve(workdir, args);
        mkdirSync(inStage('.'), { recursive: true });
      } else if (keyword === 'ENV') {
        const [key = '', value = ''] = args.split('=');
        env[key] = value;
      } else if (keyword === 'COPY') {
        const words = args.split(' ');
        const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
        const destination = words.pop()!;
        const sourceRoot = from === undefined ? context : roots.get(from);
        if (sourceRoot === undefined) throw new Error(`${dockerfile}: COPY --from=${from} names no earlier stage`);
        for (const source of words) {
          const full = path.join(sourceRoot, source);
          if (!existsSync(full)) throw new Error(`${dockerfile}: COPY ${source}: not in the ${from === undefined ? 'build context' : `stage ${from}`}`);
          const target = statSync(full).isFile() && destination.endsWith('/') ? path.join(inStage(destination), path.basename(source)) : inStage(destination);
          if (statSync(full).isDirectory()) {
            mkdirSync(target, { recursive: true });
            for (const entry of readdirSync(full)) cpSync(path.join(full, entry), path.join(target, entry), { recursive: true });
          } else {
            mkdirSync(path.dirname(target), { recursive: true });
            cpSync(full, target);
          }
        }
      } else if (keyword === 'RUN') {
        const result = spawnSync('sh', ['-c', args], { cwd: inStage('.'), env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
        if (result.status !== 0) throw new Error(`${dockerfile}: RUN ${args}\nexit ${result.status}\n${result.stdout}${result.stderr}`);
      } else if (keyword === 'USER') {
        user = args;
      } else if (keyword === 'CMD') {
        cmd = JSON.parse(args) as string[];
      } else if (!['EXPOSE', 'STOPSIGNAL', 'ARG', 'LABEL'].includes(keyword)) {
        throw new Error(`${dockerfile}: ${keyword} is not supported by the emulator`);
      }
    }
    image = { root, workdir, cmd, env, ...(user === undefined ? {} : { user }) };
  }
  if (image === undefined) throw new Error(`${dockerfile}: no FROM`);
  return image;
}
