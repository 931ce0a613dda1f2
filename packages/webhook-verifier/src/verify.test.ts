import { createHmac } from 'node:crypto';
import { WebhookVerificationError, type WebhookVerificationReason } from './errors.js';
import { verify } from './verify.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const rotatedOut = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const timestamp = 1614265330;
const payload = '{"test": 2432232314}';
const vectorSignature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

function headersWith(signature: string, ts = String(timestamp)) {
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature };
}

function reasonOf(run: () => unknown): WebhookVerificationReason | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('verify', () => {
  it('accepts the published test vector and returns its id and timestamp', () => {
    expect(verify(payload, headersWith(vectorSignature), secret, { now: timestamp })).toEqual({ id, timestamp });
  });

  it('reads fetch Headers and mixed-case header records alike', () => {
    const fetchHeaders = new Headers(headersWith(vectorSignature));
    expect(verify(Buffer.from(payload), fetchHeaders, [secret], { now: timestamp }).id).toBe(id);
    const mixedCase = { 'Webhook-Id': id, 'Webhook-Timestamp': String(timestamp), 'Webhook-Signature': vectorSignature };
    expect(verify(payload, mixedCase, secret, { now: timestamp }).id).toBe(id);
  });

  it('accepts when any signature of a rotation list matches any configured secret', () => {
    const other = `v1,${createHmac('sha256', Buffer.alloc(32, 9)).update(`${id}.${timestamp}.${payload}`).digest('base64')}`;
    expect(verify(payload, headersWith(`v1a,xyz ${other} ${vectorSignature}`), [rotatedOut], { now: timestamp }).id).toBe(id);
    expect(verify(payload, headersWith(`${other} ${vectorSignature}`), [secret], { now: timestamp }).id).toBe(id);
  });

  it('refuses a body changed by a single character', () => {
    expect(reasonOf(() => verify(payload.replace('2', '3'), headersWith(vectorSignature), secret, { now: timestamp }))).toBe(
      'no_matching_signature',
    );
  });

  it('refuses a signature made with another secret', () => {
    expect(reasonOf(() => verify(payload, headersWith(vectorSignature), rotatedOut, { now: timestamp }))).toBe('no_matching_signature');
  });

  it('refuses timestamps outside the tolerance in either direction', () => {
    expect(reasonOf(() => verify(payload, headersWith(vectorSignature), secret, { now: timestamp + 301 }))).toBe('timestamp_too_old');
    expect(reasonOf(() => verify(payload, headersWith(vectorSignature), secret, { now: timestamp - 301 }))).toBe('timestamp_too_new');
    expect(verify(payload, headersWith(vectorSignature), secret, { now: timestamp + 900, toleranceSeconds: 1000 }).id).toBe(id);
  });

  it('names a missing or malformed header', () => {
    expect(() => verify(payload, { 'webhook-id': id, 'webhook-timestamp': String(timestamp) }, secret)).toThrow(
      'webhook-signature header is missing',
    );
    expect(reasonOf(() => verify(payload, headersWith(vectorSignature, '16142653.5'), secret))).toBe('invalid_header');
  });
});
