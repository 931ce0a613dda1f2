import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';
import type { Launched } from './chart-launch.js';
import { copyContext, emulateBuild, parseDockerfile, type EmulatedImage } from './dockerfile-emulator.js';
import { IMAGE_WORKSPACES, imageName, imageNameOf, manifestOf, workspaceDependencies } from './images.js';
import { renderChart } from './k8s-tools.js';
import { describeChartLaunch } from './launch-suite.js';
import { podOf } from './pod-specs.js';

const dockerfile = () => path.join(repoRoot(), 'Dockerfile');
const sandboxValues = () => path.join(repoRoot(), 'deploy', 'values', 'sandbox.yaml');

/** Files named like Dockerfiles (Dockerfile, Dockerfile.*, *.Dockerfile) below `folder`, built and installed trees aside. */
function dockerfilesBelow(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', '.git', '.local'].includes(entry.name) ? [] : dockerfilesBelow(full);
    return /^Dockerfile(\..+)?$|\.Dockerfile$/.test(entry.name) ? [path.relative(repoRoot(), full)] : [];
  });
}

/** The workspace folders present in an image's /app. */
function workspaceFoldersIn(app: string): string[] {
  return ['packages', 'services', 'tools', 'examples'].flatMap((parent) =>
    existsSync(path.join(app, parent)) ? readdirSync(path.join(app, parent)).map((entry) => `${parent}/${entry}`) : [],
  );
}

describe('the Dockerfile', () => {
  it('is the only one: every image is built from the root Dockerfile', () => {
    expect(dockerfilesBelow(repoRoot())).toEqual(['Dockerfile']);
  });

  it('builds on node:22 slim in three stages, installs production dependencies only in the runtime stage, and declares no HEALTHCHECK', () => {
    const { args, stages } = parseDockerfile(readFileSync(dockerfile(), 'utf8'));
    expect(args.NODE_IMAGE).toBe('node:22-bookworm-slim');
    expect(stages.map((stage) => [stage.name, stage.base])).toEqual([
      ['workspace', '${NODE_IMAGE}'],
      ['build', '${NODE_IMAGE}'],
      ['runtime', '${NODE_IMAGE}'],
    ]);
    const runtime = stages[2]!;
    expect(runtime.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)).toEqual([
      expect.stringMatching(/^npm ci --omit=dev --workspace "\$WORKSPACE" --include-workspace-root=false .*&& npm cache clean --force$/),
    ]);
    // Kubernetes probes the pods; a HEALTHCHECK would be a second, unchecked copy of them.
    expect(stages.flatMap((stage) => stage.instructions.map((i) => i.keyword))).not.toContain('HEALTHCHECK');
  });
});

let scratch: string;
const images = new Map<string, EmulatedImage>();

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'megatron-images-'));
  // mkdtemp makes it private; the launcher runs the images as the pod's user (1000), who must reach them.
  chmodSync(scratch, 0o755);
  copyContext(repoRoot(), path.join(scratch, 'context'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the images, built by running the Dockerfile once per workspace', () => {
  it.each(IMAGE_WORKSPACES)('%s builds from a context without node_modules or dist into a non-root image of its runtime closure only', (workspace) => {
    const image = emulateBuild(dockerfile(), path.join(scratch, 'context'), path.join(scratch, workspace), { WORKSPACE: workspace });
    expect({ base: image.base, workdir: image.workdir, user: image.user, env: image.env }).toEqual({
      base: 'node:22-bookworm-slim',
      workdir: '/app',
      user: '1000:1000',
      env: { NODE_ENV: 'production', MEGATRON_ENTRY: `${workspace}/dist/main.js` },
    });
    expect(image.labels).toEqual({ 'org.opencontainers.image.title': `megatron ${workspace}`, 'org.opencontainers.image.base.name': 'node:22-bookworm-slim' });

    const app = path.join(image.root, 'app');
    const closure = [workspace, ...workspaceDependencies(workspace)].sort();
    expect(workspaceFoldersIn(app).sort()).toEqual(closure);
    for (const folder of closure) {
      // Its manifest and what it ships (dist; command-core adds its migrations), never its sources.
      const shipped = readdirSync(path.join(app, folder)).filter((entry) => entry !== 'node_modules');
      expect({ folder, shipped: shipped.sort() }).toEqual({ folder, shipped: ['package.json', ...(manifestOf(folder).files ?? ['dist'])].sort() });
    }
    expect(existsSync(path.join(app, workspace, 'dist', 'main.js'))).toBe(true);
    expect(readdirSync(path.join(app, 'node_modules', '@megatron')).sort()).toEqual(closure.map((folder) => manifestOf(folder).name.replace('@megatron/', '')).sort());
    // Only the runtime closure: the root's dev tools and the workspaces' devDependencies never reach the image.
    const devOnly = ['typescript', 'jest', '@swc/core', 'kubernetes-models', ...closure.flatMap((folder) => Object.keys(manifestOf(folder).devDependencies ?? {}))];
    const installed = (name: string) => [app, ...closure.map((folder) => path.join(app, folder))].some((dir) => existsSync(path.join(dir, 'node_modules', name)));
    expect(devOnly.filter(installed)).toEqual([]);
    images.set(imageName(workspace), image);
  }, 120_000);

  it('refuses a build whose WORKSPACE names no workspace folder, or whose ENTRY was not built', () => {
    const build = (name: string, args: Record<string, string>) => () => emulateBuild(dockerfile(), path.join(scratch, 'context'), path.join(scratch, 'refused', name), args);
    expect(build('unset', {})).toThrow(/image-workspace: WORKSPACE must name a workspace folder, one of .*services\/command-core.*; got ""/);
    expect(build('misspelt', { WORKSPCE: 'services/command-core' })).toThrow(/build arguments WORKSPCE are declared by no ARG/);
    expect(build('entry', { WORKSPACE: 'tools/slack-sim', ENTRY: 'dist/server-main.js' })).toThrow(/image-workspace: tools\/slack-sim\/dist\/server-main.js was not built/);
  }, 60_000);

  it("starts by its CMD what the chart's command starts: sh execs node (PID 1 stays node) in /app with the same arguments", () => {
    const commands = new Map(
      renderChart({ valuesFiles: [sandboxValues()] }).flatMap((object) =>
        object.kind === 'Deployment' ? podOf(object)!.spec.containers.map((container) => [imageNameOf(container.image), container.command] as const) : [],
      ),
    );
    // A stand-in for node that prints its PID, working directory and arguments.
    const bin = path.join(scratch, 'stand-in-bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'node'), '#!/bin/sh\nprintf "%s\\n" "$$" "$(pwd)" "$@"\n', { mode: 0o755 });
    for (const workspace of IMAGE_WORKSPACES) {
      const image = images.get(imageName(workspace))!;
      const app = path.join(image.root, 'app');
      const [file, ...args] = image.cmd;
      const run = spawnSync(file!, args, { cwd: app, env: { PATH: `${bin}:${process.env.PATH}`, ...image.env }, encoding: 'utf8' });
      const [node, ...nodeArgs] = commands.get(imageName(workspace)) ?? [];
      expect({ workspace, node, ran: run.stdout.split('\n').slice(0, -1) }).toEqual({ workspace, node: 'node', ran: [String(run.pid), app, ...nodeArgs] });
    }
  });
});

const apiToken = `mt_test_${randomBytes(18).toString('base64url')}`;
const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;

describeChartLaunch('the images run as the sandbox chart describes them, each container from the image it names', () => ({
  valuesFiles: [sandboxValues()],
  // The organization the example bot reports to, bootstrapped by command-core (the sandbox's single tenant).
  values: {
    commandCore: {
      extraEnv: [
        { name: 'BOOTSTRAP_ORGANIZATION_NAME', value: 'Acme' },
        { name: 'BOOTSTRAP_API_TOKEN', value: apiToken },
        { name: 'BOOTSTRAP_WEBHOOK_SECRET', value: webhookSecret },
      ],
    },
  },
  // deploy/README.md: the operator creates the bot's Secret.
  existing: [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'megatron-support-bot' },
      stringData: {
        MEGATRON_API_TOKEN: apiToken,
        MEGATRON_WEBHOOK_SECRET: webhookSecret,
        SUPPORT_BOT_WORKSPACES: JSON.stringify([{ teamId: 'T0GLOBEX', name: 'Globex', domain: 'globex', botToken: 'xoxb-globex', botUserId: 'U0BOT', signingSecret: 'globex-secret' }]),
      },
    },
  ],
  image: (reference) => {
    const image = images.get(imageNameOf(reference));
    if (image === undefined) throw new Error(`${reference}: no image of that name was built`);
    return { appRoot: path.join(image.root, 'app'), env: image.env };
  },
  deployments: IMAGE_WORKSPACES.map((workspace) => path.posix.basename(workspace)),
  // The bot takes SIGTERM only once its workspaces are registered with command-core: that is the proof it reached it.
  settle: async (running: Launched[]) => {
    const bot = running.find((launched) => launched.plan.component === 'support-bot')!;
    const deadline = Date.now() + 30_000;
    while (!bot.output().includes('workspaces registered with Megatron')) {
      if (bot.exit || Date.now() > deadline) throw new Error(`the support bot did not register its workspaces\n${bot.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  },
}));
