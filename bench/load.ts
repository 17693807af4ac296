import autocannon from 'autocannon';
import { sign } from './common';

/**
 * One load run with autocannon: `connections` keep-alive connections POSTing one signed body for
 * `seconds`. The body is signed right before the run (Bolt accepts a timestamp within 5 minutes).
 * Latency is taken from autocannon's per-response event (hrtime, microsecond resolution; its own
 * histogram rounds to whole milliseconds, too coarse for ratios at ~1 ms), 2xx answers only.
 */

export interface LoadResult {
  connections: number;
  seconds: number;
  /** 2xx answers per second. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export async function runLoad(opts: {
  url: string;
  body: string;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  let lat = new Float64Array(1 << 16);
  let n = 0;
  let non2xx = 0;
  const result = await new Promise<autocannon.Result>((resolveRun, reject) => {
    const instance = autocannon(
      {
        url: `${opts.url}/slack/events`,
        method: 'POST',
        headers: sign(opts.body),
        body: opts.body,
        connections: opts.connections,
        duration: opts.seconds,
        timeout: 10,
      },
      (err, res) => (err ? reject(err) : resolveRun(res)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status < 200 || status > 299) {
        non2xx++;
        return;
      }
      if (n === lat.length) {
        const bigger = new Float64Array(lat.length * 2);
        bigger.set(lat);
        lat = bigger;
      }
      lat[n++] = ms;
    });
  });
  const sorted = lat.subarray(0, n).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const duration = result.duration || opts.seconds;
  return {
    connections: opts.connections,
    seconds: opts.seconds,
    rps: n / duration,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: n ? sum / n : Number.NaN,
    max: n ? sorted[n - 1]! : Number.NaN,
    ok: n,
    non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
