import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const SPEC_PATH = path.join(__dirname, 'fixtures', 'slack_web_openapi_v2.json');

interface SchemaNode { properties?: Record<string, unknown>; [key: string]: unknown }
interface Spec { definitions: Record<string, SchemaNode>; paths: Record<string, Record<string, {
  responses: Record<string, { schema?: SchemaNode }> }>> }

/**
 * Validates Web API answers against the 2020 Swagger spec. Its quirks are patched where Slack has moved on:
 * messages now carry `edited` and `app_id`, and chat.update's `message.blocks` is an array, not an object.
 */
export function openApiValidator(): (method: string, body: unknown) => string[] {
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
  const message = spec.definitions.objs_message;
  if (!message?.properties) throw new Error('spec lacks objs_message');
  message.properties.edited = { type: 'object' };
  message.properties.app_id = { type: 'string' };
  const update = spec.paths['/chat.update']?.post?.responses['200']?.schema;
  const updateMessage = update?.properties?.message as SchemaNode | undefined;
  if (updateMessage?.properties) updateMessage.properties.blocks = { type: 'array' };
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema(spec as unknown as object, 'slack');
  return (method, body) => {
    const ops = spec.paths[`/${method}`];
    const verb = ops?.get ? 'get' : 'post';
    const validate = ajv.getSchema(`slack#/paths/~1${method}/${verb}/responses/200/schema`);
    if (!validate) return [`no schema for ${method}`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
}
