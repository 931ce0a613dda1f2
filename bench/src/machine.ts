import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeH: string;
  node: string;
  platform: string;
  /** 1-, 5- and 15-minute load averages when the run ended: other work on the box shows here. */
  loadAverage: number[];
}

/** What `nproc`, `free -h` and `node --version` would say, recorded beside every result. */
export function describeMachine(): Machine {
  let freeH = '';
  try {
    freeH = execFileSync('free', ['-h'], { encoding: 'utf8' }).trim();
  } catch {
    freeH = 'free(1) not available';
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    freeH,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}
