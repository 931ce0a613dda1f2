import { SimControl } from '../../src/control-client.js';

/** The simulator's control API, from the origin that served this page: the UI is one more client of it. */
export const sim = new SimControl(window.location.origin);

/** What a failed control call says, for a toast. */
export function problemOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
