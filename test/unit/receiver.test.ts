import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { boltLogger, createLogger } from '../../src/log';
import { signSlackRequest } from '../../src/sandbox/slack/driver';
import { createReceiver, INTERACTION_TYPES, routeHandler } from '../../src/slack/receiver';

const SECRET = 'receiver-test-secret';
const log = createLogger({ level: 'silent' });

function receiverOptions(mode: 'http' | 'socket') {
  return {
    mode,
    env: { slackSigningSecret: SECRET, slackAppToken: 'xapp-test' },
    log,
    logger: boltLogger(log),
    clientOptions: {},
    routes: [],
  };
}

describe('createReceiver', () => {
  test('HTTP mode builds an HTTPReceiver, Socket Mode a SocketModeReceiver', () => {
    const http = createReceiver(receiverOptions('http'));
    expect(http.receiver).toBeInstanceOf(HTTPReceiver);
    expect(http.http).toBe(http.receiver);
    expect(http.socket).toBeUndefined();
    const socket = createReceiver(receiverOptions('socket'));
    expect(socket.receiver).toBeInstanceOf(SocketModeReceiver);
    expect(socket.socket).toBe(socket.receiver);
    expect(socket.http).toBeUndefined();
  });

  test('Bolt-routed interaction types', () => {
    expect([...INTERACTION_TYPES]).toEqual(
      expect.arrayContaining(['block_actions', 'view_submission', 'view_closed', 'shortcut']),
    );
    expect(INTERACTION_TYPES.has('event_callback')).toBe(false);
  });
});

/** Requests that never reach Bolt: the guard answers them. */
describe('the malformed-body guard', () => {
  let server: Server;
  let port: number;
  const answered: ServerResponse[] = [];

  beforeAll(async () => {
    const { http } = createReceiver(receiverOptions('http'));
    server = createServer((req, res) => {
      answered.push(res);
      http!.requestListener(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  function post(
    body: string,
    opts: { sign?: boolean; contentType?: string } = {},
  ): Promise<{ status?: number; text?: string; error?: string }> {
    const ts = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
    if (opts.sign) {
      headers['x-slack-request-timestamp'] = String(ts);
      headers['x-slack-signature'] = signSlackRequest(SECRET, ts, body);
    }
    return new Promise((resolve) => {
      const req = request(
        { port, host: '127.0.0.1', method: 'POST', path: '/slack/events', headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
          res.on('error', (err) => resolve({ error: err.message }));
        },
      );
      req.on('error', (err) => resolve({ error: err.message }));
      req.end(body);
    });
  }

  test('unsigned malformed bodies are 401, signed ones 400', async () => {
    expect(await post('null')).toMatchObject({ status: 401 });
    expect(await post('null', { sign: true })).toMatchObject({ status: 400, text: 'malformed body' });
    expect(await post('[1]', { sign: true })).toMatchObject({ status: 400 });
    expect(await post('{"no":"type"}', { sign: true })).toMatchObject({ status: 400 });
    expect(await post('not json', { sign: true })).toMatchObject({ status: 400 });
  });

  test('form bodies: an interaction payload needs a type Bolt routes; else a command or an ssl_check', async () => {
    const form = { contentType: 'application/x-www-form-urlencoded', sign: true };
    const payload = (p: unknown) => new URLSearchParams({ payload: JSON.stringify(p) }).toString();
    expect(await post(payload({ type: 'made_up' }), form)).toMatchObject({ status: 400 });
    expect(await post(payload(null), form)).toMatchObject({ status: 400 });
    expect(await post('payload=%7Bnot-json', form)).toMatchObject({ status: 400 });
    expect(await post('text=no-command', form)).toMatchObject({ status: 400 });
    expect(await post('text=no-command', { ...form, sign: false })).toMatchObject({ status: 401 });
  });

  test('a body over 4 MiB is answered 413 without being read to the end', async () => {
    answered.length = 0;
    await post('x'.repeat(4 * 1024 * 1024 + 1), { sign: true });
    // The connection is dropped after the answer, so the client may see either; the server answered 413.
    expect(answered).toHaveLength(1);
    expect(answered[0]!.statusCode).toBe(413);
  });

  test('exactly 4 MiB is read (and, malformed, answered 400)', async () => {
    expect(await post(' '.repeat(4 * 1024 * 1024), { sign: true })).toMatchObject({ status: 400 });
  });
});

describe('routeHandler (Socket Mode)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer(
      routeHandler([
        { path: '/ok', method: ['GET'], handler: (_req, res) => res.end('fine') },
        { path: '/post', method: 'post', handler: (_req, res) => res.end('posted') },
        { path: '/boom', method: ['GET'], handler: () => Promise.reject(new Error('boom')) },
        {
          path: '/release/:version',
          method: ['GET'],
          handler: (req, res) =>
            res.end(`v=${(req as unknown as { params: { version: string } }).params.version}`),
        },
      ]),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('routes by path and method (case-insensitive), 404 otherwise, 500 when a handler fails', async () => {
    const get = async (path: string, method = 'GET') => {
      const res = await fetch(`${base}${path}`, { method });
      return [res.status, await res.text()];
    };
    expect(await get('/ok?x=1')).toEqual([200, 'fine']);
    expect(await get('/post', 'POST')).toEqual([200, 'posted']);
    expect(await get('/post')).toEqual([404, 'not found']);
    expect(await get('/nowhere')).toEqual([404, 'not found']);
    expect(await get('/boom')).toEqual([500, 'Error: boom']);
  });

  test('a `:name` segment matches one segment, as in HTTP mode (the /release/1.37 page in Socket Mode)', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      return [res.status, await res.text()];
    };
    expect(await get('/release/1.37')).toEqual([200, 'v=1.37']);
    expect(await get('/release/v1%2E37')).toEqual([200, 'v=v1.37']);
    expect(await get('/release/')).toEqual([404, 'not found']);
    expect(await get('/release/1.37/more')).toEqual([404, 'not found']);
    expect(await get('/release/%E0%A4%A')).toEqual([404, 'not found']);
  });
});
