import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';
export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';
export const DISCONNECT_REASONS: DisconnectReason[] = ['refresh_requested', 'warning', 'link_disabled'];

/** What Slack writes into every Socket Mode envelope besides its id. */
export interface EnvelopeBody {
  type: EnvelopeType;
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

export interface SocketConnectionInfo {
  connectionId: string;
  appId: string;
  url: string;
  openedAt: number;
  /** True once a disconnect message went out; such a connection gets no new envelopes. */
  closing: boolean;
}

interface Connection extends SocketConnectionInfo { ws: WebSocket }

export interface EnvelopeOutcome {
  envelopeId: string;
  /** `acked`: the app answered with the envelope id; `no_connection`: none was open. */
  outcome: 'acked' | 'timeout' | 'no_connection';
  connection?: SocketConnectionInfo;
  /** The ack's `payload`, when it carried one. */
  ackPayload?: unknown;
  ackMs: number;
}

interface PendingAck { appId: string; settle(ackPayload: unknown, acked: boolean): void }

const HOST = 'applink-sim-1';

function info(c: Connection): SocketConnectionInfo {
  const { ws: _ws, ...rest } = c;
  return rest;
}

/**
 * Socket Mode's server side (docs.slack.dev/apis/events-api/using-socket-mode): single-use tickets from
 * apps.connections.open, a `hello` on connect, envelopes handed round robin to an app's open connections and
 * matched to their acks, and `disconnect` messages on request.
 */
export class SocketHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Map<string, string>();
  private readonly connections = new Map<string, Connection>();
  private readonly pending = new Map<string, PendingAck>();
  private readonly turn = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private connectionSeq = 0;

  constructor(private readonly options: { warningCloseMs: number; now: () => number }) {}

  /** A ticket for one connection; the returned path goes after the simulator's ws:// base. */
  issueTicket(appId: string): string {
    const ticket = randomBytes(16).toString('hex');
    this.tickets.set(ticket, appId);
    return ticket;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ticket: string, url: string): void {
    const appId = this.tickets.get(ticket);
    if (!appId) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    this.tickets.delete(ticket);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(appId, ws, url));
  }

  list(appId?: string): SocketConnectionInfo[] {
    return [...this.connections.values()].filter((c) => !appId || c.appId === appId).map(info);
  }

  /** Sends one envelope to one open connection of the app (round robin) and waits for its ack. */
  deliver(appId: string, body: EnvelopeBody, ackTimeoutMs: number): Promise<EnvelopeOutcome> {
    const envelopeId = randomUUID();
    const open = [...this.connections.values()].filter((c) => c.appId === appId && !c.closing
      && c.ws.readyState === WebSocket.OPEN);
    const next = this.turn.get(appId) ?? 0;
    const connection = open[next % Math.max(open.length, 1)];
    if (!connection) return Promise.resolve({ envelopeId, outcome: 'no_connection', ackMs: 0 });
    this.turn.set(appId, next + 1);
    const started = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined, false), ackTimeoutMs);
      this.timers.add(timer);
      const settle = (ackPayload: unknown, acked: boolean): void => {
        if (!this.pending.delete(envelopeId)) return;
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve({ envelopeId, outcome: acked ? 'acked' : 'timeout', connection: info(connection),
          ackMs: Math.round(performance.now() - started), ...(ackPayload !== undefined ? { ackPayload } : {}) });
      };
      this.pending.set(envelopeId, { appId, settle });
      connection.ws.send(JSON.stringify({ envelope_id: envelopeId, ...body }));
    });
  }

  /**
   * Sends `disconnect` to one or all of the app's connections. Slack keeps the socket about ten seconds after a
   * `warning` and closes soon after the other reasons.
   */
  disconnect(appId: string, reason: DisconnectReason, connectionId?: string): SocketConnectionInfo[] {
    const targets = this.targets(appId, connectionId);
    for (const c of targets) {
      c.closing = true;
      if (c.ws.readyState === WebSocket.OPEN) {
        c.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: HOST } }));
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        c.ws.close(1000, reason);
      }, reason === 'warning' ? this.options.warningCloseMs : 50);
      this.timers.add(timer);
    }
    return targets.map(info);
  }

  /** Destroys the TCP connections without a close frame, as a network failure would. */
  drop(appId: string, connectionId?: string): SocketConnectionInfo[] {
    const targets = this.targets(appId, connectionId);
    for (const c of targets) {
      c.ws.terminate();
      this.connections.delete(c.connectionId);
    }
    return targets.map(info);
  }

  /** Ends everything: sockets, unused tickets, ack waits (as timeouts) and close timers. */
  closeAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const c of this.connections.values()) c.ws.terminate();
    this.connections.clear();
    this.tickets.clear();
    this.turn.clear();
    for (const pending of [...this.pending.values()]) pending.settle(undefined, false);
  }

  private targets(appId: string, connectionId?: string): Connection[] {
    return [...this.connections.values()].filter((c) => c.appId === appId
      && (!connectionId || c.connectionId === connectionId));
  }

  private accept(appId: string, ws: WebSocket, url: string): void {
    this.connectionSeq += 1;
    const connection: Connection = { connectionId: `sock-${this.connectionSeq}`, appId, url, ws,
      openedAt: this.options.now(), closing: false };
    this.connections.set(connection.connectionId, connection);
    ws.on('message', (data) => this.onMessage(appId, String(data)));
    ws.on('close', () => this.connections.delete(connection.connectionId));
    ws.on('error', () => this.connections.delete(connection.connectionId));
    const count = this.list(appId).length;
    ws.send(JSON.stringify({ type: 'hello', num_connections: count,
      debug_info: { host: HOST, build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: appId } }));
  }

  private onMessage(appId: string, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { envelope_id: envelopeId, payload } = message as { envelope_id?: unknown; payload?: unknown };
    if (typeof envelopeId !== 'string') return;
    const pending = this.pending.get(envelopeId);
    if (pending?.appId === appId) pending.settle(payload, true);
  }
}
