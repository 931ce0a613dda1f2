import { LogLevel, WebClient } from '@slack/web-api';
import { SimControlError, type SimApp, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';

describe('users created with a fixed id', () => {
  let sim: SlackSim;
  let globex: SimWorkspace;
  let initech: SimWorkspace;
  let globexBot: SimApp;
  let initechBot: SimApp;

  const client = (token: string): WebClient => new WebClient(token, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });

  beforeAll(async () => {
    sim = await startSlackSim();
    globex = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    initech = await sim.control.createWorkspace({ name: 'Initech', domain: 'initech' });
    globexBot = await sim.control.createApp({ teamId: globex.id, name: 'Support Bot' });
    initechBot = await sim.control.createApp({ teamId: initech.id, name: 'Support Bot' });
  });

  afterAll(async () => {
    await sim.close();
  });

  test('the same user id lives in two workspaces as two different people with separate DMs', async () => {
    const inGlobex = await sim.control.createUser({ teamId: globex.id, id: 'U0SAME', name: 'sam', realName: 'Sam Globex' });
    const inInitech = await sim.control.createUser({ teamId: initech.id, id: 'U0SAME', name: 'sam', realName: 'Sam Initech' });
    expect([inGlobex.id, inInitech.id]).toEqual(['U0SAME', 'U0SAME']);

    const globexInfo = await client(globexBot.botToken).users.info({ user: 'U0SAME' });
    const initechInfo = await client(initechBot.botToken).users.info({ user: 'U0SAME' });
    expect(globexInfo.user).toMatchObject({ id: 'U0SAME', team_id: globex.id, real_name: 'Sam Globex' });
    expect(initechInfo.user).toMatchObject({ id: 'U0SAME', team_id: initech.id, real_name: 'Sam Initech' });

    const toGlobex = await sim.control.sendDirectMessage({ teamId: globex.id, userId: 'U0SAME', appId: globexBot.appId, text: 'hello from Globex' });
    const toInitech = await sim.control.sendDirectMessage({ teamId: initech.id, userId: 'U0SAME', appId: initechBot.appId, text: 'hello from Initech' });
    expect(toGlobex.channel).not.toBe(toInitech.channel);
    expect((await sim.control.messages(toGlobex.channel)).map((m) => m.text)).toEqual(['hello from Globex']);
    expect((await sim.control.messages(toInitech.channel)).map((m) => m.text)).toEqual(['hello from Initech']);
  });

  test('a duplicate id within one workspace is refused with 409 and creates nothing', async () => {
    await sim.control.createUser({ teamId: globex.id, id: 'U0TWICE', name: 'first' });
    const refused = await sim.control.createUser({ teamId: globex.id, id: 'U0TWICE', name: 'second' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SimControlError);
    expect(refused).toMatchObject({ status: 409, message: expect.stringContaining('U0TWICE') });
    const members = (await client(globexBot.botToken).users.list({})).members ?? [];
    expect(members.filter((m) => m.id === 'U0TWICE').map((m) => m.name)).toEqual(['first']);
  });

  test('an id that does not look like a Slack user id is refused with 400', async () => {
    const refused = await sim.control.createUser({ teamId: globex.id, id: 'sam', name: 'sam2' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, message: expect.stringContaining('id must look like a Slack user id') });
  });
});
