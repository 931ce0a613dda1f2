import { isIP } from 'node:net';
import { RETRY_AFTER_HEADER } from '@megatron/contracts';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { refusalReason, type AddressPolicy } from '@megatron/runtime';
import { OutboundError } from './outbound-error.js';

export interface PostJsonInput {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  maxResponseBytes: number;
  /** The caller's own deadline (e.g. a gRPC call being cancelled). */
  signal?: AbortSignal;
}

export interface PostJsonResult {
  status: number;
  retryAfter: string | undefined;
  /** At most maxResponseBytes; `tooLarge` says the rest was cut off. */
  body: Buffer;
  tooLarge: boolean;
}

/** Checks a command_url before any connection: http(s) only, and no forbidden IP literal. */
export function checkTargetUrl(url: string, policy: AddressPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundError('invalid_url', `command_url ${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new OutboundError('invalid_url', `command_url must be http or https, not ${parsed.protocol.slice(0, -1)}`);
  }
  if (parsed.username !== '' || parsed.password !== '') throw new OutboundError('invalid_url', 'command_url must not carry credentials');
  // Sockets skip DNS for IP literals, so the guarded lookup never sees them: judge them here.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) {
    const refused = refusalReason(host, policy);
    if (refused !== undefined) throw new OutboundError('refused_address', `command_url refused: ${refused}`);
  }
  return parsed;
}

/**
 * POSTs JSON once: no redirects followed (a 3xx is just a status), a total time limit covering
 * connect, headers and body, and a bounded response body.
 */
export async function postJson(input: PostJsonInput, policy: AddressPolicy, dispatcher: Dispatcher): Promise<PostJsonResult> {
  const url = checkTargetUrl(input.url, policy);
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([timeout, input.signal]) : timeout;
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher,
      signal,
      headers: { 'content-type': 'application/json', 'user-agent': 'megatron-app-notifier', ...input.headers },
      body: input.body,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > input.maxResponseBytes) {
        tooLarge = true;
        chunks.push(chunk.subarray(0, chunk.length - (size - input.maxResponseBytes)));
        response.body.destroy();
        break;
      }
      chunks.push(chunk);
    }
    const retryAfter = response.headers[RETRY_AFTER_HEADER];
    return {
      status: response.statusCode,
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      body: Buffer.concat(chunks),
      tooLarge,
    };
  } catch (error) {
    throw asOutboundError(error, timeout.aborted, input.timeoutMs, input.signal);
  }
}

function asOutboundError(error: unknown, timedOut: boolean, timeoutMs: number, callerSignal: AbortSignal | undefined): OutboundError {
  if (timedOut) return new OutboundError('timeout', `no complete answer within ${timeoutMs} ms`, { cause: error });
  if (callerSignal?.aborted) return new OutboundError('timeout', 'the caller gave up waiting', { cause: error });
  const refused = findRefusal(error);
  if (refused) return refused;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  return new OutboundError('network', typeof code === 'string' ? `${code}: ${message}` : message, { cause: error });
}

function findRefusal(error: unknown): OutboundError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof OutboundError) return current;
  }
  return undefined;
}
