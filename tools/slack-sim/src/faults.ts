import type { SimState } from './state.js';
import type { SimFault } from './types.js';

/** Takes the first armed fault matching this request, counting it down. */
export function takeFault(state: SimState, method: string, token: string | undefined, channel: string | undefined):
SimFault | undefined {
  const index = state.faults.findIndex((f) => (f.method === undefined || f.method === method)
    && (f.token === undefined || f.token === token) && (f.channel === undefined || f.channel === channel));
  const fault = state.faults[index];
  if (!fault) return undefined;
  fault.remaining -= 1;
  if (fault.remaining <= 0) state.faults.splice(index, 1);
  return fault;
}
