import type { ServiceName } from '@megatron/testkit';
import { floodOversized, type FloodResult } from '../abuse/oversized-flood.js';
import { rssMiB, type RssByProcess } from '../rss.js';
import type { RelaySandbox } from './relay-sandbox.js';

export interface AbuseSize {
  requestsPerDoor: number;
  concurrency: number;
}

export interface AbuseRun {
  size: AbuseSize;
  rssIdleMiB: RssByProcess;
  rssPeakMiB: RssByProcess;
  floods: Record<string, FloodResult>;
}

/** Each HTTP door with a path that reads a body when it is let in. */
const DOORS: Array<[ServiceName, string]> = [
  ['interpreter-slack', '/megatron/slack/event/'],
  ['command-core', '/megatron/incoming/'],
  ['command-core', '/megatron.v1.MegatronService/Incoming'],
  ['connection-slack', '/megatron.v1.SlackConnectionService/PostMessage'],
  ['app-notifier', '/megatron.v1.AppNotifierService/RefreshWorkspace'],
];

const readRss = (pids: Record<string, number>): RssByProcess => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)]));

/**
 * Issue 14's door bound as memory: floods of unauthenticated uploads declaring 100 MB (or chunked without a
 * length) against every HTTP door at once, while each service's resident memory is sampled. A door that read
 * before refusing would grow by what it buffered; one that refuses first stays near idle.
 */
export async function abuseRun({ sandbox, pids }: RelaySandbox, size: AbuseSize): Promise<AbuseRun> {
  const rssIdleMiB = readRss(pids);
  const rssPeakMiB: RssByProcess = { ...rssIdleMiB };
  const sampler = setInterval(() => {
    for (const [name, value] of Object.entries(readRss(pids))) {
      if (value !== null && value > (rssPeakMiB[name] ?? 0)) rssPeakMiB[name] = value;
    }
  }, 100);
  try {
    const floods = await Promise.all(
      DOORS.map(async ([service, path]) => {
        const url = new URL(`http://127.0.0.1:${sandbox.ports.services[service].http}${path}`);
        return [`${service} ${path}`, await floodOversized(url, size.requestsPerDoor, size.concurrency, 5_000)] as const;
      }),
    );
    return { size, rssIdleMiB, rssPeakMiB, floods: Object.fromEntries(floods) };
  } finally {
    clearInterval(sampler);
  }
}
