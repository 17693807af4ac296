// The GitHub emulator's fault injection: queued faults, which request takes one, and the answer GitHub would give.
import { DOCS, type Reply } from './reply';

export interface GhFault {
  /** answer with this status instead of the real answer; omitted = answer normally (after delayMs) */
  status?: number;
  /** seconds, sent as `retry-after` (and used for `x-ratelimit-reset` on primary rate limits) */
  retryAfter?: number;
  /** wait this long before answering (cancelled by stop()) */
  delayMs?: number;
  /** how many matching requests get this fault; default 1 */
  times?: number;
  /** with status 403: answer as GitHub's secondary rate limit */
  secondary?: boolean;
  /** override the JSON body of the fault answer */
  body?: unknown;
  /**
   * Perform the request normally (a write is applied) but hold the answer this long: the state a
   * client killed while waiting for GitHub's answer leaves behind (crash tests).
   */
  holdResponseMs?: number;
  /** restrict to a method and/or a path (RegExp, or a substring of the raw path) */
  match?: { method?: string; path?: RegExp | string };
}

const FAULT_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Validation Failed',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** '*' or '' matches any method; otherwise case-insensitive equality. */
export function methodMatches(want: string, got: string): boolean {
  return want === '*' || want === '' || want.toUpperCase() === got.toUpperCase();
}

/** A RegExp tested against the raw path, or a substring of it. */
export function pathMatches(pattern: RegExp | string, path: string): boolean {
  if (typeof pattern === 'string') return path.includes(pattern);
  pattern.lastIndex = 0;
  return pattern.test(path);
}

/** Faults waiting for a matching request, first injected first taken. */
export class FaultQueue {
  private readonly faults: { fault: GhFault; left: number }[] = [];

  inject(f: GhFault): void {
    if (f.status === undefined && !f.delayMs && !f.holdResponseMs)
      throw new Error('a fault needs a status, a delayMs or a holdResponseMs');
    this.faults.push({ fault: { ...f }, left: f.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** The first fault matching this request, counted down (and dropped when used up). */
  take(method: string, path: string): GhFault | undefined {
    for (let idx = 0; idx < this.faults.length; idx++) {
      const f = this.faults[idx]!;
      const m = f.fault.match;
      if (m?.method && !methodMatches(m.method, method)) continue;
      if (m?.path !== undefined && !pathMatches(m.path, path)) continue;
      f.left--;
      if (f.left <= 0) this.faults.splice(idx, 1);
      return f.fault;
    }
    return undefined;
  }
}

/**
 * The answer for a fault with a status: GitHub's secondary rate limit (403 + `secondary`), its
 * primary rate limit (429, or 403 with `retryAfter`), or a plain error. `botUserId` goes into the
 * rate-limit message as GitHub names the user (asked only then: ids are handed out on first sight).
 */
export function faultReply(f: GhFault, botUserId: () => number): Reply {
  const status = f.status ?? 500;
  const headers: Record<string, string> = {};
  if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
  const primary = status === 429 || (status === 403 && !f.secondary && f.retryAfter !== undefined);
  let json: unknown;
  if (status === 403 && f.secondary) {
    json = {
      message:
        'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403',
    };
  } else if (primary) {
    headers['x-ratelimit-remaining'] = '0';
    headers['x-ratelimit-reset'] = String(Math.ceil(Date.now() / 1000) + (f.retryAfter ?? 60));
    json = {
      message: `API rate limit exceeded for user ID ${botUserId()}.`,
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
      status: String(status),
    };
  } else {
    json = {
      message: FAULT_MESSAGES[status] ?? `HTTP ${status}`,
      documentation_url: DOCS,
      status: String(status),
    };
  }
  return { status, json: f.body !== undefined ? f.body : json, headers };
}
