import { readFileSync } from 'node:fs';

// USER_HZ is 100 on every Linux this runs on (getconf CLK_TCK); /proc reports CPU time in those ticks.
const TICK_MS = 10;

/** CPU time (user + system) a process has used so far, in ms; null once it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

export type CpuByProcess = Record<string, number | null>;

/** The bench's own process in a CpuByProcess: the simulator, the load and the example support bot. */
export const BENCH_PROCESS = 'bench (simulator + load)';

/** CPU of every measured process but the bench's own, added up; null when one of them was not measured. */
export function servicesCpu(cpu: CpuByProcess): number | null {
  let total = 0;
  for (const [name, value] of Object.entries(cpu)) {
    if (name === BENCH_PROCESS) continue;
    if (value === null) return null;
    total += value;
  }
  return total;
}

/** Starts counting CPU time of each process (and this one, as `bench`); `stop` returns ms used since. */
export function cpuMeter(pids: Readonly<Record<string, number>>): { stop(): CpuByProcess } {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const ownBefore = process.cpuUsage();
  return {
    stop() {
      const used: CpuByProcess = {};
      for (const [name, pid] of Object.entries(pids)) {
        const start = before[name];
        const end = cpuMs(pid);
        used[name] = start === null || start === undefined || end === null ? null : end - start;
      }
      const own = process.cpuUsage(ownBefore);
      used[BENCH_PROCESS] = Math.round((own.user + own.system) / 1000);
      return used;
    },
  };
}
