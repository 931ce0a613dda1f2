import { createServer } from 'node:net';

/**
 * Ports handed out below Linux's ephemeral range (32768–60999 by default): a port taken from that range could be
 * given to some process's outgoing connection between the choice and the service's listen (EADDRINUSE at start).
 */
const RANGE_FIRST = 20_000;
const RANGE_LAST = 32_767;
/**
 * Jest's workers are separate processes that each check a port is free before any service binds it: two of them
 * could pick the same one (a sandbox picks a dozen; it happened in a CI run). Each worker picks from a slice of its own.
 */
const SLICES = 8;
const [FIRST, LAST] = portSlice(Number(process.env.JEST_WORKER_ID));
const ATTEMPTS = 100;
/** A port handed out is not handed out again by this process for this long: a sandbox picks a dozen before binding any. */
const HANDED_OUT_MS = 10 * 60_000;
const handedOut = new Map<number, number>();

/** A TCP port nobody listens on right now (on any address, as the services bind), chosen at random. */
export async function freePort(): Promise<number> {
  const now = Date.now();
  for (const [port, at] of handedOut) if (now - at > HANDED_OUT_MS) handedOut.delete(port);
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1));
    if (handedOut.has(port)) continue;
    handedOut.set(port, now);
    if (await bindable(port)) return port;
  }
  throw new Error(`freePort: no free port between ${FIRST} and ${LAST} after ${ATTEMPTS} tries`);
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** The ports of Jest worker `worker` (1, 2, …), or the whole range outside Jest. */
export function portSlice(worker: number): [number, number] {
  if (!Number.isInteger(worker) || worker < 1) return [RANGE_FIRST, RANGE_LAST];
  const size = Math.floor((RANGE_LAST - RANGE_FIRST + 1) / SLICES);
  const first = RANGE_FIRST + ((worker - 1) % SLICES) * size;
  return [first, first + size - 1];
}
