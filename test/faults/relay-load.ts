import type { ApiClients, Customer, Story } from '@megatron/sandbox';
import { waitFor } from '@megatron/testkit';

/** One engagement channel under load: its customer, where agents write, and the customer's DM. */
export interface Lane {
  index: number;
  customer: Customer;
  channel: string;
  dm: string;
}

/** What reached the customers, against what agents wrote, per lane. */
export interface DeliveryReport {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Messages delivered after a message written later in the same channel. */
  reordered: number;
  perLane: { lane: number; sent: number; delivered: number[] }[];
}

/** A message as the customer got it: a late one says when it was written on a second line. */
const TEXT = /^lane (\d+) message (\d+)(?:\n_written at <!date\^\d+\^\{time\}\|\d\d:\d\d UTC>_)?$/;

export const laneText = (lane: number, n: number) => `lane ${lane} message ${n}`;

/**
 * New customers in Globex with an engagement channel each, opened through the API as an app would, and the bot
 * paused for each, as agents are told to before they write (an unpaused bot holds agents' messages).
 */
export async function openLanes(story: Story, api: ApiClients, count: number, prefix: string): Promise<Lane[]> {
  const home = story.seed.globex;
  const lanes: Lane[] = [];
  for (let index = 0; index < count; index++) {
    const name = `${prefix}${index}`;
    const user = await story.control.createUser({ teamId: home.workspace.id, name, realName: `Customer ${prefix} ${index}`, displayName: name });
    const customer = { user, home };
    const { channel: dm } = await story.customerSays(customer, 'hello, I need a human');
    const { engagement } = await api.megatron.openEngagement({ customer: { teamId: home.workspace.id, userId: user.id }, agentUserId: story.alice.id });
    if (!engagement) throw new Error(`OpenEngagement for ${name} returned no engagement`);
    await api.megatron.pauseCustomer({ customer: { teamId: home.workspace.id, userId: user.id } });
    lanes.push({ index, customer, channel: engagement.channelId, dm });
  }
  return lanes;
}

/**
 * Agents write `perLane` messages in every lane, round-robin across lanes at `perSecond` in total, each
 * written in Slack (the simulator) and delivered to interpreter-slack as Slack would. `during` runs
 * after the first `faultAfter` messages, while the rest keep coming.
 */
export async function writeLoad(
  story: Story,
  lanes: Lane[],
  options: { perLane: number; perSecond: number; faultAfter?: number; during?: () => Promise<void> },
): Promise<void> {
  const gapMs = 1000 / options.perSecond;
  let written = 0;
  let fault: Promise<void> | undefined;
  for (let n = 1; n <= options.perLane; n++) {
    for (const lane of lanes) {
      const started = Date.now();
      await story.agentWrites(story.alice, lane.channel, laneText(lane.index, n));
      written += 1;
      if (written === options.faultAfter && options.during) fault = options.during();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, gapMs - (Date.now() - started))));
    }
  }
  await fault;
}

/** Reads every lane's DM and counts what was lost, duplicated and reordered. */
export async function deliveryReport(story: Story, lanes: Lane[], perLane: number): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: lanes.length * perLane, delivered: 0, lost: 0, duplicated: 0, reordered: 0, perLane: [] };
  for (const lane of lanes) {
    const messages = await story.control.messages(lane.dm);
    const delivered = messages.flatMap((message) => {
      const match = TEXT.exec(message.text);
      return match && Number(match[1]) === lane.index ? [Number(match[2])] : [];
    });
    const unique = new Set(delivered);
    report.delivered += unique.size;
    report.duplicated += delivered.length - unique.size;
    report.lost += perLane - unique.size;
    let highest = 0;
    for (const n of delivered) {
      if (n < highest) report.reordered += 1;
      highest = Math.max(highest, n);
    }
    report.perLane.push({ lane: lane.index, sent: perLane, delivered });
  }
  return report;
}

/** Waits until every lane's messages arrived (or `timeoutMs` passed), then reports. */
export async function settledReport(story: Story, lanes: Lane[], perLane: number, timeoutMs: number): Promise<DeliveryReport> {
  await waitFor(async () => (await deliveryReport(story, lanes, perLane)).lost === 0, { timeoutMs, intervalMs: 250, what: 'every message delivered' }).catch(() => undefined);
  return deliveryReport(story, lanes, perLane);
}

/** The fault table's row: 0 lost, 0 duplicated, 0 reordered. */
export function cleanRow(report: DeliveryReport): { lost: number; duplicated: number; reordered: number } {
  return { lost: report.lost, duplicated: report.duplicated, reordered: report.reordered };
}
