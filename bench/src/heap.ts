import type { Sandbox } from '@megatron/sandbox';

export type HeapByService = Record<string, number | null>;

/**
 * V8 heap in use per service in MiB, from each one's Prometheus `nodejs_heap_size_used_bytes`: set beside RSS,
 * it tells live objects (state that grows) from memory the process keeps after it was freed.
 */
export async function heapUsedOf(sandbox: Sandbox): Promise<HeapByService> {
  const entries = await Promise.all(
    [...sandbox.services].map(async ([name, service]) => {
      try {
        const text = await (await fetch(`${service.httpUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
        const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/m.exec(text);
        return [name, match ? Number(match[1]) / 1024 / 1024 : null] as const;
      } catch {
        return [name, null] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
