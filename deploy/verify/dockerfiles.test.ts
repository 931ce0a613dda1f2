import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, natsNamespace, repoRoot, type TestDatabase } from '@megatron/testkit';
import { launch, planLaunch, stopLikeKubelet, waitUntilReady, type Launched } from './chart-launch.js';
import { copyContext, emulateBuild, parseDockerfile, type EmulatedImage } from './dockerfile-emulator.js';
import { renderChart } from './k8s-tools.js';

const IMAGES = ['services/interpreter-slack', 'services/command-core', 'services/connection-slack', 'services/app-notifier', 'tools/slack-sim', 'examples/support-bot'];
const SERVICES = IMAGES.filter((workspace) => workspace.startsWith('services/'));

/** Workspace folders (packages/…) a workspace needs at run time, following @megatron/* dependencies. */
function workspaceDependencies(workspace: string): string[] {
  const root = repoRoot();
  const folders = new Map<string, string>();
  for (const parent of ['packages', 'services', 'tools', 'examples']) {
    for (const entry of readdirSync(path.join(root, parent))) {
      const manifest = path.join(root, parent, entry, 'package.json');
      if (existsSync(manifest)) folders.set((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name, `${parent}/${entry}`);
    }
  }
  const found = new Set<string>();
  const visit = (folder: string) => {
    const manifest = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies ?? {})) {
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

/** The Dockerfile with its workspace and package lines abstracted, to show all follow one template. */
function shape(workspace: string): string {
  return readFileSync(path.join(repoRoot(), workspace, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((line) => !/^COPY (--from=build \/app\/)?packages\//.test(line) && !/^EXPOSE /.test(line))
    .filter((line) => !(workspace === 'services/command-core' && line.includes('/migrations')))
    .join('\n')
    .replaceAll(workspace, '<workspace>');
}

describe('the Dockerfiles', () => {
  it.each(IMAGES)('%s: two stages, its workspace dependencies only, non-root, node as PID 1', (workspace) => {
    const { stages } = parseDockerfile(readFileSync(path.join(repoRoot(), workspace, 'Dockerfile'), 'utf8'));
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    const [build, runtime] = stages as [(typeof stages)[0], (typeof stages)[0]];
    const copied = (stage: typeof build) => stage.instructions.filter((i) => i.keyword === 'COPY' && i.args.endsWith('/package.json ' + i.args.split(' ').at(-1)));
    for (const dependency of workspaceDependencies(workspace)) {
      for (const stage of [build, runtime]) expect(copied(stage).map((i) => i.args)).toContain(`${dependency}/package.json ${dependency}/`);
      expect(runtime.instructions.map((i) => i.args)).toContain(`--from=build /app/${dependency}/dist ${dependency}/dist`);
    }
    expect(runtime.instructions.find((i) => i.keyword === 'RUN')?.args).toMatch(new RegExp(`^npm ci --omit=dev --workspace ${workspace} --include-workspace-root=false `));
    expect(runtime.instructions.find((i) => i.keyword === 'USER')?.args).toBe('1000:1000');
    expect(JSON.parse(runtime.instructions.find((i) => i.keyword === 'CMD')!.args)).toEqual(['node', '--enable-source-maps', `${workspace}/dist/main.js`]);
  });

  it('all follow the same template', () => {
    const template = shape(IMAGES[0]!);
    for (const workspace of IMAGES) expect(shape(workspace)).toBe(template);
  });
});

describe('the service images, built by running their Dockerfile steps and started as the chart describes', () => {
  let scratch: string;
  let database: TestDatabase;
  const images = new Map<string, EmulatedImage>();
  const running: Launched[] = [];

  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'megatron-images-'));
    copyContext(repoRoot(), path.join(scratch, 'context'));
  });

  afterAll(async () => {
    await Promise.all(running.map((launched) => (launched.exit ? undefined : (launched.child.kill('SIGKILL'), launched.exited))));
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each(SERVICES)('%s builds from a context without node_modules or dist', (workspace) => {
    const image = emulateBuild(path.join(repoRoot(), workspace, 'Dockerfile'), path.join(scratch, 'context'), path.join(scratch, workspace));
    expect(image.workdir).toBe('/app');
    expect(existsSync(path.join(image.root, 'app', image.cmd[2]!))).toBe(true);
    // Only the runtime closure: the root's dev tools never reach the image.
    for (const devOnly of ['typescript', 'jest', '@swc/core', 'kubernetes-models']) {
      expect(existsSync(path.join(image.root, 'app', 'node_modules', devOnly))).toBe(false);
    }
    images.set(workspace.replace('services/', ''), image);
  }, 120_000);

  it('runs every image ready under the chart and stops it cleanly on SIGTERM', async () => {
    expect([...images.keys()].sort()).toEqual(SERVICES.map((workspace) => workspace.replace('services/', '')).sort());
    database = await createTestDatabase();
    const env = (name: string) => process.env[name] ?? '';
    const objects = renderChart({
      values: {
        config: { natsUrl: env('NATS_URL'), natsNamespace: natsNamespace(), logLevel: 'warn' },
        secrets: {
          existingSecret: '',
          databaseUrl: database.url,
          redisUrl: env('REDIS_URL'),
          tokenEncryptionKey: randomBytes(32).toString('base64'),
          slackSigningSecret: 'signing-secret',
        },
      },
    });
    const plans = await planLaunch(objects, { namespace: 'megatron', appRoot: (component) => path.join(images.get(component)!.root, 'app') });
    running.push(...plans.map(launch));
    await Promise.all(running.map((launched) => waitUntilReady(launched, 45_000)));
    const exits = await Promise.all(running.map(stopLikeKubelet));
    expect(exits).toEqual(running.map(() => ({ code: 0, signal: null })));
  }, 90_000);
});
