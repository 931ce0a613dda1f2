import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port.js';
import { repoRoot } from './repo-root.js';
import { waitFor } from './wait-for.js';

/**
 * The node flags a service runs with: source maps, and V8's heap bounds and main-thread-only garbage collection as the chart's `nodeHeap` defaults and the
 * Dockerfile's CMD set them (deploy/verify checks all three agree), so tests and the bench measure what ships.
 */
export const SERVICE_NODE_FLAGS = ['--enable-source-maps', '--max-old-space-size=128', '--max-semi-space-size=8', '--single-threaded-gc'] as const;

export const SERVICE_NAMES = ['interpreter-slack', 'command-core', 'connection-slack', 'app-notifier'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  name: string;
  pid: number;
  httpUrl: string;
  grpcUrl?: string;
  /** command-core's internal gRPC port (TenantSettingsService); the other services' gRPC port is internal already. */
  internalGrpcUrl: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<ServiceExit>;
  kill(): Promise<void>;
}

export interface StartServiceOptions {
  /** Default true: resolve only once GET /readyz answers 200. */
  waitReady?: boolean;
  timeoutMs?: number;
  /** Script to run instead of services/<name>/dist/main.js (for testing the kit itself). */
  entry?: string;
  /** How long stop() waits after its signal before it sends SIGKILL. */
  stopTimeoutMs?: number;
  /** Also hands every chunk of output here (the sandbox shows service logs live). */
  onOutput?: (chunk: string) => void;
}

// Keeps a chatty service from growing the test's memory without bound; the tail is what explains a failure.
const MAX_OUTPUT_CHARS = 1_000_000;

async function portFrom(env: Record<string, string>, key: string): Promise<string> {
  const given = env[key];
  if (given === undefined) return String(await freePort());
  if (!/^\d+$/.test(given) || Number(given) < 1 || Number(given) > 65_535) {
    throw new Error(`startService: ${key} must be a port number, got ${JSON.stringify(given)}`);
  }
  return given;
}

async function isReady(httpUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${httpUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Spawns `node <SERVICE_NODE_FLAGS> services/<name>/dist/main.js` from the repo root with process.env + env and
 * free HTTP_PORT/GRPC_PORT/INTERNAL_GRPC_PORT unless given. Registers nothing global: the caller stops it (usually in afterAll).
 */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  opts: StartServiceOptions = {},
): Promise<ServiceProcess> {
  if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`startService: unknown service ${JSON.stringify(name)}; expected one of ${SERVICE_NAMES.join(', ')}`);
  }
  const { waitReady = true, timeoutMs = 20_000, stopTimeoutMs = 10_000 } = opts;
  const root = repoRoot();
  const entry = opts.entry ?? path.join(root, 'services', name, 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`startService: ${entry} does not exist; build first (npm run build)`);
  }
  const httpPort = await portFrom(env, 'HTTP_PORT');
  const grpcPort = await portFrom(env, 'GRPC_PORT');
  const internalGrpcPort = await portFrom(env, 'INTERNAL_GRPC_PORT');

  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, entry], {
    cwd: root,
    env: { ...process.env, ...env, HTTP_PORT: httpPort, GRPC_PORT: grpcPort, INTERNAL_GRPC_PORT: internalGrpcPort },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`startService: cannot spawn ${name}: ${error.message}`, { cause: error });
  }
  const pid = child.pid;

  let output = '';
  const append = (chunk: Buffer) => {
    opts.onOutput?.(chunk.toString('utf8'));
    output += chunk.toString('utf8');
    if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  let exit: ServiceExit | undefined;
  const exited = new Promise<ServiceExit>((resolve) => {
    // 'close' rather than 'exit': by then stdout and stderr are drained, so output() holds the last words.
    child.once('close', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<ServiceExit> => {
    if (exit !== undefined) return exit;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const service: ServiceProcess = {
    name,
    pid,
    httpUrl,
    grpcUrl: `http://127.0.0.1:${grpcPort}`,
    internalGrpcUrl: `http://127.0.0.1:${internalGrpcPort}`,
    output: () => output,
    stop,
    kill: async () => {
      await stop('SIGKILL');
    },
  };

  if (waitReady) {
    const died = new AbortController();
    void exited.then(({ code, signal }) => died.abort(new Error(`${name} exited during start-up: code ${code}, signal ${signal}`)));
    try {
      await waitFor(() => isReady(httpUrl), {
        timeoutMs,
        intervalMs: 100,
        what: `${name} to answer 200 on ${httpUrl}/readyz`,
        signal: died.signal,
      });
    } catch (error) {
      await service.kill();
      throw new Error(`startService: ${(error as Error).message}\n--- ${name} output ---\n${output}`, { cause: error });
    }
  }
  return service;
}
