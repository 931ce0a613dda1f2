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

/** `ARG NAME` or `ARG NAME=default`. */
function parseArg(args: string): [string, string | undefined] {
  const [, name = '', value] = /^([A-Za-z_]\w*)(?:=(.*))?$/.exec(args) ?? [];
  if (name === '') throw new Error(`Dockerfile: ARG ${args} is not NAME or NAME=default`);
  return [name, value];
}

/** Instructions of a Dockerfile, comments dropped and `\` continuations joined; FROM starts a stage. */
export function parseDockerfile(text: string): { args: Record<string, string | undefined>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const args: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest.replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [, base = '', name] = /^(\S+)(?: AS (\S+))?$/i.exec(instruction.args) ?? [];
      stages.push({ name: name ?? String(stages.length), base, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`Dockerfile: ${instruction.keyword} before the first FROM`);
      const [name, value] = parseArg(instruction.args);
      args[name] = value;
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** Docker's `$NAME` and `${NAME}` substitution; an unset variable becomes empty, as in Docker. */
function expand(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{([^}]*)\}|\$([A-Za-z_]\w*)/g, (match, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`Dockerfile: ${match} is not supported by the emulator`);
    return variables[name] ?? '';
  });
}

/** `key=value` words as ENV and LABEL take them, with double-quoted values. */
function keyValues(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const [, key = '', quoted, plain] of text.matchAll(/([^\s=]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g)) {
    pairs[key] = quoted === undefined ? (plain ?? '') : quoted.replace(/\\(.)/g, '$1');
  }
  if (text.replace(/([^\s=]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g, '').trim() !== '') throw new Error(`Dockerfile: "${text}" is not key=value pairs`);
  return pairs;
}

/** .dockerignore patterns (Go filepath.Match plus `**`) as one predicate over context-relative paths. */
export function dockerignore(text: string): (relative: string) => boolean {
  const patterns = text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const exception = patterns.find((pattern) => pattern.startsWith('!'));
  if (exception !== undefined) throw new Error(`.dockerignore: exceptions (${exception}) are not supported by the emulator`);
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

/** What a RUN sees of the test process: none of the calling npm's or jest's own settings. */
function hostEnv(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_package_|npm_lifecycle_)/.test(key) && !['NODE_ENV', 'INIT_CWD', 'npm_config_local_prefix'].includes(key)),
  );
}

export interface EmulatedImage {
  /** The final stage's filesystem root; its WORKDIR is `root + workdir`. */
  root: string;
  /** The final stage's FROM, build arguments substituted. */
  base: string;
  workdir: string;
  user?: string;
  cmd: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
}

/**
 * Runs a Dockerfile's stages without a container engine: each stage gets its own directory standing in for `/`,
 * COPY copies from the context (or from an earlier stage), RUN runs under `sh -c` in the WORKDIR with the stage's
 * ENV and ARGs as its environment and HOME in the stage (so npm's cache is the image's, as in a container).
 * ARG, ENV, LABEL, USER, WORKDIR and COPY substitute variables as Docker does; a build argument no ARG declares is
 * an error. Base images are not emulated: RUN uses this machine's node, npm and sh, so RUN must use relative paths.
 */
export function emulateBuild(dockerfile: string, context: string, scratch: string, buildArgs: Record<string, string> = {}): EmulatedImage {
  const { args: globalArgs, stages } = parseDockerfile(readFileSync(dockerfile, 'utf8'));
  // Docker only warns about a build argument no ARG declares; here a misspelt one fails the build.
  const declared = new Set([...Object.keys(globalArgs), ...stages.flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'ARG').map((i) => parseArg(i.args)[0]))]);
  const unused = Object.keys(buildArgs).filter((name) => !declared.has(name));
  if (unused.length > 0) throw new Error(`${dockerfile}: build arguments ${unused.join(', ')} are declared by no ARG`);
  const globals = Object.fromEntries(Object.keys(globalArgs).flatMap((name) => {
    const value = buildArgs[name] ?? globalArgs[name];
    return value === undefined ? [] : [[name, value]];
  }));
  const roots = new Map<string, string>();
  let image: EmulatedImage | undefined;
  for (const stage of stages) {
    const root = path.join(scratch, `stage-${stage.name}`);
    mkdirSync(path.join(root, 'root'), { recursive: true });
    roots.set(stage.name, root);
    let workdir = '/';
    const stageArgs: Record<string, string> = {};
    const env: Record<string, string> = {};
    const labels: Record<string, string> = {};
    let user: string | undefined;
    let cmd: string[] = [];
    const variables = () => ({ ...stageArgs, ...env });
    const inStage = (target: string) => path.join(root, path.isAbsolute(target) ? target : path.join(workdir, target));
    for (const { keyword, args: raw } of stage.instructions) {
      // RUN and CMD are left to the shell, as Docker leaves them.
      const args = ['RUN', 'CMD'].includes(keyword) ? raw : expand(raw, variables());
      if (keyword === 'ARG') {
        const [name, value] = parseArg(raw);
        // A value given to the build wins; then the ARG's own default; a bare ARG takes the global default.
        const given = buildArgs[name] ?? (value === undefined ? globals[name] : expand(value, variables()));
        if (given !== undefined) stageArgs[name] = given;
      } else if (keyword === 'WORKDIR') {
        workdir = path.posix.resolve(workdir, args);
        mkdirSync(inStage('.'), { recursive: true });
      } else if (keyword === 'ENV') {
        Object.assign(env, keyValues(args));
      } else if (keyword === 'LABEL') {
        Object.assign(labels, keyValues(args));
      } else if (keyword === 'COPY') {
        const words = args.split(' ');
        const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
        if (words.some((word) => word.startsWith('--'))) throw new Error(`${dockerfile}: COPY ${args}: only --from is supported by the emulator`);
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
        const home = { HOME: path.join(root, 'root'), npm_config_cache: path.join(root, 'root', '.npm') };
        const result = spawnSync('sh', ['-c', args], { cwd: inStage('.'), env: { ...hostEnv(), ...home, ...variables() }, encoding: 'utf8', timeout: 300_000 });
        if (result.status !== 0) throw new Error(`${dockerfile}: RUN ${args}\nexit ${result.status}\n${result.stdout}${result.stderr}`);
      } else if (keyword === 'USER') {
        user = args;
      } else if (keyword === 'CMD') {
        const parsed = JSON.parse(args) as unknown;
        if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) throw new Error(`${dockerfile}: CMD must be in exec form`);
        cmd = parsed;
      } else if (keyword !== 'EXPOSE') {
        throw new Error(`${dockerfile}: ${keyword} is not supported by the emulator`);
      }
    }
    image = { root, base: expand(stage.base, globals), workdir, cmd, env, labels, ...(user === undefined ? {} : { user }) };
  }
  if (image === undefined) throw new Error(`${dockerfile}: no FROM`);
  return image;
}
