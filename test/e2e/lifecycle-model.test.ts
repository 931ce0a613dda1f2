import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import fc from 'fast-check';
import { createLogger, createPool, type Pool } from '@megatron/runtime';
import type { Customer, Sandbox, Story } from '@megatron/sandbox';
import { waitFor } from '@megatron/testkit';
import { pausesToldFor } from './app-commands.js';
import { startE2eWorld, type E2eWorld } from './world.js';

const HOUR = 60 * 60_000;

/** What the engagement should be, as an agent would expect from what they did. */
interface Model {
  phase: 'none' | 'open' | 'closed';
  paused: boolean;
  /** Every change of the pause state, in order, as the app and the customer must have been told. */
  told: boolean[];
}

interface Real {
  sandbox: Sandbox;
  story: Story;
  pool: Pool;
  namespace: string;
  customer: Customer;
  /** The moment the scheduled jobs were last run for; the controlled clock only moves forward. */
  clock: Date;
}

const refOf = (real: Real) => ({ teamId: real.customer.home.workspace.id, userId: real.customer.user.id });

async function dbState(real: Real) {
  const { rows } = await real.pool.query<{ is_paused: boolean; is_archived: boolean; channel_id: string }>(
    `select e.is_paused, e.is_archived, e.channel_id from engagement_channels e join platform_users u on u.id = e.platform_user_id where u.platform_id = $1`,
    [real.customer.user.id],
  );
  return rows[0];
}

async function notices(real: Real): Promise<boolean[]> {
  const dm = await real.story.dmOf(real.customer);
  return (await real.story.control.messages(dm)).flatMap((message) =>
    message.text === "I've been paused so a support agent can talk with you" ? [true] : message.text === "I'm back online" ? [false] : [],
  );
}

/** The invariants of issue 16, checked against the database, Slack (the simulator), the app and the customer. */
async function checkInvariants(model: Model, real: Real): Promise<void> {
  const row = await dbState(real);
  if (model.phase === 'none') {
    expect(row).toBeUndefined();
  } else {
    expect({ paused: row?.is_paused, archived: row?.is_archived }).toEqual({ paused: model.paused, archived: model.phase === 'closed' });
    // A paused customer always has an open channel.
    if (row?.is_paused) expect(row.is_archived).toBe(false);
    expect((await real.story.control.conversation(row?.channel_id ?? '')).is_archived).toBe(model.phase === 'closed');
  }
  // Each change told to the app and the customer exactly once, in order.
  expect(await waitFor(async () => {
    const told = await pausesToldFor(real.namespace, real.customer.user.id);
    return told.length >= model.told.length ? told : undefined;
  }, { what: 'the app commands', timeoutMs: 5_000 })).toEqual(model.told);
  expect(await waitFor(async () => {
    const seen = await notices(real);
    return seen.length >= model.told.length ? seen : undefined;
  }, { what: "the customer's notices", timeoutMs: 5_000 })).toEqual(model.told);
}

const settle = (real: Real, until: (row: Awaited<ReturnType<typeof dbState>>) => boolean, what: string) =>
  waitFor(async () => until(await dbState(real)), { what, timeoutMs: 10_000 });

function apiCall(name: string, run: (real: Real) => Promise<unknown>, expectNotFound: (model: Model) => boolean, next: (model: Model) => Model) {
  return {
    name,
    async run(model: Model, real: Real) {
      if (expectNotFound(model)) {
        const error = await run(real).then(() => undefined, (caught: unknown) => ConnectError.from(caught));
        expect(error?.code).toBe(Code.NotFound);
      } else {
        await run(real);
        Object.assign(model, next(model));
      }
      await checkInvariants(model, real);
    },
  };
}

const changed = (model: Model, paused: boolean): boolean[] => (model.paused === paused ? model.told : [...model.told, paused]);

class Open implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  run = (model: Model, real: Real) =>
    apiCall('open', (r) => r.sandbox.api.megatron.openEngagement({ customer: refOf(r), agentUserId: r.story.alice.id }), () => false, (m) => ({ ...m, phase: 'open', paused: m.phase === 'open' && m.paused })).run(model, real);
  toString = () => 'open';
}

class Pause implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  run = (model: Model, real: Real) =>
    apiCall('pause', (r) => r.sandbox.api.megatron.pauseCustomer({ customer: refOf(r) }), (m) => m.phase === 'none', (m) => ({ phase: 'open', paused: true, told: changed(m, true) })).run(model, real);
  toString = () => 'pause';
}

class Unpause implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  run = (model: Model, real: Real) =>
    apiCall('unpause', (r) => r.sandbox.api.megatron.unpauseCustomer({ customer: refOf(r) }), (m) => m.phase === 'none', (m) => ({ ...m, paused: false, told: m.phase === 'open' ? changed(m, false) : m.told })).run(model, real);
  toString = () => 'unpause';
}

class Close implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  run = (model: Model, real: Real) =>
    apiCall('close', (r) => r.sandbox.api.megatron.closeEngagement({ customer: refOf(r) }), (m) => m.phase === 'none', (m) => ({ phase: m.phase === 'none' ? 'none' : 'closed', paused: false, told: m.phase === 'open' ? changed(m, false) : m.told })).run(model, real);
  toString = () => 'close';
}

/** A button on the card, clicked however old the card is: a stale one must change nothing. */
class ClickCardButton implements fc.AsyncCommand<Model, Real> {
  constructor(readonly verb: 'pause' | 'unpause') {}
  check = (model: Readonly<Model>) => model.phase !== 'none';
  async run(model: Model, real: Real) {
    const row = await dbState(real);
    const card = (await real.story.control.messages(row?.channel_id ?? '')).find((message) => (message.pinned_to ?? []).length > 0);
    if (model.phase === 'open') {
      await real.story.agentClicks(real.story.alice, row?.channel_id ?? '', this.verb, `${refOf(real).teamId}:${refOf(real).userId}`, card?.ts);
      const paused = this.verb === 'pause';
      Object.assign(model, { paused, told: changed(model, paused) });
      await settle(real, (state) => state?.is_paused === paused, `the ${this.verb} click`);
    }
    // A closed channel's card has no button left; a click on an old copy reaches nothing.
    await checkInvariants(model, real);
  }
  toString = () => `click ${this.verb}`;
}

class ArchiveInSlack implements fc.AsyncCommand<Model, Real> {
  check = (model: Readonly<Model>) => model.phase === 'open';
  async run(model: Model, real: Real) {
    const row = await dbState(real);
    await real.story.control.archiveChannel({ teamId: real.story.seed.integration.workspace.id, userId: real.story.bob.id, channel: row?.channel_id ?? '' });
    Object.assign(model, { phase: 'closed', paused: false, told: changed(model, false) });
    await settle(real, (state) => state?.is_archived === true, 'the engagement to close after the archive in Slack');
    await checkInvariants(model, real);
  }
  toString = () => 'archive in Slack';
}

class CustomerWrites implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    const text = `customer says ${Date.now()}`;
    await real.story.customerSays(real.customer, text);
    const row = await dbState(real);
    if (model.phase === 'open' && row) await real.story.waitForText(row.channel_id, text);
    await checkInvariants(model, real);
  }
  toString = () => 'customer writes';
}

class IdleJobRuns implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    real.clock = new Date(real.clock.getTime() + 40 * HOUR);
    await real.sandbox.api.admin.runScheduledJobs({ at: timestampFromDate(real.clock) });
    if (model.phase === 'open') Object.assign(model, { phase: 'closed', paused: false, told: changed(model, false) });
    await checkInvariants(model, real);
  }
  toString = () => 'idle jobs run 40 hours later';
}

// Issue 16: random sequences of what agents, Slack and the scheduler do, against the real services.
describe('the engagement lifecycle under random sequences', () => {
  let world: E2eWorld;
  let pool: Pool;
  let run = 0;

  beforeAll(async () => {
    world = await startE2eWorld();
    pool = createPool(world.database.url, createLogger('lifecycle-model', 'silent'), { max: 2 });
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await world?.close();
  }, 30_000);

  it('keeps every invariant after every step', async () => {
    const commands = fc.commands(
      [
        fc.constant(new Open()),
        fc.constant(new Pause()),
        fc.constant(new Unpause()),
        fc.constant(new Close()),
        fc.constantFrom(new ClickCardButton('pause'), new ClickCardButton('unpause')),
        fc.constant(new ArchiveInSlack()),
        fc.constant(new CustomerWrites()),
        fc.constant(new IdleJobRuns()),
      ],
      { maxCommands: 10 },
    );
    await fc.assert(
      fc.asyncProperty(commands, async (sequence) => {
        const { story, sandbox } = world;
        const home = story.seed.globex;
        const name = `model${++run}x${Date.now() % 100_000}`;
        const user = await story.control.createUser({ teamId: home.workspace.id, name, realName: `Model Customer ${run}`, displayName: name });
        const customer: Customer = { user, home };
        await story.customerSays(customer, 'hello');
        const real: Real = { sandbox, story, pool, namespace: world.namespace, customer, clock: new Date(Date.now() + 60_000) };
        const model: Model = { phase: 'none', paused: false, told: [] };
        await fc.asyncModelRun(() => ({ model, real }), sequence);
        // Anything told late (a duplicate notice on its way) shows up once the dust settles.
        await new Promise((resolve) => setTimeout(resolve, 500));
        await checkInvariants(model, real);
      }),
      { numRuns: 8, interruptAfterTimeLimit: 90_000 },
    );
  }, 150_000);
});
