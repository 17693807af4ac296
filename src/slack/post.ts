import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

const NULL_BODY = new Set([204, 205, 304]);

export interface ResponseUrlPoster {
  post(url: string, init: RequestInit): Promise<Response>;
  /** Closes the kept-alive connections (on stop). */
  close(): void;
}

/**
 * Posts answers to response_url with node:http over kept-alive connections, for Bolt's `respond()`
 * (which only reads the status). WHATWG `fetch` (undici) cost several times the CPU and allocation
 * per answer: streams, Request/Headers/AbortSignal objects (`npm run bench` CPU profiles, Approve click).
 * Anything that is not a POST of a string body goes to `fallback` (fetch).
 */
export function createResponseUrlPoster(fallback: typeof fetch, timeoutMs = 10_000): ResponseUrlPoster {
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
  };
  const post = (url: string, init: RequestInit): Promise<Response> => {
    const body = init.body;
    if ((init.method ?? 'GET').toUpperCase() !== 'POST' || typeof body !== 'string' || init.signal)
      return fallback(url, init);
    const target = new URL(url);
    const https = target.protocol === 'https:';
    return new Promise<Response>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        target,
        {
          method: 'POST',
          agent: https ? agents.https : agents.http,
          timeout: timeoutMs,
          headers: {
            'content-type': 'application/json',
            ...Object.fromEntries(new Headers(init.headers)),
            'content-length': String(Buffer.byteLength(body)),
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 599)
              return reject(new Error(`response_url answered HTTP ${status}`));
            resolve(
              new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage ?? '',
              }),
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`response_url did not answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  };
  return {
    post,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
