// HTTP helpers shared by relbot and the sandbox emulators: JSON and text answers, and the one request-body reader.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

/** A request body over the reader's limit. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super('request body too large');
    this.name = 'BodyTooLarge';
  }
}

/**
 * Reads a request body as bytes. Past `limit` bytes it stops and throws BodyTooLarge, leaving the
 * request open so the caller can still answer (413) before it destroys the request; an error of
 * the stream itself (the client went away) is rethrown as it is.
 */
export async function readBodyBuffer(req: IncomingMessage, limit = 1_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req.iterator({ destroyOnReturn: false })) {
    const chunk = c as Buffer;
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads a request body as UTF-8 text, refusing more than `limit` bytes (BodyTooLarge; the request is destroyed). */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  try {
    return (await readBodyBuffer(req, limit)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLarge) req.destroy();
    throw err;
  }
}
