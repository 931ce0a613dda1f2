import { WebSocket } from 'ws';

export interface SocketMessage {
  type: string;
  envelope_id?: string;
  payload?: Record<string, unknown>;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
  reason?: string;
  num_connections?: number;
  debug_info?: Record<string, unknown>;
  connection_info?: { app_id: string };
}

/** A bare Socket Mode client on the real `ws` package: records what Slack sends and acks on request. */
export class SocketClient {
  readonly messages: SocketMessage[] = [];
  readonly closed: Promise<number>;
  private readonly ws: WebSocket;

  /** Acknowledge every envelope as soon as it arrives, without a payload. */
  autoAck = false;

  private constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as SocketMessage;
      this.messages.push(message);
      if (this.autoAck && message.envelope_id) this.ack(message.envelope_id);
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve(code)));
    this.ws.on('error', () => undefined);
  }

  static async connect(url: string, autoAck = false): Promise<SocketClient> {
    const client = new SocketClient(url);
    client.autoAck = autoAck;
    await client.next((m) => m.type === 'hello');
    return client;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  envelopes(type?: string): SocketMessage[] {
    return this.messages.filter((m) => m.envelope_id !== undefined && (!type || m.type === type));
  }

  /** Waits for the first message (already received or coming) that matches. */
  async next(match: (m: SocketMessage) => boolean, timeoutMs = 3000): Promise<SocketMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching socket message; saw ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  ack(envelopeId: string, payload?: unknown): void {
    this.ws.send(JSON.stringify({ envelope_id: envelopeId, ...(payload === undefined ? {} : { payload }) }));
  }

  close(): void {
    this.ws.close();
  }
}
