import { Code } from '@connectrpc/connect';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { classifySlackFailure, codeForSlackError, SlackHttpError, SlackPlatformError } from './errors.js';

test.each([
  ['invalid_auth', Code.Unauthenticated],
  ['token_revoked', Code.Unauthenticated],
  ['channel_not_found', Code.NotFound],
  ['user_not_found', Code.NotFound],
  ['message_not_found', Code.NotFound],
  ['is_archived', Code.FailedPrecondition],
  ['not_in_channel', Code.FailedPrecondition],
  ['cant_update_message', Code.FailedPrecondition],
  ['name_taken', Code.AlreadyExists],
  ['missing_scope', Code.PermissionDenied],
  ['invalid_blocks', Code.InvalidArgument],
])('Slack error %s maps to gRPC code %s', (slackError, code) => {
  expect(codeForSlackError(slackError)).toBe(code);
});

test('a 429 is classified with its Retry-After in milliseconds', () => {
  expect(classifySlackFailure(new WebAPIRateLimitedError(7))).toEqual({ kind: 'rate_limited', retryAfterMs: 7000 });
});

test("Slack's internal_error answer is retried like a 5xx, other ok:false answers are permanent", () => {
  expect(classifySlackFailure(new WebAPIPlatformError({ ok: false, error: 'internal_error' }))).toMatchObject({ kind: 'transient' });
  expect(classifySlackFailure(new WebAPIPlatformError({ ok: false, error: 'is_archived' }))).toMatchObject({
    kind: 'permanent',
    slackError: 'is_archived',
  });
});

test('an HTTP 503 is transient and an HTTP 404 unknown_method is permanent', () => {
  expect(classifySlackFailure(new WebAPIHTTPError(503, 'Service Unavailable', {}, ''))).toMatchObject({ kind: 'transient', reason: 'server_error' });
  expect(classifySlackFailure(new WebAPIHTTPError(404, 'Not Found', {}, '{"ok":false,"error":"unknown_method"}'))).toMatchObject({
    kind: 'permanent',
    slackError: 'unknown_method',
  });
});

test('a refused connection never reached Slack; a timeout or reset may have', () => {
  const refused = new WebAPIRequestError(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }));
  const reset = new WebAPIRequestError(new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }));
  const timeout = new WebAPIRequestError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  expect(classifySlackFailure(refused)).toMatchObject({ reason: 'network_error', requestSent: false, detail: 'fetch failed: connect ECONNREFUSED 127.0.0.1:1' });
  expect(classifySlackFailure(reset)).toMatchObject({ reason: 'network_error', requestSent: true });
  expect(classifySlackFailure(timeout)).toMatchObject({ reason: 'network_error', requestSent: true });
});

test('the lean client\'s answers are classified like the WebClient\'s', () => {
  expect(classifySlackFailure(new SlackHttpError(429, '{"ok":false,"error":"ratelimited"}', 30, 'chat.postMessage'))).toEqual({ kind: 'rate_limited', retryAfterMs: 30_000 });
  expect(classifySlackFailure(new SlackPlatformError('ratelimited', [], 'chat.postMessage'))).toEqual({ kind: 'rate_limited', retryAfterMs: 1000 });
  expect(classifySlackFailure(new SlackPlatformError('internal_error', [], 'chat.update'))).toMatchObject({ kind: 'transient', reason: 'server_error' });
  expect(classifySlackFailure(new SlackPlatformError('invalid_blocks', ['[ERROR] no more than 50 items allowed'], 'chat.postMessage'))).toEqual({
    kind: 'permanent',
    slackError: 'invalid_blocks',
    detail: 'invalid_blocks ([ERROR] no more than 50 items allowed)',
  });
  expect(classifySlackFailure(new SlackHttpError(502, '<html>', undefined, 'chat.postMessage'))).toMatchObject({ kind: 'transient', reason: 'server_error' });
  expect(classifySlackFailure(new SlackHttpError(404, '{"ok":false,"error":"unknown_method"}', undefined, 'chat.nope'))).toMatchObject({ kind: 'permanent', slackError: 'unknown_method' });
});

test("undici's errors: a connect timeout never reached Slack, a headers timeout or closed socket may have", () => {
  const connectTimeout = Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' });
  const headersTimeout = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
  const closed = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  expect(classifySlackFailure(connectTimeout)).toMatchObject({ reason: 'network_error', requestSent: false });
  expect(classifySlackFailure(headersTimeout)).toMatchObject({ reason: 'network_error', requestSent: true });
  expect(classifySlackFailure(closed)).toMatchObject({ reason: 'network_error', requestSent: true });
});
