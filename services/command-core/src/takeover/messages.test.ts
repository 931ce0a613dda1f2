import { carriesKey, forwardKeyOf } from './forward-key.js';
import { customerNotice, disambiguation, engagementCard, forwarded, helpRequest } from './messages.js';

const key = { teamId: 'T1', userId: 'U1' };

describe('message builders', () => {
  it('tells the customer about a pause with who did it', () => {
    const content = customerNotice(true, 'Alice', 'Acme');
    expect(content.text).toBe("I've been paused so a support agent can talk with you");
    expect(content.blocksJson).toContain('executed by Alice from Acme');
  });

  const view = { name: 'phil', realName: 'Phil Connors', workspace: 'Globex', key, imageUrl: 'https://img/phil.png', tz: 'Europe/Paris', tzOffset: 3600, handler: '' };

  it("the channel's card offers Unpause while paused and Pause while the bot answers, both with Claim and Close, valued team:user", () => {
    const card = (paused: boolean) => JSON.parse(engagementCard({ ...view, paused }).blocksJson) as Array<{ elements?: Array<{ action_id: string; value: string }> }>;
    expect(card(true)[1]?.elements?.map((element) => [element.action_id, element.value])).toEqual([['unpause', 'T1:U1'], ['claim', 'T1:U1'], ['close', 'T1:U1']]);
    expect(card(false)[1]?.elements?.map((element) => element.action_id)).toEqual(['pause', 'claim', 'close']);
    expect(JSON.stringify(card(true))).toContain('Replies in threads stay here as internal notes');
  });

  it("the card shows the customer's avatar, workspace, time zone and who handles it", () => {
    const unclaimed = engagementCard({ ...view, paused: true }).blocksJson;
    expect(unclaimed).toContain('"image_url":"https://img/phil.png"');
    expect(unclaimed).toContain('*Phil Connors* (phil) · Globex');
    expect(engagementCard({ ...view, paused: true, realName: '' }).blocksJson).toContain('*phil* · Globex');
    expect(unclaimed).toContain('Europe/Paris (UTC+01:00)');
    expect(unclaimed).toContain('Nobody has claimed this yet');
    expect(engagementCard({ ...view, paused: true, handler: 'Alice Agent' }).blocksJson).toContain('Alice Agent is handling this');
    expect(engagementCard({ ...view, paused: true, tz: 'America/St_Johns', tzOffset: -12600 }).blocksJson).toContain('America/St_Johns (UTC-03:30)');
  });

  it('a closed channel\'s card says who closed it and keeps no button', () => {
    const closed = engagementCard({ ...view, paused: false, closedBy: 'Alice' });
    expect(closed.blocksJson).toContain('Closed by Alice');
    expect(closed.blocksJson).not.toContain('action_id');
  });

  it('builds a user_select whose options carry verb, team and user, and the text for do', () => {
    const content = disambiguation('do', 'sam', [
      { teamId: 'T1', userId: 'U1', username: 'sam', label: 'Sam Lee — Globex' },
      { teamId: 'T2', userId: 'U1', username: 'sam', label: 'Sam Ray — Initech' },
    ], 'say hi');
    const [block] = JSON.parse(content.blocksJson) as Array<{ accessory: { action_id: string; options: Array<{ value: string; text: { text: string } }> } }>;
    expect(block?.accessory.action_id).toBe('user_select');
    expect(block?.accessory.options.map((o) => [o.text.text, o.value])).toEqual([['Sam Lee — Globex', 'do|T1:U1|say hi'], ['Sam Ray — Initech', 'do|T2:U1|say hi']]);
  });

  it('builds a help request with an Open engagement channel button', () => {
    const content = helpRequest('phil', 'globex', key);
    expect(content.text).toBe('🆘 *phil* requested some help!');
    expect(content.blocksJson).toContain('"action_id":"open"');
    expect(content.blocksJson).toContain('Open engagement channel');
  });

  it("masks a card number in an agent's forwarded message down to its last four", () => {
    const content = forwarded({ body: 'your card 4111 1111 1111 1111 was declined', agent: 'Alice Smith', org: 'Acme', avatarUrl: '', idempotencyKey: 'fwd:event:Ev1' });
    expect(content.text).toBe('your card ****1111 was declined');
    expect(forwardKeyOf(content.attachmentsJson)).toBe('fwd:event:Ev1');
  });

  it('puts the footer and the idempotency key on a forwarded message', () => {
    const content = forwarded({ body: 'hello', agent: 'Alice Smith', org: 'Acme', avatarUrl: 'https://img/a.png', idempotencyKey: 'fwd:event:Ev1' });
    expect(content.text).toBe('hello');
    expect(content.attachmentsJson).toContain('sent by Alice Smith from Acme');
    expect(carriesKey(content.attachmentsJson, 'fwd:event:Ev1')).toBe(true);
    expect(carriesKey(content.attachmentsJson, 'fwd:event:Ev2')).toBe(false);
    expect(forwardKeyOf(content.attachmentsJson)).toBe('fwd:event:Ev1');
    expect(forwardKeyOf(JSON.stringify([{ callback_id: 'open' }]))).toBeUndefined();
    expect(forwardKeyOf('')).toBeUndefined();
  });

  it("says when a late message was written, in the reader's time zone", () => {
    const writtenAt = new Date('2026-11-27T10:02:30Z');
    const content = forwarded({ body: 'sorry for the wait', agent: 'Alice Smith', org: 'Acme', avatarUrl: '', idempotencyKey: 'fwd:event:Ev1', writtenAt });
    expect(content.text).toBe(`sorry for the wait\n_written at <!date^${Math.floor(writtenAt.getTime() / 1000)}^{time}|10:02 UTC>_`);
  });
});
