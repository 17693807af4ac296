import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';

/**
 * The one Octokit factory: GITHUB_API_URL (GitHub Enterprise works), a PAT or GitHub App
 * credentials, the throttling plugin (primary and secondary rate limits, Retry-After honoured) and
 * the retry plugin (5xx with back-off), a bounded ETag cache so an unchanged GET costs only a 304,
 * and request counts by status in /metrics.
 */

export const RelbotOctokit = Octokit.plugin(throttling, retry);
export type GitHub = InstanceType<typeof RelbotOctokit>;

export interface GitHubOptions {
  baseUrl: string;
  token?: string;
  app?: { appId: string; privateKey: string; installationId: string };
  log: Logger;
  metrics?: Metrics;
  /** Retries of 5xx and rate-limited requests. */
  retries?: number;
  /** Milliseconds per second of Retry-After (1000 in production; tests shrink it). */
  retryAfterBaseMs?: number;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  etagCacheSize?: number;
}

interface CachedResponse {
  etag: string;
  response: { data: unknown; headers: Record<string, unknown>; status: number; url: string };
}

export function createGitHub(opts: GitHubOptions): GitHub {
  const retries = opts.retries ?? 3;
  const base = opts.retryAfterBaseMs ?? 1000;
  const log = opts.log.child({ component: 'github' });
  const octokit = new RelbotOctokit({
    baseUrl: opts.baseUrl.replace(/\/$/, ''),
    userAgent: 'relbot (kubernetes sig-release)',
    ...(opts.app
      ? {
          authStrategy: loadAppAuth(),
          auth: {
            appId: opts.app.appId,
            privateKey: opts.app.privateKey,
            installationId: opts.app.installationId,
          },
        }
      : opts.token
        ? { auth: opts.token }
        : {}),
    // Retries come from the retry plugin's own state: putting `retries` into the default request
    // options would make its limiter retry every error, 304 Not Modified and 404 included.
    // @octokit/request has no `timeout` option (it was silently ignored): every fetch, retries
    // included, gets its own deadline instead, so a GitHub that never answers fails and is retried.
    request: { fetch: fetchWithTimeout(opts.timeoutMs ?? 15000) },
    // 429 is the throttling plugin's (with Retry-After); if the retry plugin retried it as well, each
    // of its attempts would get the throttling plugin's retries too (5 requests instead of 3).
    retry: { retries, retryAfterBaseValue: base, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      retryAfterBaseValue: base,
      // GitHub's search API allows 30 requests a minute: the plugin spaces searches 2 s apart.
      // Scaled by the same base as Retry-After, so tests (which shrink the base) do not wait.
      search: spacedLimiterGroup(2 * base),
      // Writes (labels, comments): GitHub asks for at least a second between content-creating requests.
      write: spacedLimiterGroup(base),
      // Requests that notify people (comments, labels on issues): the plugin spaces them 3 s apart.
      notifications: spacedLimiterGroup(3 * base),
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _o: unknown,
        retryCount: number,
      ) => {
        log.warn({ retryAfter, method: options.method, url: options.url, retryCount }, 'GitHub rate limit');
        return retryCount < retries;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _o: unknown,
        retryCount: number,
      ) => {
        log.warn(
          { retryAfter, method: options.method, url: options.url, retryCount },
          'GitHub secondary rate limit',
        );
        return retryCount < retries;
      },
    },
    log: {
      debug: () => {},
      info: () => {},
      warn: (msg: string) => log.warn(msg),
      error: (msg: string) => logFailedRequest(log, msg),
    },
  });

  const cache = new Map<string, CachedResponse>();
  const cacheSize = opts.etagCacheSize ?? 1000;
  octokit.hook.wrap('request', async (request, options) => {
    const method = String(options.method ?? 'GET').toUpperCase();
    const key = method === 'GET' ? `${options.url}|${JSON.stringify(stripMeta(options))}` : undefined;
    const cached = key ? cache.get(key) : undefined;
    if (cached) options.headers = { ...options.headers, 'if-none-match': cached.etag };
    try {
      const response = await request(options);
      opts.metrics?.githubRequests.inc({ method, status: String(response.status) });
      const etag = (response.headers as Record<string, unknown>).etag;
      if (key && typeof etag === 'string') {
        cache.delete(key);
        // A copy: callers (octokit.paginate normalising search pages) mutate the response they get.
        cache.set(key, {
          etag,
          response: structuredClone(response) as unknown as CachedResponse['response'],
        });
        if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      }
      return response;
    } catch (err) {
      const status = (err as { status?: number }).status;
      opts.metrics?.githubRequests.inc({ method, status: String(status ?? 'network') });
      if (status === 304 && cached) {
        cache.delete(key!);
        cache.set(key!, cached);
        // A fresh copy per answer, marked so callers can tell a cache hit (304) from a 200.
        const copy = structuredClone(cached.response);
        const hit: Awaited<ReturnType<typeof request>> = {
          ...(copy as Awaited<ReturnType<typeof request>>),
          headers: { ...copy.headers, [ETAG_CACHE_HEADER]: 'hit' },
        };
        return hit;
      }
      throw err;
    }
  });
  return octokit;
}

/**
 * Octokit's request log reports every non-2xx answer at error level, 304 Not Modified included.
 * Error means someone should look: a 304 is an ETag cache hit (debug), a 4xx is an answer the
 * caller handles and reports to the person who asked (warn); 5xx, timeouts and network errors stay
 * errors. The line reads `GET /repos/… - 304 with id … in 12ms`.
 */
export function logFailedRequest(log: Logger, msg: string): void {
  const status = Number(/ - (\d{3}) with id /.exec(msg)?.[1]);
  if (status === 304) log.debug({ status }, msg);
  else if (status >= 400 && status < 500) log.warn({ status }, msg);
  else log.error({ status: Number.isFinite(status) ? status : undefined }, msg);
}

/** `fetch` that aborts after `ms` (a TimeoutError, which Octokit reports as a retryable 500). */
function fetchWithTimeout(ms: number): typeof fetch {
  return (input, init) => {
    const deadline = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return fetch(input, { ...init, signal }).catch((err: unknown) => {
      // A DOMException is not an Error here, so Octokit would call it "Unknown Error".
      if (deadline.aborted) throw new Error(`GitHub did not answer within ${ms} ms (timeout)`);
      throw err;
    });
  };
}

/** Response header set on answers served from the ETag cache after a 304 Not Modified. */
export const ETAG_CACHE_HEADER = 'x-relbot-etag-cache';

/**
 * A Bottleneck group for one of the throttling plugin's request classes: each job starts at least
 * `minTimeMs` after the previous one started. One per Octokit instance, passed through the plugin's
 * public `throttle` options: its default groups are process-wide, so one client's spacing (or a
 * test's) would slow every other client's retries.
 */
function spacedLimiterGroup(minTimeMs: number): Bottleneck.Group {
  return new Bottleneck.Group({ minTime: minTimeMs });
}

function stripMeta(options: Record<string, unknown>): Record<string, unknown> {
  const { headers: _h, request: _r, baseUrl: _b, mediaType, ...rest } = options;
  return { ...rest, mediaType };
}

/**
 * GitHub App auth is loaded only when App credentials are configured: it pulls in a JWT and OAuth
 * stack (about 10 MB of RSS) that a token-authenticated relbot never uses.
 */
function loadAppAuth(): typeof import('@octokit/auth-app').createAppAuth {
  return (require('@octokit/auth-app') as typeof import('@octokit/auth-app')).createAppAuth;
}
