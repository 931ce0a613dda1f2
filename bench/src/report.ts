import type { BroadcastRun } from './broadcast/broadcast-run.js';
import type { Machine } from './machine.js';
import type { RelayRun } from './relay/relay-run.js';
import type { RssByProcess } from './rss.js';
import type { DeliveryFaults } from './delivery-check.js';
import type { Measured, PairRatios, RelayComparison } from './scenarios/relay-bench.js';
import type { AbuseRun } from './scenarios/abuse-bench.js';
import type { HolbRun } from './scenarios/holb-bench.js';
import type { MemoryPoint } from './scenarios/memory-bench.js';
import type { ScalingPoint } from './scenarios/scaling-bench.js';

export interface BenchResults {
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  relay: Measured<RelayComparison>;
  broadcast: Measured<BroadcastRun>;
  scaling: ScalingPoint[];
  abuse: Measured<AbuseRun>;
  holb: Measured<HolbRun>;
  memory: Measured<MemoryPoint>;
}

export type Verdict = 'met' | 'NOT MET' | 'not measured';

export interface Row {
  section: string;
  metric: string;
  value: string;
  target: string;
  verdict: Verdict | '';
}

const fixed = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));
const verdict = (ok: boolean | null): Verdict => (ok === null ? 'not measured' : ok ? 'met' : 'NOT MET');
const cleanFaults = (faults: DeliveryFaults) => faults.orderViolations === 0 && faults.duplicates === 0 && faults.missing === 0;
const faultsText = (faults: DeliveryFaults) => `${faults.orderViolations} / ${faults.duplicates} / ${faults.missing}`;
const faultsOf = (run: RelayRun) => faultsText(run.faults);
const cleanRun = (run: RelayRun) => cleanFaults(run.faults);
const perProcess = (values: Record<string, number | null>, digits = 0) =>
  Object.entries(values)
    .map(([name, value]) => `${name} ${fixed(value, digits)}`)
    .join(', ');
const rss = (values: Record<string, number | null>) => perProcess(values);

function relayRows(relay: Measured<RelayComparison>): Row[] {
  if (!relay.measured) return [{ section: 'relay', metric: 'relay benchmark', value: relay.reason, target: '', verdict: 'not measured' }];
  const { baseline, megatron, ratios, rounds, faults, pacedRatePerSecond, size } = relay.value;
  const pairs = size.rounds > 1 ? ' (median pair)' : '';
  const rows: Row[] = [
    {
      section: 'relay',
      metric: 'size',
      value: `${size.channels} channels × ${size.messagesPerChannel} messages, ${size.concurrency} posts in flight; ${size.rounds} baseline/Megatron pair(s) per load`,
      target: '',
      verdict: '',
    },
    { section: 'baseline', metric: `throughput (msg/s, saturated)${pairs}`, value: fixed(baseline.saturated.messagesPerSecond), target: '', verdict: '' },
    { section: 'baseline', metric: `e2e p50 / p99 ms (paced ${pacedRatePerSecond}/s)${pairs}`, value: `${fixed(baseline.paced.endToEndMs?.p50, 0)} / ${fixed(baseline.paced.endToEndMs?.p99, 0)}`, target: '', verdict: '' },
    { section: 'baseline', metric: 'ack p99 ms paced / saturated', value: `${fixed(baseline.paced.ackMs?.p99)} / ${fixed(baseline.saturated.ackMs?.p99)}`, target: '', verdict: '' },
    { section: 'baseline', metric: `CPU ms per message (saturated)${pairs}`, value: perProcess(baseline.saturated.cpuMsPerMessage, 2), target: '', verdict: '' },
    { section: 'baseline', metric: 'order violations / duplicates / missing (every run)', value: faultsText(faults.baseline), target: '0 / 0 / 0', verdict: verdict(cleanFaults(faults.baseline)) },
  ];
  if (!megatron.measured) {
    rows.push({ section: 'megatron', metric: 'relay', value: megatron.reason, target: '', verdict: 'not measured' });
  } else {
    const { saturated, paced } = megatron.value;
    rows.push(
      { section: 'megatron', metric: `throughput (msg/s, saturated)${pairs}`, value: fixed(saturated.messagesPerSecond), target: '', verdict: '' },
      { section: 'megatron', metric: `e2e p50 / p99 ms (paced ${pacedRatePerSecond}/s)${pairs}`, value: `${fixed(paced.endToEndMs?.p50, 0)} / ${fixed(paced.endToEndMs?.p99, 0)}`, target: '', verdict: '' },
      {
        section: 'megatron',
        metric: `stages p50 / p99 ms (paced): Slack→JetStream, JetStream→DM`,
        value: paced.stages ? `${fixed(paced.stages.ingressMs.p50, 0)} / ${fixed(paced.stages.ingressMs.p99, 0)}, ${fixed(paced.stages.coreMs.p50, 0)} / ${fixed(paced.stages.coreMs.p99, 0)}` : 'n/a',
        target: '',
        verdict: '',
      },
      { section: 'megatron', metric: 'e2e p99 ms (saturated)', value: fixed(saturated.endToEndMs?.p99, 0), target: '', verdict: '' },
      { section: 'megatron', metric: 'Slack ack p99 ms paced / saturated', value: `${fixed(paced.ackMs?.p99)} / ${fixed(saturated.ackMs?.p99)}`, target: '< 50 (paced)', verdict: verdict(paced.ackMs ? paced.ackMs.p99 < 50 : null) },
      { section: 'megatron', metric: `CPU ms per message (saturated)${pairs}`, value: perProcess(saturated.cpuMsPerMessage, 2), target: '', verdict: '' },
      { section: 'megatron', metric: 'failed or retried acks (every run)', value: String(faults.megatronFailedAcks), target: '0', verdict: verdict(faults.megatronFailedAcks === 0) },
      { section: 'megatron', metric: 'order violations / duplicates / missing (every run)', value: faultsText(faults.megatron), target: '0 / 0 / 0', verdict: verdict(cleanFaults(faults.megatron)) },
      { section: 'megatron', metric: 'peak RSS MiB under load', value: rss(saturated.rssPeakMiB), target: '', verdict: '' },
    );
  }
  const each = (pick: (round: PairRatios) => number | null) => (rounds.length > 1 ? ` (pairs: ${rounds.map((round) => fixed(pick(round), 2)).join(', ')})` : '');
  const ratioRow = (metric: string, pick: (round: PairRatios) => number | null, target: string, ok: ((value: number) => boolean) | undefined): Row => {
    const value = pick(ratios);
    return { section: 'ratio', metric, value: `${fixed(value, 2)}${each(pick)}`, target, verdict: ok ? verdict(value === null ? null : ok(value)) : '' };
  };
  rows.push(
    ratioRow('throughput Megatron ÷ baseline', (r) => r.throughput, '≥ 0.5', (value) => value >= 0.5),
    ratioRow('e2e p99 Megatron ÷ baseline (paced)', (r) => r.p99, '≤ 2', (value) => value <= 2),
    ratioRow('e2e p50 Megatron ÷ baseline (paced)', (r) => r.p50, '', undefined),
    ratioRow('service CPU per message Megatron ÷ baseline (saturated)', (r) => r.cpu, '≤ 2.5', (value) => value <= 2.5),
  );
  return rows;
}

function broadcastRows(broadcast: Measured<BroadcastRun>): Row[] {
  if (!broadcast.measured) return [{ section: 'broadcast', metric: 'rate-limited broadcast', value: broadcast.reason, target: '', verdict: 'not measured' }];
  const run = broadcast.value;
  const faults = run.channelFaults;
  return [
    {
      section: 'broadcast',
      metric: 'work',
      value: `${run.work.users} DMs + ${run.work.channels} channels × ${run.work.messagesPerChannel} posts; conversations.open ${run.limits.perMinute?.[3] ?? 50}/min, postMessage ${run.limits.postMessagePerSecond ?? 1}/s per channel`,
      target: '',
      verdict: '',
    },
    { section: 'broadcast', metric: 'completion ÷ theoretical minimum', value: `${fixed(run.ratio, 3)} (${fixed(run.completionMs / 1000)} s ÷ ${fixed(run.theoreticalMinimumMs / 1000)} s)`, target: '≤ 1.15', verdict: verdict(run.ratio <= 1.15) },
    { section: 'broadcast', metric: '429s seen by connection-slack', value: String(run.rateLimited429), target: '', verdict: '' },
    { section: 'broadcast', metric: 'lost messages', value: String(run.lost), target: '0', verdict: verdict(run.lost === 0) },
    { section: 'broadcast', metric: 'order violations / duplicates', value: `${faults.orderViolations} / ${faults.duplicates}`, target: '0 / 0', verdict: verdict(faults.orderViolations === 0 && faults.duplicates === 0) },
  ];
}

function scalingRows(points: ScalingPoint[]): Row[] {
  return points.map((point) => {
    const label = `${point.replicas} replica(s), ${point.channels} channels × ${point.messagesPerChannel}, ${point.partitions} partitions`;
    if (!point.result.measured) return { section: 'scaling', metric: label, value: point.result.reason, target: '', verdict: 'not measured' as const };
    const value = point.result.value;
    return {
      section: 'scaling',
      metric: label,
      value: `${fixed(value.messagesPerSecond)} msg/s, p99 ${fixed(value.p99Ms, 0)} ms; RSS MiB idle: ${rss(value.rssIdleMiB)}; peak: ${rss(value.rssPeakMiB)}`,
      target: 'faults 0',
      verdict: verdict(value.faults === 0),
    };
  });
}

/** A door that refuses before reading holds no upload in memory: growth under the flood stays small. */
const ABUSE_GROWTH_TARGET_MIB = 64;

function abuseRows(abuse: Measured<AbuseRun>): Row[] {
  if (!abuse.measured) return [{ section: 'abuse', metric: 'oversized-request flood', value: abuse.reason, target: '', verdict: 'not measured' }];
  const { size, rssIdleMiB, rssPeakMiB, floods } = abuse.value;
  const growth = Object.fromEntries(Object.entries(rssPeakMiB).map(([name, peak]) => [name, peak === null || rssIdleMiB[name] == null ? null : peak - (rssIdleMiB[name] ?? 0)]));
  const worst = Math.max(...Object.values(growth).map((value) => value ?? Number.POSITIVE_INFINITY));
  const pushed = Object.values(floods).reduce((sum, flood) => sum + flood.bytesPushed, 0);
  const requests = Object.values(floods).reduce((sum, flood) => sum + flood.requests, 0);
  const answered = Object.values(floods).reduce((sum, flood) => sum + flood.answered, 0);
  return [
    { section: 'abuse', metric: 'flood', value: `${size.requestsPerDoor} unauthenticated 100 MB uploads per door (half chunked), ${size.concurrency} at a time, ${Object.keys(floods).length} doors`, target: '', verdict: '' },
    { section: 'abuse', metric: 'refused with an answer / sent', value: `${answered} / ${requests}; ${fixed(pushed / 1024 / 1024 / Math.max(1, requests), 2)} MiB pushed per upload`, target: '', verdict: '' },
    { section: 'abuse', metric: 'RSS MiB idle → peak', value: Object.keys(rssPeakMiB).map((name) => `${name} ${fixed(rssIdleMiB[name], 0)} → ${fixed(rssPeakMiB[name], 0)}`).join(', '), target: `growth ≤ ${ABUSE_GROWTH_TARGET_MIB}`, verdict: verdict(Number.isFinite(worst) ? worst <= ABUSE_GROWTH_TARGET_MIB : null) },
  ];
}

/** Another organization's slow app may cost B at most this much p99 latency (off-lane opens). */
const HOLB_P99_RATIO_TARGET = 1.5;

function holbRows(holb: Measured<HolbRun>): Row[] {
  if (!holb.measured) return [{ section: 'holb', metric: 'head-of-line blocking across organizations', value: holb.reason, target: '', verdict: 'not measured' }];
  const { size, alone, contended, p99Ratio, opens } = holb.value;
  const e2e = (run: RelayRun) => `${fixed(run.endToEndMs?.p50, 0)} / ${fixed(run.endToEndMs?.p99, 0)}`;
  return [
    {
      section: 'holb',
      metric: 'load',
      value: `B: ${size.channels} channels × ${size.messagesPerChannel} at ${size.ratePerSecond}/s; A: ${size.opensInFlight} /megatron open in flight, app search ${fixed(size.searchDelayMs / 1000, 0)} s`,
      target: '',
      verdict: '',
    },
    {
      section: 'holb',
      metric: 'A: opens answered / typed, answer p50 / p99 ms',
      value: `${opens.completed} / ${opens.started} (${opens.unanswered} unanswered), ${fixed(opens.answerMs?.p50, 0)} / ${fixed(opens.answerMs?.p99, 0)}; ${opens.searchesAnswered} slow searches`,
      target: '',
      verdict: '',
    },
    { section: 'holb', metric: 'B: e2e p50 / p99 ms (paced), A idle → A opening', value: `${e2e(alone)} → ${e2e(contended)}`, target: '', verdict: '' },
    { section: 'holb', metric: "B: e2e p99 with A's load ÷ without", value: fixed(p99Ratio, 2), target: `≤ ${HOLB_P99_RATIO_TARGET}`, verdict: verdict(p99Ratio === null ? null : p99Ratio <= HOLB_P99_RATIO_TARGET) },
    {
      section: 'holb',
      metric: 'B: order violations / duplicates / missing',
      value: `${faultsOf(contended)} (A idle: ${faultsOf(alone)})`,
      target: '0 / 0 / 0',
      verdict: verdict(cleanRun(contended) && cleanRun(alone)),
    },
  ];
}

/** Idle resident memory per service process with every engagement channel open. */
const MEMORY_TARGET_MIB = 150;

function memoryRows(memory: Measured<MemoryPoint>): Row[] {
  if (!memory.measured) return [{ section: 'memory', metric: 'open engagement channels', value: memory.reason, target: '', verdict: 'not measured' }];
  const point = memory.value;
  const within = (values: RssByProcess) => {
    const known = Object.values(values).filter((value): value is number => value !== null);
    return known.length === 0 ? null : Math.max(...known) <= MEMORY_TARGET_MIB;
  };
  return [
    {
      section: 'memory',
      metric: 'channels open',
      value: `${point.size.channels} in ${fixed(point.openSeconds.sample + point.openSeconds.rest, 0)} s (${point.size.sampleChannels} with a help request and a pause in ${fixed(point.openSeconds.sample, 0)} s, the rest ${point.size.openConcurrency} at a time); then those ${point.size.sampleChannels} × ${point.size.messagesPerChannel} messages, ${point.delivered} / ${point.sent} delivered, faults ${point.faults}`,
      target: '',
      verdict: '',
    },
    { section: 'memory', metric: 'RSS MiB idle, all channels open', value: rss(point.rssIdleMiB), target: `≤ ${MEMORY_TARGET_MIB} each`, verdict: verdict(within(point.rssIdleMiB)) },
    { section: 'memory', metric: 'V8 heap in use MiB, same moment', value: rss(point.heapIdleMiB), target: '', verdict: '' },
    { section: 'memory', metric: 'RSS MiB peak while relaying', value: rss(point.rssPeakMiB), target: '', verdict: '' },
    { section: 'memory', metric: 'RSS MiB idle after the relay', value: rss(point.rssAfterLoadMiB), target: `≤ ${MEMORY_TARGET_MIB} each`, verdict: verdict(within(point.rssAfterLoadMiB)) },
  ];
}

export function resultRows(results: BenchResults): Row[] {
  return [
    ...relayRows(results.relay),
    ...broadcastRows(results.broadcast),
    ...scalingRows(results.scaling),
    ...abuseRows(results.abuse),
    ...holbRows(results.holb),
    ...memoryRows(results.memory),
  ];
}

/** A Markdown table, readable in a terminal and pasteable into bench/README.md. */
export function renderTable(rows: Row[]): string {
  const header = ['section', 'metric', 'value', 'target', 'verdict'];
  const cells = rows.map((row) => [row.section, row.metric, row.value, row.target, row.verdict].map((cell) => cell.replace(/\|/g, '\\|')));
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...cells.map((line) => `| ${line.join(' | ')} |`)].join('\n');
}
