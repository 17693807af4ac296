import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import { Counter, Gauge, type Registry } from 'prom-client';
import { channelFor, type Deps } from '../deps';
import { context } from '../slack/blocks';
import { digestChart, digestChartLine, type ShareOutcome } from './burndown';
import {
  fetchTracked,
  MilestoneNotFound,
  newCount,
  type RequestCount,
  resolutionReasons,
  total,
} from './github';
import { type ClassifiedItem, classify, diffDigests, itemKey, type Summary, summarize } from './model';
import { type Rendered, renderSummary } from './render';
import { checkSig, currentMilestone, resolveMilestone, unknownMilestone } from './scope';
import { BlockerStore } from './store';
import { type GoNoGo, readGoNoGo } from './testgrid';

/**
 * The blocker summary's I/O edge: resolve the milestone, read GitHub (falling back to the last
 * known state, with its age, when GitHub fails), read testgrid, and the daily digest job with its
 * exactly-once post per scheduled slot.
 */

export const DIGEST_JOB = 'blockers-digest' as const;

// ------------------------------------------------------------------------------------- metrics

function metric<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function blockerMetrics(registry: Registry) {
  return {
    requests: metric(
      registry,
      'relbot_blockers_github_requests_total',
      () =>
        new Counter({
          name: 'relbot_blockers_github_requests_total',
          help: 'GitHub requests made for blocker summaries and digests (not_modified = 304 from the ETag cache)',
          labelNames: ['trigger', 'result'] as const,
          registers: [registry],
        }),
    ),
    lastDigest: metric(
      registry,
      'relbot_blockers_digest_github_requests',
      () =>
        new Gauge({
          name: 'relbot_blockers_digest_github_requests',
          help: 'GitHub requests the last blocker digest made',
          labelNames: ['result'] as const,
          registers: [registry],
        }),
    ),
    digests: metric(
      registry,
      'relbot_blockers_digests_total',
      () =>
        new Counter({
          name: 'relbot_blockers_digests_total',
          help: 'Blocker digest runs by outcome',
          labelNames: ['outcome'] as const,
          registers: [registry],
        }),
    ),
  };
}

function recordRequests(deps: Deps, trigger: 'digest' | 'command', count: RequestCount): void {
  const m = blockerMetrics(deps.metrics.registry);
  m.requests.inc({ trigger, result: 'fresh' }, count.fresh);
  m.requests.inc({ trigger, result: 'not_modified' }, count.notModified);
  m.requests.inc({ trigger, result: 'failed' }, count.failed);
  if (trigger === 'digest') {
    m.lastDigest.set({ result: 'fresh' }, count.fresh);
    m.lastDigest.set({ result: 'not_modified' }, count.notModified);
    m.lastDigest.set({ result: 'failed' }, count.failed);
  }
}

// ----------------------------------------------------------------------------------- milestone

export { normalizeMilestone, resolveMilestone } from './scope';

const reposOf = (deps: Deps) => deps.config.blockers.repos ?? deps.config.github.repos;

// ------------------------------------------------------------------------------------- summary

export interface SummaryResult {
  rendered: Rendered;
  summary: Summary;
  requests: RequestCount;
  /** Set when GitHub could not be read. */
  unavailable?: { reason: string; shownFrom?: string };
}

/** GitHub's answer as a short human reason. */
export function describeGitHubError(err: unknown): string {
  const e = err as { status?: number; message?: string; response?: { headers?: Record<string, string> } };
  if (e.status === 429 || (e.status === 403 && /rate limit/i.test(e.message ?? '')))
    return `GitHub rate limit (HTTP ${e.status})`;
  if (e.status) return `GitHub answered HTTP ${e.status}`;
  return `GitHub could not be reached: ${String(e.message ?? err).slice(0, 120)}`;
}

/** Reads and classifies; throws MilestoneNotFound or GitHub errors. */
export async function readBlockers(
  deps: Deps,
  milestone: string,
  count: RequestCount,
): Promise<ClassifiedItem[]> {
  const cfg = deps.config.blockers;
  const tracked = await fetchTracked(
    deps.github,
    { repos: reposOf(deps), milestone, labels: cfg.labels },
    count,
  );
  return classify(tracked, {
    milestone,
    labels: cfg.labels,
    staleAfterDays: cfg.staleAfterDays,
    now: deps.clock.now(),
  });
}

/** The testgrid signal of `milestone`: its per-version dashboards, and master's when it is the current one. */
async function goNoGo(deps: Deps, milestone: string): Promise<GoNoGo | undefined> {
  return readGoNoGo(deps.config.blockers.testgrid, {
    milestone,
    current: milestone.toLowerCase() === currentMilestone(deps)?.toLowerCase(),
  });
}

/**
 * Reads in flight, per app and milestone: people asking `/blockers` for the same milestone at the
 * same time share one GitHub read (two searches, spaced 2 s apart by the throttle) instead of
 * queueing one each behind it. Only in-flight reads are shared; a finished one is never reused, so
 * every answer is as fresh as a read started after its question.
 */
const inFlight = new WeakMap<Deps, Map<string, Promise<ClassifiedItem[]>>>();

async function sharedRead(
  deps: Deps,
  milestone: string,
  count: RequestCount,
): Promise<{ items: ClassifiedItem[]; first: boolean }> {
  let reads = inFlight.get(deps);
  if (!reads) {
    reads = new Map();
    inFlight.set(deps, reads);
  }
  const key = milestone.toLowerCase();
  const running = reads.get(key);
  // Joining a read: its requests are counted (and its snapshot saved) by the asker who started it.
  if (running) return { items: await running, first: false };
  const mine = reads;
  const read = readBlockers(deps, milestone, count).finally(() => mine.delete(key));
  reads.set(key, read);
  return { items: await read, first: true };
}

/** `/blockers [milestone]` and `/blockers sig <name>`. */
export async function blockerSummary(
  deps: Deps,
  opts: { milestone: string; sig?: string },
): Promise<SummaryResult> {
  const cfg = deps.config.blockers;
  const store = new BlockerStore(deps.db);
  const now = deps.clock.now();
  const count = newCount();
  const gng = goNoGo(deps, opts.milestone);
  let items: ClassifiedItem[];
  let asOf = now.toISO()!;
  let unavailable: SummaryResult['unavailable'];
  try {
    const read = await sharedRead(deps, opts.milestone, count);
    items = read.items;
    if (read.first) store.saveLatest(opts.milestone, asOf, items, total(count));
  } catch (err) {
    if (err instanceof MilestoneNotFound) {
      await gng; // settle the testgrid reads before answering
      throw unknownMilestone(err, opts.milestone);
    }
    deps.log.warn({ err, milestone: opts.milestone }, 'blockers: GitHub read failed');
    const last = store.latest(opts.milestone);
    unavailable = { reason: describeGitHubError(err), shownFrom: last?.takenAt };
    asOf = last?.takenAt ?? asOf;
    items = last
      ? classify(last.items, {
          milestone: opts.milestone,
          labels: cfg.labels,
          staleAfterDays: cfg.staleAfterDays,
          now,
        })
      : [];
  } finally {
    recordRequests(deps, 'command', count);
  }
  if (opts.sig && (items.length > 0 || !unavailable)) checkSig(deps, opts.sig, items);
  const summary = summarize(items, opts.milestone, asOf, opts.sig);
  const rendered = renderSummary({
    summary,
    now,
    zone: deps.config.timezone,
    repos: reposOf(deps),
    labels: cfg.labels,
    staleAfterDays: cfg.staleAfterDays,
    sig: opts.sig,
    goNoGo: await gng,
    unavailable,
  });
  return { rendered, summary, requests: count, unavailable };
}

// -------------------------------------------------------------------------------------- digest

/** The latest scheduled slot at or before `now`, or undefined. */
export function latestSlot(schedule: string, zone: string, now: DateTime): DateTime | undefined {
  try {
    const expr = CronExpressionParser.parse(schedule, {
      currentDate: new Date(now.toMillis() + 1),
      tz: zone,
    });
    return DateTime.fromJSDate(expr.prev().toDate(), { zone: 'utc' });
  } catch {
    return undefined;
  }
}

export type DigestStatus =
  | 'posted'
  | 'posted-unavailable'
  | 'already-posted'
  | 'disabled'
  | 'no-milestone'
  | 'no-slot'
  | 'missed';

export interface DigestResult {
  status: DigestStatus;
  milestone?: string;
  slot?: string;
  /** GitHub requests this run made. */
  requests: RequestCount;
  ts?: string;
  /** The digest's burndown chart (unset when charts are off or the digest was not posted). */
  chart?: ShareOutcome['outcome'];
}

export const digestKey = (milestone: string, slot: string) => `${DIGEST_JOB}:${milestone}:${slot}`;

/**
 * One digest run: posts the digest of the latest due slot exactly once (keyed by the slot in the
 * outbox, so restarts and repeated wake-ups never post twice), with the diff against the previous
 * digest's snapshot. While GitHub fails it throws (the job retries on its next wake-up) until
 * `retryMinutes` after the slot; then it posts the last known state, marked unavailable, with its age.
 */
export async function runDigest(deps: Deps): Promise<DigestResult> {
  const cfg = deps.config.blockers;
  const count = newCount();
  const m = blockerMetrics(deps.metrics.registry);
  if (!cfg.digest.enabled) return { status: 'disabled', requests: count };
  let milestone: string;
  try {
    milestone = resolveMilestone(deps);
  } catch {
    m.digests.inc({ outcome: 'no_milestone' });
    return { status: 'no-milestone', requests: count };
  }
  const now = deps.clock.now();
  const slotTime = latestSlot(cfg.digest.schedule, cfg.digest.timezone, now);
  if (!slotTime) return { status: 'no-slot', milestone, requests: count };
  const slot = slotTime.toISO()!;
  const lateMinutes = now.diff(slotTime, 'minutes').minutes;
  const key = digestKey(milestone, slot);
  const done = deps.outbox.find(key);
  if (done) {
    // A chart an earlier run could not share (Slack down, a restart) is retried while the slot is fresh.
    const chart =
      lateMinutes <= cfg.digest.maxLateMinutes
        ? (await digestChart(deps, key, done.channel, milestone))?.outcome
        : undefined;
    return { status: 'already-posted', milestone, slot, requests: count, ...(chart ? { chart } : {}) };
  }
  if (lateMinutes > cfg.digest.maxLateMinutes) {
    m.digests.inc({ outcome: 'missed' });
    return { status: 'missed', milestone, slot, requests: count };
  }
  const store = new BlockerStore(deps.db);
  const channel = cfg.digest.channel ?? channelFor(deps.config, 'blockers');
  const repos = reposOf(deps);
  const base = {
    now,
    zone: cfg.digest.timezone,
    repos,
    labels: cfg.labels,
    staleAfterDays: cfg.staleAfterDays,
    kind: 'digest' as const,
  };

  let items: ClassifiedItem[];
  try {
    items = await readBlockers(deps, milestone, count);
  } catch (err) {
    recordRequests(deps, 'digest', count);
    if (lateMinutes < cfg.digest.retryMinutes || err instanceof MilestoneNotFound) {
      m.digests.inc({ outcome: 'error' });
      throw err;
    }
    const last = store.latest(milestone);
    const rendered = renderSummary({
      ...base,
      summary: summarize(
        last
          ? classify(last.items, { milestone, labels: cfg.labels, staleAfterDays: cfg.staleAfterDays, now })
          : [],
        milestone,
        last?.takenAt ?? now.toISO()!,
      ),
      goNoGo: await goNoGo(deps, milestone),
      unavailable: { reason: describeGitHubError(err), shownFrom: last?.takenAt },
    });
    const posted = await deps.outbox.postOnce(key, channel, {
      text: rendered.text,
      blocks: [...rendered.blocks, context(digestChartLine(deps, milestone))],
      unfurl_links: false,
    });
    m.digests.inc({ outcome: 'unavailable' });
    const chart = (await digestChart(deps, key, posted.channel, milestone))?.outcome;
    return {
      status: 'posted-unavailable',
      milestone,
      slot,
      requests: count,
      ts: posted.ts,
      ...(chart ? { chart } : {}),
    };
  }

  const previous = store.previousDigest(milestone, slot);
  const currentKeys = new Set(items.map(itemKey));
  const vanished = previous?.items.filter((i) => !currentKeys.has(itemKey(i))) ?? [];
  const reasons = vanished.length
    ? await resolutionReasons(deps.github, vanished, { milestone, labels: cfg.labels }, count)
    : new Map<string, string>();
  // "Since the previous digest" names the time that digest read its data: its own "As of".
  const diff = diffDigests(
    previous ? { at: previous.takenAt, items: previous.items } : undefined,
    items,
    reasons,
  );
  diff.resolved = diff.resolved.filter((r) => r.reason !== 'still tracked');
  recordRequests(deps, 'digest', count);
  // The snapshot is written before the post: a crash in between re-runs this slot against the same baseline.
  store.saveDigest(milestone, slot, now.toISO()!, items, total(count));
  const rendered = renderSummary({
    ...base,
    summary: summarize(items, milestone, now.toISO()!),
    goNoGo: await goNoGo(deps, milestone),
    diff,
  });
  const posted = await deps.outbox.postOnce(key, channel, {
    text: rendered.text,
    blocks: [...rendered.blocks, context(digestChartLine(deps, milestone))],
    unfurl_links: false,
  });
  m.digests.inc({ outcome: 'posted' });
  // The chart follows the digest, once per digest key (src/slack/files.ts); a failure is retried
  // on the next wake-up while the slot is fresh, and never holds the digest back.
  const chart = (await digestChart(deps, key, posted.channel, milestone))?.outcome;
  return {
    status: posted.posted ? 'posted' : 'already-posted',
    milestone,
    slot,
    requests: count,
    ts: posted.ts,
    ...(chart ? { chart } : {}),
  };
}

/**
 * For benchmarks: read and render one digest's data for `milestone` (nothing is posted or stored)
 * and return the number of GitHub requests it made, split by fresh (200) and not modified (304).
 */
export async function measureDigestRequests(
  deps: Deps,
  milestone: string,
): Promise<{ requests: number; fresh: number; notModified: number; items: number; blocks: number }> {
  const count = newCount();
  const items = await readBlockers(deps, milestone, count);
  const cfg = deps.config.blockers;
  // The longest digest: a first one, listing every item (later ones list only what changed).
  const rendered = renderSummary({
    summary: summarize(items, milestone, deps.clock.now().toISO()!),
    now: deps.clock.now(),
    zone: cfg.digest.timezone,
    repos: reposOf(deps),
    labels: cfg.labels,
    staleAfterDays: cfg.staleAfterDays,
    kind: 'digest',
    diff: diffDigests(undefined, items),
  });
  return {
    requests: total(count),
    fresh: count.fresh,
    notModified: count.notModified,
    items: items.length,
    blocks: rendered.blocks.length + 1, // and the chart's line (digestChartLine)
  };
}

export function describeDigest(r: DigestResult): string {
  const req = `${r.requests.fresh} fresh + ${r.requests.notModified} not-modified GitHub requests`;
  const chart = r.chart ? `; chart ${r.chart.replace('_', ' ')}` : '';
  return `${r.status}${r.milestone ? ` ${r.milestone}` : ''}${r.slot ? ` slot ${r.slot}` : ''} (${req})${chart}`;
}
