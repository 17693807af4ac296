import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createResponseUrlPoster } from '../../src/slack/post';

describe('response_url poster (node:http, kept-alive connections)', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method?: string; type?: string; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method,
          type: req.headers['content-type'],
          body: Buffer.concat(chunks).toString(),
        });
        if (req.url === '/gone') return res.writeHead(404, 'Not Found').end('expired_url');
        if (req.url === '/empty') return res.writeHead(204).end();
        if (req.url === '/slow') return; // never answers
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('posts the JSON body and answers with the status, as Bolt respond() reads it', async () => {
    const poster = createResponseUrlPoster(fetch, 2_000);
    const body = JSON.stringify({ text: 'héllo ✓', blocks: [] });
    const ok = await poster.post(`${url}/ok`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    expect([ok.ok, ok.status, await ok.text()]).toEqual([true, 200, 'ok']);
    expect(seen.at(-1)).toEqual({ method: 'POST', type: 'application/json', body });
    const gone = await poster.post(`${url}/gone`, { method: 'POST', body });
    expect([gone.ok, gone.status, gone.statusText]).toEqual([false, 404, 'Not Found']);
    const empty = await poster.post(`${url}/empty`, { method: 'POST', body });
    expect([empty.ok, empty.status]).toEqual([true, 204]);
    poster.close();
  });

  it('a response_url that never answers fails after the timeout instead of hanging', async () => {
    const poster = createResponseUrlPoster(fetch, 200);
    await expect(poster.post(`${url}/slow`, { method: 'POST', body: '{}' })).rejects.toThrow(/within 200 ms/);
    poster.close();
  });

  it('anything but a POST of a string body goes to the fallback', async () => {
    const calls: string[] = [];
    const fallback = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response('fallback');
    }) as typeof fetch;
    const poster = createResponseUrlPoster(fallback);
    expect(await (await poster.post(`${url}/ok`, { method: 'GET' })).text()).toBe('fallback');
    expect(await (await poster.post(`${url}/ok`, { method: 'POST', body: new Uint8Array([1]) })).text()).toBe(
      'fallback',
    );
    expect(calls).toEqual([`${url}/ok`, `${url}/ok`]);
    poster.close();
  });
});
