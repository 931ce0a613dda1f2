/**
 * Settles with `work`, or rejects with `onTimeout()` once `ms` have passed; the timer never outlives
 * the race. The work itself is not cancelled: callers that can abort pass a signal to it instead.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
