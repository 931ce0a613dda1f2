import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WebhookVerificationError } from './errors.js';
import { sign, signedHeaders } from './sign.js';
import { verify } from './verify.js';

interface Vector {
  secret: string;
  'webhook-id': string;
  'webhook-timestamp': number;
  payload: string;
  'webhook-signature': string;
}

const vectorsFile = path.join(__dirname, '../testdata/test-vectors.json');
const { vectors } = JSON.parse(readFileSync(vectorsFile, 'utf8')) as { vectors: Vector[] };
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const previous = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('sign', () => {
  it('produces the published Standard Webhooks test vector', () => {
    expect(vectors.length).toBeGreaterThan(0);
    for (const vector of vectors) {
      const signature = sign({ id: vector['webhook-id'], timestamp: vector['webhook-timestamp'], payload: vector.payload, secrets: [vector.secret] });
      expect(signature).toBe(vector['webhook-signature']);
    }
  });

  it('signs once per secret, space-separated, during rotation', () => {
    const signature = sign({ id: 'msg_1', timestamp: 1_700_000_000, payload: '{}', secrets: [secret, previous] });
    const parts = signature.split(' ');
    expect(parts).toHaveLength(2);
    expect(parts.every((part) => /^v1,[A-Za-z0-9+/]{43}=$/.test(part))).toBe(true);
    expect(parts[0]).not.toBe(parts[1]);
  });

  it('refuses an id containing a dot, which would make the signed content ambiguous', () => {
    expect(() => sign({ id: 'a.b', timestamp: 1, payload: '{}', secrets: [secret] })).toThrow('webhook id must be non-empty without dots');
  });

  it('refuses a secret without the whsec_ prefix or with too short a key', () => {
    expect(() => sign({ id: 'x', timestamp: 1, payload: '{}', secrets: ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] })).toThrow(
      'webhook secret must start with "whsec_"',
    );
    expect(() => sign({ id: 'x', timestamp: 1, payload: '{}', secrets: ['whsec_c2hvcnQ='] })).toThrow('at least 24 are needed');
  });

  it('builds headers that verify', () => {
    const headers = signedHeaders({ id: 'msg_2', timestamp: 1_700_000_000, payload: '{"a":1}', secrets: [secret] });
    expect(verify('{"a":1}', headers, secret, { now: 1_700_000_010 })).toEqual({ id: 'msg_2', timestamp: 1_700_000_000 });
    expect(() => sign({ id: 'x', timestamp: 1, payload: '{}', secrets: [] })).toThrow(WebhookVerificationError);
  });
});
