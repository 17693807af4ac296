// The Slack emulator's Socket Mode: a WebSocket server on /socket that says hello, sends envelopes and collects their acks.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export class SocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly pendingAcks = new Map<string, (payload: unknown) => void>();

  /** Takes over WebSocket upgrades to /socket on `server` (any other upgrade is refused). */
  constructor(server: Server) {
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  get clients(): number {
    return this.wss.clients.size;
  }

  /** Sends an envelope to a connected app and resolves with the payload it acked with. */
  sendEnvelope(type: EnvelopeType, payload: unknown, timeoutMs: number): Promise<unknown> {
    const ws = [...this.wss.clients].find((c) => c.readyState === WebSocket.OPEN);
    if (!ws) return Promise.reject(new Error('no Socket Mode client connected'));
    const envelope_id = randomBytes(8).toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelope_id);
        reject(new Error('envelope not acked in time'));
      }, timeoutMs);
      this.pendingAcks.set(envelope_id, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
      ws.send(
        JSON.stringify({
          envelope_id,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: 0,
          retry_reason: '',
        }),
      );
    });
  }

  /** Drops every connection and stops accepting new ones. */
  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private onSocket(ws: WebSocket) {
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'ARELBOT' } }));
    ws.on('message', (data) => {
      try {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (msg.envelope_id) {
          const resolve = this.pendingAcks.get(msg.envelope_id);
          this.pendingAcks.delete(msg.envelope_id);
          resolve?.(msg.payload ?? null);
        }
      } catch {
        /* ignore */
      }
    });
  }
}
