import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLarge, readBody, readBodyBuffer, sendText } from '../../src/http';

let server: Server;
let handler: (req: IncomingMessage, res: ServerResponse) => void;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** POSTs `body` on a fresh connection; resolves with the answer, or with the client-side error when there is none. */
function post(body: Buffer | string): Promise<{ status?: number; text?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(body);
  });
}

test('readBody returns the body as UTF-8 text', async () => {
  handler = (req, res) => {
    readBody(req, 100).then((t) => sendText(res, 200, `got ${t}`));
  };
  expect(await post('héllo')).toMatchObject({ status: 200, text: 'got héllo' });
});

test('readBodyBuffer returns the raw bytes, empty for no body', async () => {
  const seen: Buffer[] = [];
  handler = (req, res) => {
    readBodyBuffer(req, 100).then((b) => {
      seen.push(b);
      sendText(res, 200, String(b.length));
    });
  };
  expect(await post(Buffer.from([0xff, 0x00, 0x41]))).toMatchObject({ status: 200, text: '3' });
  expect(seen[0]).toEqual(Buffer.from([0xff, 0x00, 0x41]));
  expect(await post('')).toMatchObject({ status: 200, text: '0' });
});

test('a body of exactly the limit is read; one byte more is BodyTooLarge', async () => {
  const errors: unknown[] = [];
  handler = (req, res) => {
    readBodyBuffer(req, 10)
      .then((b) => sendText(res, 200, String(b.length)))
      .catch((err) => {
        errors.push(err);
        sendText(res, 413, 'request body too large');
        req.destroy();
      });
  };
  expect(await post('x'.repeat(10))).toMatchObject({ status: 200, text: '10' });
  // readBodyBuffer leaves the request open, so the caller's 413 reaches the client.
  expect(await post('x'.repeat(11))).toMatchObject({ status: 413, text: 'request body too large' });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(BodyTooLarge);
  expect(errors[0]).toMatchObject({ limit: 10, message: 'request body too large' });
});

test('readBody destroys a request over the limit', async () => {
  const errors: unknown[] = [];
  handler = (req) => {
    readBody(req, 1000).catch((err) => errors.push(err));
  };
  const out = await post('x'.repeat(200_000));
  expect(out.status).toBeUndefined();
  expect(out.error).toBeDefined();
  expect(errors[0]).toBeInstanceOf(BodyTooLarge);
});
