import { type SimApp, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';
import { openApiValidator } from './openapi.js';
import { rawCall, slackClient, slackError } from './slack-client.js';

const JANUARY = Date.UTC(2026, 0, 15, 12);
const JULY = Date.UTC(2026, 6, 15, 12);

describe('users, team and bots as Slack describes them', () => {
  let sim: SlackSim;
  let globex: SimWorkspace;
  let bot: SimApp;
  const validate = openApiValidator();

  beforeAll(async () => {
    sim = await startSlackSim({ now: () => JANUARY });
    globex = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    bot = await sim.control.createApp({ teamId: globex.id, name: 'Support Bot' });
  });

  afterAll(async () => {
    await sim.close();
  });

  test('a user\'s time zone defaults to Los Angeles and users.info names it with the offset of the moment', async () => {
    const phil = await sim.control.createUser({ teamId: globex.id, name: 'phil' });
    expect(phil.tz).toBe('America/Los_Angeles');
    const info = await rawCall(sim, 'users.info', bot.botToken, { user: phil.id });
    expect(validate('users.info', info.body)).toEqual([]);
    expect(info.body.user).toMatchObject({ tz: 'America/Los_Angeles', tz_label: 'Pacific Standard Time', tz_offset: -28800,
      is_bot: false });
  });

  test('other zones carry their own label and offset', async () => {
    const web = slackClient(sim, bot.botToken);
    const zones = [['Europe/Berlin', 'Central European Time', 3600], ['Asia/Tokyo', 'Japan Standard Time', 32400],
      ['UTC', 'Coordinated Universal Time', 0]] as const;
    for (const [tz, label, offset] of zones) {
      const user = await sim.control.createUser({ teamId: globex.id, name: `user-${offset}`, tz });
      expect((await web.users.info({ user: user.id })).user).toMatchObject({ tz, tz_label: label, tz_offset: offset });
    }
    await expect(sim.control.createUser({ teamId: globex.id, name: 'nowhere', tz: 'Mars/Olympus' })).rejects.toThrow(/tz must be/);
  });

  test('daylight saving time shows in summer', async () => {
    const summer = await startSlackSim({ now: () => JULY });
    try {
      const ws = await summer.control.createWorkspace({ name: 'Initech', domain: 'initech' });
      const app = await summer.control.createApp({ teamId: ws.id, name: 'Bot' });
      const peter = await summer.control.createUser({ teamId: ws.id, name: 'peter' });
      const klaus = await summer.control.createUser({ teamId: ws.id, name: 'klaus', tz: 'Europe/Berlin' });
      const web = slackClient(summer, app.botToken);
      expect((await web.users.info({ user: peter.id })).user).toMatchObject({ tz_label: 'Pacific Daylight Time', tz_offset: -25200 });
      expect((await web.users.info({ user: klaus.id })).user).toMatchObject({ tz_label: 'Central European Summer Time',
        tz_offset: 7200 });
    } finally {
      await summer.close();
    }
  });

  test('profiles carry avatar URLs in Slack\'s sizes and bots say they are bots', async () => {
    const list = await slackClient(sim, bot.botToken).users.list({});
    const botUser = list.members?.find((m) => m.id === bot.botUserId);
    expect(botUser).toMatchObject({ is_bot: true, profile: { bot_id: bot.botId, api_app_id: bot.appId } });
    for (const member of list.members ?? []) {
      expect(member.profile?.image_48).toMatch(/_48\.png$/);
      expect(member.profile?.image_72).toMatch(/_72\.png$/);
      expect(member.profile?.image_192).toMatch(/_192\.png$/);
      expect(member.tz).toBeDefined();
    }
  });

  test('team.info describes the token\'s workspace with its icon', async () => {
    const info = await rawCall(sim, 'team.info', bot.botToken, {});
    expect(validate('team.info', info.body)).toEqual([]);
    expect(info.body.team).toMatchObject({ id: globex.id, name: 'Globex', domain: 'globex',
      icon: { image_68: expect.stringMatching(/^https:\/\/.+_68\.png$/) } });
    expect(await slackError(slackClient(sim, bot.botToken).team.info({ team: 'T000NOPE00' }))).toBe('team_not_found');
  });

  test('bots.info describes an app\'s bot with its icons', async () => {
    const info = await rawCall(sim, 'bots.info', bot.botToken, { bot: bot.botId });
    expect(validate('bots.info', info.body)).toEqual([]);
    expect(info.body.bot).toMatchObject({ id: bot.botId, name: 'Support Bot', app_id: bot.appId, user_id: bot.botUserId,
      deleted: false, icons: { image_36: expect.any(String), image_48: expect.any(String), image_72: expect.any(String) } });
    expect(await slackError(slackClient(sim, bot.botToken).bots.info({ bot: 'B000NOPE00' }))).toBe('bot_not_found');
  });
});
