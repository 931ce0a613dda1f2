import { isObject, type JsonObject } from '@megatron/runtime';
import { RequestError } from '../request-error.js';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

/** The media type without parameters, e.g. `application/json` from `application/json; charset=utf-8`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function requireMediaType(header: string | undefined, expected: string): void {
  const given = mediaType(header);
  if (given !== expected) throw new RequestError(415, `expected content-type ${expected}, got ${given || 'none'}`);
}

function utf8(raw: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new RequestError(400, 'body is not valid UTF-8');
  }
}

export function parseForm(raw: Buffer): URLSearchParams {
  const text = utf8(raw);
  // URLSearchParams accepts anything, so stray % escapes are checked here to call a broken form broken.
  if (/%(?![0-9a-fA-F]{2})/.test(text)) throw new RequestError(400, 'form body has a malformed % escape');
  return new URLSearchParams(text);
}

export function parseJsonObject(text: string, what: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RequestError(400, `${what} is not valid JSON`);
  }
  if (!isObject(parsed)) throw new RequestError(400, `${what} is not a JSON object`);
  return parsed;
}

export function parseJsonBody(raw: Buffer): JsonObject {
  return parseJsonObject(utf8(raw), 'body');
}
