// The GitHub emulator's answers: request context, error bodies, Link pagination, ETags and rate-limit headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sha1 } from './model';
import type { GhJson } from './wire';

export interface GhCall {
  method: string;
  /** raw (still percent-encoded) path, without the query string */
  path: string;
  query: Record<string, string>;
  /** parsed JSON body, the raw text when it is not JSON, undefined when empty */
  body: unknown;
  /** status answered; 0 while the answer is pending or when the client went away first */
  status: number;
  /** arrival time, from the emulator's clock (ms since epoch) */
  at: number;
  /** request headers, lower-case names */
  headers: Record<string, string | undefined>;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  call: GhCall;
  method: string;
  pathname: string;
  query: URLSearchParams;
  body: unknown;
  bodyError: boolean;
  /** http://host:port of this request, used for `url` fields and Link headers */
  origin: string;
  accept: string;
  /** JSON shapes with this request's origin */
  json: GhJson;
}

export interface Reply {
  status: number;
  /** JSON body (serialised) */
  json?: unknown;
  /** raw text body (sent as text/plain) */
  text?: string;
  headers?: Record<string, string>;
}

export const DOCS = 'https://docs.github.com/rest';

export const notFound = (message = 'Not Found'): Reply => ({
  status: 404,
  json: { message, documentation_url: DOCS, status: '404' },
});

export const validationFailed = (resource: string, field: string, code: string, message?: string): Reply => ({
  status: 422,
  json: {
    message: 'Validation Failed',
    errors: [{ resource, field, code, ...(message ? { message } : {}) }],
    documentation_url: DOCS,
    status: '422',
  },
});

/** GitHub's 422 for a rule that is not about one field (`code: custom`), e.g. "A pull request already exists". */
export const customValidation = (resource: string, message: string): Reply => ({
  status: 422,
  json: {
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', message }],
    documentation_url: DOCS,
    status: '422',
  },
});

/** Slice a list by per_page/page and build the Link header from the request's own origin. */
export function paginate<T>(
  ctx: Pick<Ctx, 'query' | 'origin' | 'pathname'>,
  all: T[],
): { items: T[]; headers: Record<string, string> } {
  const perRaw = Number.parseInt(ctx.query.get('per_page') ?? '', 10);
  const per = Number.isFinite(perRaw) && perRaw > 0 ? Math.min(perRaw, 100) : 30;
  const pageRaw = Number.parseInt(ctx.query.get('page') ?? '', 10);
  const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  const last = Math.max(1, Math.ceil(all.length / per));
  const items = all.slice((page - 1) * per, page * per);
  const link = (n: number, rel: string): string => {
    const q = new URLSearchParams(ctx.query);
    q.set('page', String(n));
    return `<${ctx.origin}${ctx.pathname}?${q.toString()}>; rel="${rel}"`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) parts.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) parts.push(link(1, 'first'));
  return { items, headers: parts.length ? { link: parts.join(', ') } : {} };
}

const RATE_WINDOWS = {
  core: { limit: 5000, seconds: 3600 },
  search: { limit: 30, seconds: 60 },
} as const;
type RateResource = keyof typeof RATE_WINDOWS;

/** Counted quota per resource; informative only (remaining never drops below 1). */
export class RateLimits {
  private readonly rate = {
    core: { used: 0, resetAt: 0 },
    search: { used: 0, resetAt: 0 },
  };

  resource(path: string): RateResource {
    return path.startsWith('/search/') ? 'search' : 'core';
  }

  limit(r: RateResource): number {
    return RATE_WINDOWS[r].limit;
  }

  /** The window of a resource, restarted when it has run out (wall clock, as GitHub's reset is). */
  state(r: RateResource): { used: number; resetAt: number } {
    const st = this.rate[r];
    const nowS = Math.floor(Date.now() / 1000);
    if (nowS >= st.resetAt) {
      st.used = 0;
      st.resetAt = nowS + RATE_WINDOWS[r].seconds;
    }
    return st;
  }

  /** The body of GET /rate_limit. */
  report(): Record<string, unknown> {
    const res = (r: RateResource) => {
      const st = this.state(r);
      const limit = RATE_WINDOWS[r].limit;
      return { limit, used: st.used, remaining: Math.max(1, limit - st.used), reset: st.resetAt };
    };
    const core = res('core');
    return {
      resources: {
        core,
        search: res('search'),
        graphql: { limit: 5000, used: 0, remaining: 5000, reset: core.reset },
      },
      rate: core,
    };
  }
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

/** Writes a reply with GitHub's headers: request id, ETag (304 on If-None-Match), rate limits. */
export function finish(ctx: Ctx, reply: Reply, rate: RateLimits, requestId: string): void {
  const { res, call } = ctx;
  const isGet = ctx.method === 'GET' || ctx.method === 'HEAD';
  let payload: string | undefined;
  let contentType: string | undefined;
  if (reply.text !== undefined) {
    payload = reply.text;
    contentType = 'text/plain; charset=utf-8';
  } else if (reply.json !== undefined) {
    payload = JSON.stringify(reply.json);
    contentType = 'application/json; charset=utf-8';
  }
  let status = reply.status;
  const headers: Record<string, string> = {
    'x-github-media-type': 'github.v3; format=json',
    'x-github-request-id': requestId,
    'x-github-api-version-selected': '2022-11-28',
  };
  if (isGet && status === 200 && payload !== undefined) {
    const etag = `"${sha1(payload)}"`;
    headers['etag'] = etag;
    headers['cache-control'] = 'private, max-age=60, s-maxage=60';
    headers['vary'] = 'Accept, Authorization, Cookie, X-GitHub-OTP';
    if (etagMatches(ctx.req.headers['if-none-match'], etag)) {
      status = 304;
      payload = undefined;
      contentType = undefined;
    }
  }
  if (ctx.pathname !== '/rate_limit') {
    const resource = rate.resource(ctx.pathname);
    const st = rate.state(resource);
    if (status !== 304) st.used++;
    const limit = rate.limit(resource);
    headers['x-ratelimit-limit'] = String(limit);
    headers['x-ratelimit-remaining'] = String(Math.max(1, limit - st.used));
    headers['x-ratelimit-reset'] = String(st.resetAt);
    headers['x-ratelimit-used'] = String(st.used);
    headers['x-ratelimit-resource'] = resource;
  }
  Object.assign(headers, reply.headers);
  if (contentType) headers['content-type'] = contentType;
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  call.status = status;
  res.writeHead(status, headers);
  res.end(ctx.method === 'HEAD' || payload === undefined ? undefined : payload);
}
