import { alternativeChannelName, engagementChannelName } from './channel-name.js';

describe('engagement channel names', () => {
  it('joins prefix, username and domain', () => {
    expect(engagementChannelName('mt-', 'phil', 'globex')).toBe('mt-phil_globex');
  });

  it('lowercases and replaces characters Slack refuses', () => {
    expect(engagementChannelName('mt-', 'Phil.Jones Ünal', 'Globex Corp')).toBe('mt-phil-jones-unal_globex-corp');
  });

  it('keeps names longer than 21 characters and cuts at 80', () => {
    const name = engagementChannelName('support-', 'a'.repeat(100), 'globex');
    expect(name).toHaveLength(80);
    expect(engagementChannelName('mt-', 'philippa-marguerite', 'globex-industries')).toBe('mt-philippa-marguerite_globex-industries');
  });

  it('falls back to "customer" when nothing of the username is usable', () => {
    expect(engagementChannelName('mt-', '...', 'globex')).toBe('mt-customer_globex');
  });

  it('derives an alternative name with the user id within 80 characters', () => {
    expect(alternativeChannelName('mt-phil_globex', 'U0ABC')).toBe('mt-phil_globex-u0abc');
    expect(alternativeChannelName('x'.repeat(80), 'U0ABC')).toHaveLength(80);
  });
});
