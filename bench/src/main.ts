import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@megatron/testkit';
import { broadcastRun } from './broadcast/broadcast-run.js';
import { parseBenchArgs, type BenchArgs, type Section } from './cli-args.js';
import { describeMachine } from './machine.js';
import { PLANS } from './plan.js';
import { renderTable, resultRows, type BenchResults } from './report.js';
import { abuseRun } from './scenarios/abuse-bench.js';
import { holbRun } from './scenarios/holb-bench.js';
import { memoryPoint } from './scenarios/memory-bench.js';
import { compareRelays } from './scenarios/relay-bench.js';
import { withRelaySandbox } from './scenarios/relay-sandbox.js';
import { DEFAULT_PARTITIONS, scalingPoint, type ScalingPoint } from './scenarios/scaling-bench.js';

// `npm run bench [-- --quick] [--only=…]`: relay vs baseline, rate-limited broadcast, scaling, oversized requests,
// head-of-line blocking across organizations, memory with many open channels; a table on
// stdout and the full numbers in bench/results/latest.json.
let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(2);
}
const runs = (section: Section) => args.sections.includes(section);
const skipped = { measured: false as const, reason: 'not run (--only)' };
const plan = PLANS[args.mode];
const runId = randomBytes(3).toString('hex');
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const failed = (error: unknown) => ({ measured: false as const, reason: `failed: ${error instanceof Error ? error.message : String(error)}` });
const startedAt = new Date().toISOString();

log(`${plan.mode} run ${runId}`);
const relay: BenchResults['relay'] = runs('relay')
  ? await withRelaySandbox({}, async (relaySandbox) => ({ measured: true as const, value: await compareRelays(relaySandbox, plan.relay, `${runId}r`) })).catch(failed)
  : skipped;
if (runs('relay')) log('relay vs baseline done');

const broadcast: BenchResults['broadcast'] = runs('broadcast')
  ? await broadcastRun(plan.broadcast.work, plan.broadcast.limits, `${runId}b`)
      .then((value) => ({ measured: true as const, value }))
      .catch(failed)
  : skipped;
if (runs('broadcast')) log('rate-limited broadcast done');

const scaling: ScalingPoint[] = [];
const megatronReason = relay.measured && !relay.value.megatron.measured ? relay.value.megatron.reason : undefined;
const points = !runs('scaling') ? [] : [
  ...plan.scaling.replicas.map((replicas) => ({ replicas, channels: plan.scaling.channels[0] as number, partitions: DEFAULT_PARTITIONS })),
  ...plan.scaling.channels.slice(1).map((channels) => ({ replicas: 1, channels, partitions: DEFAULT_PARTITIONS })),
  ...plan.scaling.partitions.map((extra) => ({ replicas: 1, ...extra })),
];
for (const [index, point] of points.entries()) {
  if (megatronReason) {
    // Same pipeline, same missing piece: starting more sandboxes would only repeat the reason.
    scaling.push({ ...point, messagesPerChannel: Math.max(2, Math.ceil(plan.scaling.totalMessages / point.channels)), result: { measured: false, reason: megatronReason } });
    continue;
  }
  log(`scaling: ${point.replicas} replica(s), ${point.channels} channels, ${point.partitions} partitions`);
  scaling.push(
    await scalingPoint(point, plan.scaling.totalMessages, plan.scaling.concurrency, `${runId}s${index}`).catch((error: unknown) => ({
      ...point,
      messagesPerChannel: Math.max(2, Math.ceil(plan.scaling.totalMessages / point.channels)),
      result: failed(error),
    })),
  );
}

const abuse: BenchResults['abuse'] = runs('abuse')
  ? await withRelaySandbox({}, async (relaySandbox) => ({ measured: true as const, value: await abuseRun(relaySandbox, plan.abuse) })).catch(failed)
  : skipped;
if (runs('abuse')) log('oversized-request flood done');

const holb: BenchResults['holb'] = runs('holb')
  ? await withRelaySandbox({}, async (relaySandbox) => ({ measured: true as const, value: await holbRun(relaySandbox, plan.holb, `${runId}h`) })).catch(failed)
  : skipped;
if (runs('holb')) log('head-of-line blocking across organizations done');

const memory: BenchResults['memory'] = runs('memory')
  ? await withRelaySandbox({}, async (relaySandbox) => ({ measured: true as const, value: await memoryPoint(relaySandbox, plan.memory, `${runId}m`, log) })).catch(failed)
  : skipped;
if (runs('memory')) log('memory with open channels done');

const results: BenchResults = {
  mode: plan.mode,
  startedAt,
  finishedAt: new Date().toISOString(),
  machine: describeMachine(),
  relay,
  broadcast,
  scaling,
  abuse,
  holb,
  memory,
};
const table = renderTable(resultRows(results));
const out = path.join(repoRoot(), 'bench', 'results', 'latest.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify({ ...results, table }, null, 2)}\n`);
const { machine } = results;
process.stdout.write(
  `\n${table}\n\nMachine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}, load average ${machine.loadAverage.join(' ')}\nJSON: ${out}\n`,
);
