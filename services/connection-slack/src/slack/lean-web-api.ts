import type { IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';
import type { WebAPICallResult } from '@slack/web-api';
import { RETRY_AFTER_HEADER } from '@megatron/contracts';
import { SlackHttpError, SlackPlatformError } from './errors.js';

export interface LeanWebApiOptions {
  slackApiUrl: string;
  requestTimeoutMs: number;
}

/**
 * Web API methods as one JSON POST each over a keep-alive pool shared by every token: a third of the
 * WebClient's CPU per call (bench/README.md, "Slack call path"). It fails the way the WebClient does, in our
 * own errors (SlackHttpError, SlackPlatformError, undici's network errors), for classifySlackFailure. Only
 * for methods that take a JSON body (docs.slack.dev/apis/web-api#posting_json) and need nothing else.
 */
export class LeanWebApi {
  private readonly pool: Pool;
  /** The API base's path with a trailing slash, as the WebClient joins it with the method. */
  private readonly basePath: string;

  constructor(private readonly options: LeanWebApiOptions) {
    const base = new URL(options.slackApiUrl);
    // The pool is bound to this one origin: whatever the path, the token goes nowhere else, and redirects are not followed.
    this.pool = new Pool(base.origin);
    this.basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  }

  async call(token: string, method: string, args: Record<string, unknown>): Promise<WebAPICallResult> {
    const { statusCode, headers, text } = await this.post(token, method, args);
    if (statusCode < 200 || statusCode >= 300) {
      const retryAfter = Number.parseInt(String(headers[RETRY_AFTER_HEADER] ?? ''), 10);
      throw new SlackHttpError(statusCode, text, Number.isFinite(retryAfter) ? retryAfter : undefined, method);
    }
    const result = parseResult(text, method);
    if (!result.ok) throw new SlackPlatformError(result.error ?? 'unknown_error', result.response_metadata?.messages ?? [], method);
    return result;
  }

  /**
   * One attempt, answer read whole, under a whole-attempt timeout like the WebClient's (undici's own headers/body
   * timeouts are coarse, ≈0.5 s ticks, above 1 s): a controller and a timer, as AbortSignal.timeout costs several
   * times more per call.
   */
  private async post(token: string, method: string, args: Record<string, unknown>): Promise<{ statusCode: number; headers: IncomingHttpHeaders; text: string }> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), this.options.requestTimeoutMs);
    try {
      const { statusCode, headers, body } = await this.pool.request({
        method: 'POST',
        path: `${this.basePath}${method}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(args),
        signal: abort.signal,
      });
      return { statusCode, headers, text: await body.text() };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

type AnswerBody = WebAPICallResult & { error?: string };

function parseResult(text: string, method: string): AnswerBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { ok?: unknown }).ok !== 'boolean') {
    // Classified as a network error with the request sent: Slack may have acted, we cannot tell.
    throw new Error(`${method} answered HTTP 2xx with a body that is not a Web API result`);
  }
  return parsed as AnswerBody;
}
