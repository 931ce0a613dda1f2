import { signedHeaders } from '@megatron/webhook-verifier';
import type { Dispatcher } from 'undici';
import type { AppCommandBody } from '../app-command-body.js';
import type { AppEndpoint, TenantSettings } from '../settings/tenant-settings.js';
import { failSpan, inSpan, SpanKind, traceHeaders, type AddressPolicy } from '@megatron/runtime';
import { postJson, type PostJsonResult } from './post-json.js';

export class EndpointDisabledError extends Error {
  override name = 'EndpointDisabledError';
}

export interface AppClientOptions {
  settings: TenantSettings;
  policy: AddressPolicy;
  dispatcher: Dispatcher;
  maxResponseBytes: number;
}

export interface SendOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface SendResult {
  endpoint: AppEndpoint;
  response: PostJsonResult;
}

/**
 * Sends one signed request to an organization's command_url: the single way out to an app. Each request
 * is a client span and carries its `traceparent`, so an integrator can join Megatron's trace.
 */
export class AppClient {
  constructor(private readonly options: AppClientOptions) {}

  get settings(): TenantSettings {
    return this.options.settings;
  }

  async send(organizationId: string, webhookId: string, makeBody: (endpoint: AppEndpoint) => AppCommandBody, send: SendOptions): Promise<SendResult> {
    const endpoint = await this.options.settings.endpoint(organizationId);
    if (endpoint.disabled) throw new EndpointDisabledError(`the app endpoint of organization ${organizationId} is disabled`);
    const body = JSON.stringify(makeBody(endpoint));
    // A fresh timestamp per attempt, the same id on every attempt (Standard Webhooks, retries).
    const headers = signedHeaders({ id: webhookId, timestamp: Math.floor(Date.now() / 1000), payload: body, secrets: endpoint.webhookSecrets });
    const attributes = { 'http.request.method': 'POST', 'megatron.organization_id': organizationId, 'megatron.webhook_id': webhookId };
    const response = await inSpan('POST command_url', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const answer = await postJson(
        {
          url: endpoint.commandUrl,
          body,
          headers: { ...headers, ...traceHeaders() },
          timeoutMs: send.timeoutMs,
          maxResponseBytes: this.options.maxResponseBytes,
          ...(send.signal ? { signal: send.signal } : {}),
        },
        this.options.policy,
        this.options.dispatcher,
      );
      span.setAttribute('http.response.status_code', answer.status);
      if (answer.status >= 500) failSpan(span, `answered ${answer.status}`);
      return answer;
    });
    return { endpoint, response };
  }
}
