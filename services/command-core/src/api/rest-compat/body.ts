import type { MessageInitShape } from '@bufbuild/protobuf';
import type { MessageContentSchema, SlackFileSchema } from '@megatron/contracts';
import { badParameter, missingParameter, RestError } from './rest-error.js';

export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseBody(raw: string): JsonObject {
  let parsed: Json;
  try {
    parsed = JSON.parse(raw === '' ? '{}' : raw) as Json;
  } catch {
    throw new RestError(400, 'Malformed JSON body');
  }
  if (!isObject(parsed)) throw new RestError(400, 'The JSON body must be an object');
  return parsed;
}

/** A required object parameter; `name` is the dotted path reported to the caller. */
export function requireObject(container: JsonObject, key: string, name = key): JsonObject {
  const value = container[key];
  if (value === undefined || value === null) throw missingParameter(name);
  if (!isObject(value)) throw badParameter(name, 'expected an object');
  return value;
}

export function requireString(container: JsonObject, key: string, name = key): string {
  const value = optionalString(container, key, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

export function optionalString(container: JsonObject, key: string, name = key): string | undefined {
  const value = container[key];
  if (value === undefined || value === null) return undefined;
  // Slack ids and ts are strings, but a numeric ts from a loosely typed client still names the message.
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw badParameter(name, 'expected a string');
  return value;
}

export function requireArray(container: JsonObject, key: string, name = key): Json[] {
  const value = container[key];
  if (value === undefined || value === null) throw missingParameter(name);
  if (!Array.isArray(value)) throw badParameter(name, 'expected a list');
  return value;
}

/** Slack JSON kept as JSON; the original API also accepted `attachments` as a JSON-encoded string. */
function jsonArray(message: JsonObject, key: string, name: string): string {
  let value = message[key];
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as Json;
    } catch {
      throw new RestError(400, `Malformed JSON in ${name}`);
    }
  }
  if (!Array.isArray(value)) throw badParameter(name, 'expected a list');
  return JSON.stringify(value);
}

export function messageContent(message: JsonObject, name: string): MessageInitShape<typeof MessageContentSchema> {
  return {
    text: optionalString(message, 'text', `${name}.text`) ?? '',
    blocksJson: jsonArray(message, 'blocks', `${name}.blocks`),
    attachmentsJson: jsonArray(message, 'attachments', `${name}.attachments`),
  };
}

export function slackFiles(message: JsonObject, name: string): MessageInitShape<typeof SlackFileSchema>[] {
  const files = message.files;
  if (files === undefined || files === null) return [];
  if (!Array.isArray(files)) throw badParameter(`${name}.files`, 'expected a list');
  return files.map((file, index) => {
    const path = `${name}.files[${index}]`;
    if (!isObject(file)) throw badParameter(path, 'expected an object');
    const size = file.size;
    return {
      id: requireString(file, 'id', `${path}.id`),
      name: optionalString(file, 'name', `${path}.name`) ?? '',
      title: optionalString(file, 'title', `${path}.title`) ?? '',
      mimetype: optionalString(file, 'mimetype', `${path}.mimetype`) ?? '',
      size: typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? BigInt(size) : 0n,
      urlPrivate: optionalString(file, 'url_private', `${path}.url_private`) ?? '',
    };
  });
}
