import type { IncomingMessage } from 'node:http';
import { verifySlackSignature } from '@megatron/slack-signature';
import { header, HttpError, readBody } from './http.js';
import type { Workspaces } from './workspaces.js';

/** The raw body of a request Slack signed for one of the bot's workspaces; anything else is refused with 401. */
export async function readSlackRequest(req: IncomingMessage, workspaces: Workspaces, now: number): Promise<Buffer> {
  const rawBody = await readBody(req);
  const request = { timestamp: header(req, 'x-slack-request-timestamp'), signature: header(req, 'x-slack-signature'), rawBody };
  // One Slack app has one signing secret; the sandbox gives each workspace's install its own.
  if (!workspaces.signingSecrets().some((secret) => verifySlackSignature(secret, request, now).ok)) {
    throw new HttpError(401, 'invalid Slack signature');
  }
  return rawBody;
}
