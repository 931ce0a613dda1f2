import { startSlackSim, type SimApp, type SimUser, type SimWorkspace, type SlackSim } from '@megatron/slack-sim';
import { watchChannelChanges, type ChannelChanges } from '../src/channel-changes.js';

describe("the open load's wait for a channel to change", () => {
  let sim: SlackSim;
  let team: SimWorkspace;
  let app: SimApp;
  let alice: SimUser;
  let bob: SimUser;
  let changes: ChannelChanges;

  beforeAll(async () => {
    sim = await startSlackSim();
    team = await sim.control.createWorkspace({ name: 'Umbrella', domain: 'umbrella' });
    app = await sim.control.createApp({ teamId: team.id, name: 'Support Bot' });
    alice = await sim.control.createUser({ teamId: team.id, name: 'alice' });
    bob = await sim.control.createUser({ teamId: team.id, name: 'bob' });
    changes = await watchChannelChanges(sim.control);
  });

  afterAll(async () => {
    changes.stop();
    await sim.close();
  });

  const write = (user: SimUser) => sim.control.sendDirectMessage({ teamId: team.id, userId: user.id, appId: app.appId, text: 'I need a person' });
  let sentinels = 0;
  /** The feed is in order: once the first change of a brand-new conversation arrived, every earlier one did. */
  const caughtUp = async () => {
    sentinels += 1;
    const { channel } = await write(await sim.control.createUser({ teamId: team.id, name: `sentinel${sentinels}` }));
    await changes.after(channel, 0, 10_000);
  };

  it('wakes a waiter when its channel changes, with the version past the one it saw', async () => {
    const { channel } = await write(alice);
    const seen = changes.version(channel);
    const waiting = changes.after(channel, seen, 10_000);
    await write(alice);
    await expect(waiting).resolves.toBeGreaterThan(seen);
  });

  it('answers at once when the channel changed before the wait began', async () => {
    const { channel } = await write(alice);
    const seen = changes.version(channel);
    await write(alice);
    while (changes.version(channel) === seen) await new Promise((resolve) => setTimeout(resolve, 10));
    const startedMs = Date.now();
    await expect(changes.after(channel, seen, 10_000)).resolves.toBeGreaterThan(seen);
    expect(Date.now() - startedMs).toBeLessThan(1_000);
  });

  it("is not woken by another channel's change; its timeout answers the same version", async () => {
    const { channel } = await write(alice);
    await caughtUp();
    const seen = changes.version(channel);
    const waiting = changes.after(channel, seen, 300);
    await write(bob);
    await expect(waiting).resolves.toBe(seen);
  });

  // Last: a reset empties the simulator for every test after it.
  it('says it may have missed changes once the simulator was reset', async () => {
    expect(changes.blind()).toBe(false);
    await sim.control.reset();
    while (!changes.blind()) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(changes.blind()).toBe(true);
  });
});
