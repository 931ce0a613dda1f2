import { MAX_SIGNATURE_AGE_SECONDS, signV0, verifySlackSignature } from './signature.js';

// https://api.slack.com/authentication/verifying-requests-from-slack
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY = Buffer.from(
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
);
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const AT_EXAMPLE = Number(TIMESTAMP) * 1000;

describe('Slack request signature', () => {
  it("signs Slack's documented example to Slack's documented signature", () => {
    expect(signV0(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
  });

  it("accepts Slack's documented example when the clock is at its timestamp", () => {
    expect(verifySlackSignature(SECRET, { timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY }, AT_EXAMPLE)).toEqual({ ok: true });
  });

  it('accepts a request just inside the five-minute window and refuses one just outside it', () => {
    const request = { timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY };
    expect(verifySlackSignature(SECRET, request, AT_EXAMPLE + MAX_SIGNATURE_AGE_SECONDS * 1000).ok).toBe(true);
    expect(verifySlackSignature(SECRET, request, AT_EXAMPLE + (MAX_SIGNATURE_AGE_SECONDS + 1) * 1000)).toEqual({
      ok: false,
      reason: 'stale X-Slack-Request-Timestamp',
    });
    expect(verifySlackSignature(SECRET, request, AT_EXAMPLE - (MAX_SIGNATURE_AGE_SECONDS + 1) * 1000).ok).toBe(false);
  });

  it("refuses Slack's documented example as stale at today's time", () => {
    expect(verifySlackSignature(SECRET, { timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY }, Date.now())).toEqual({
      ok: false,
      reason: 'stale X-Slack-Request-Timestamp',
    });
  });

  it('refuses a body changed by one byte, another secret, and missing or malformed headers', () => {
    const tampered = Buffer.from(BODY.toString().replace('text=', 'text=x'));
    expect(verifySlackSignature(SECRET, { timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: tampered }, AT_EXAMPLE)).toEqual({
      ok: false,
      reason: 'X-Slack-Signature does not match',
    });
    expect(verifySlackSignature('another-secret', { timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY }, AT_EXAMPLE).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { timestamp: undefined, signature: SIGNATURE, rawBody: BODY }, AT_EXAMPLE)).toEqual({
      ok: false,
      reason: 'missing X-Slack-Request-Timestamp',
    });
    expect(verifySlackSignature(SECRET, { timestamp: TIMESTAMP, signature: undefined, rawBody: BODY }, AT_EXAMPLE)).toEqual({
      ok: false,
      reason: 'missing X-Slack-Signature',
    });
    expect(verifySlackSignature(SECRET, { timestamp: 'yesterday', signature: SIGNATURE, rawBody: BODY }, AT_EXAMPLE).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { timestamp: TIMESTAMP, signature: 'v0=short', rawBody: BODY }, AT_EXAMPLE).ok).toBe(false);
  });
});
