import { readFileSync } from 'node:fs';

/** Resident memory of a process in MiB, from /proc/<pid>/status (VmRSS); null once it is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export type RssByProcess = Record<string, number | null>;

export function rssOf(pids: Readonly<Record<string, number>>): RssByProcess {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)]));
}

/** Samples every process's RSS until stopped and keeps each one's peak. */
export function peakRss(pids: Readonly<Record<string, number>>, everyMs = 250): { stop(): RssByProcess } {
  const peak: RssByProcess = rssOf(pids);
  const timer = setInterval(() => {
    for (const [name, value] of Object.entries(rssOf(pids))) {
      const before = peak[name];
      if (value !== null && (before === null || before === undefined || value > before)) peak[name] = value;
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
