import type { SimChange } from '../../src/change-feed.js';

export interface LiveHandlers {
  /** A batch of changes, at most one call per BATCH_MS however busy the simulator is. */
  onChanges(changes: SimChange[]): void;
  /** The stream came back after a break: anything may have changed meanwhile. */
  onReconnect(): void;
  onStatus(connected: boolean): void;
}

// Short enough to stay well inside the one second a watcher expects, long enough that a burst of events (a history
// import posts dozens of messages) becomes one re-read.
const BATCH_MS = 40;

/** Follows `GET /_sim/stream` (server-sent events; the browser reconnects by itself). Returns the stop function. */
export function followChanges(handlers: LiveHandlers): () => void {
  const source = new EventSource('/_sim/stream');
  let pending: SimChange[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let broken = false;
  source.onmessage = (event: MessageEvent<string>) => {
    pending.push(JSON.parse(event.data) as SimChange);
    timer ??= setTimeout(() => {
      const batch = pending;
      pending = [];
      timer = undefined;
      handlers.onChanges(batch);
    }, BATCH_MS);
  };
  source.onopen = () => {
    handlers.onStatus(true);
    if (broken) handlers.onReconnect();
    broken = false;
  };
  source.onerror = () => {
    broken = true;
    handlers.onStatus(false);
  };
  return () => {
    if (timer) clearTimeout(timer);
    source.close();
  };
}
