import { Counter, type Registry } from 'prom-client';
import type { Deps } from '../deps';
import { UserError } from '../errors';
import { cycleTimeline } from '../schedule/api/chart';
import { escapeEntities } from '../slack/escape';
import { SlackFileError, SlackUnavailable } from '../slack/files';
import { type Burndown, burndown, type ChartMarker, type StackBy } from './chart';
import { ChartBusy, renderChart } from './chart-render';
import { BlockerHistory } from './history';

/**
 * The burndown chart's I/O edge: the per-day history and the cycle's milestones in, a PNG (for
 * Slack) or SVG (for the /release page) out, and the exactly-once upload of a digest's chart or of
 * the chart someone asked for with `/blockers chart`.
 */

export function chartMetrics(registry: Registry) {
  return (
    (registry.getSingleMetric('relbot_blockers_charts_total') as
      | Counter<'trigger' | 'outcome'>
      | undefined) ??
    new Counter({
      name: 'relbot_blockers_charts_total',
      help: 'Burndown charts by trigger (digest, command, page) and outcome (shared, already, render_failed, upload_failed)',
      labelNames: ['trigger', 'outcome'] as const,
      registers: [registry],
    })
  );
}

/** The chart's data for `milestone` ('v1.37'): its history, the cycle's rules, today. */
export function burndownOf(deps: Deps, milestone: string, by: StackBy): Burndown {
  const days = new BlockerHistory(deps.db).days(milestone);
  const timeline = cycleTimeline(deps, milestone.replace(/^v/i, ''));
  const markers: ChartMarker[] = (timeline?.milestones ?? []).flatMap((m) =>
    m.marker ? [{ label: m.marker.label, at: m.at, kind: m.marker.kind }] : [],
  );
  return burndown({
    milestone,
    days,
    by,
    markers,
    now: deps.clock.now(),
    ...(timeline ? { range: { start: timeline.start, end: timeline.end } } : {}),
  });
}

export async function burndownPng(deps: Deps, chart: Burndown): Promise<Buffer> {
  const out = await renderChart(chart.option, { width: chart.width, height: chart.height, png: true });
  deps.log.debug({ ms: Math.round(out.ms), bytes: out.png?.length }, 'blockers: chart rendered');
  return out.png!;
}

export async function burndownSvg(deps: Deps, chart: Burndown): Promise<string> {
  const out = await renderChart(chart.option, { width: chart.width, height: chart.height });
  deps.log.debug({ ms: Math.round(out.ms) }, 'blockers: chart drawn as SVG');
  return out.svg;
}

export interface ShareOutcome {
  outcome: 'shared' | 'already' | 'render_failed' | 'upload_failed';
  fileId?: string;
  chart: Burndown;
  /** What went wrong, in words, and what to do (render_failed, upload_failed). */
  reason?: string;
  hint?: string;
}

/** Why an upload failed, as a short human reason, and what to do about it. */
export function describeUploadError(err: unknown): string {
  return uploadProblem(err).reason;
}

export function uploadProblem(err: unknown): { reason: string; hint: string } {
  const later = 'Try again in a few minutes.';
  if (err instanceof SlackFileError) {
    if (err.code === 'missing_scope')
      return {
        reason: 'relbot lacks the files:write scope',
        hint: 'An admin reinstalls the app from manifest.yml, which asks for files:write.',
      };
    if (err.code === 'channel_not_found' || err.code === 'not_in_channel')
      return {
        reason: `Slack answered ${err.code}: relbot cannot share files in this conversation`,
        hint: 'Invite relbot here, or ask in a channel it is in.',
      };
    return { reason: `Slack answered ${err.code} (${err.method})`, hint: later };
  }
  if (err instanceof SlackUnavailable)
    return { reason: `Slack is unavailable (${err.message})`, hint: later };
  if (err instanceof ChartBusy) return { reason: err.message, hint: later };
  return { reason: String((err as Error)?.message ?? err).slice(0, 160), hint: later };
}

/**
 * Renders and shares the chart in `channel` exactly once per `key` (retries and restarts resume
 * the same upload). Never throws: the outcome says what happened.
 */
export async function shareChart(
  deps: Deps,
  opts: {
    key: string;
    channel: string;
    milestone: string;
    by: StackBy;
    trigger: 'digest' | 'command';
    comment: (chart: Burndown) => string;
  },
): Promise<ShareOutcome> {
  const files = deps.files;
  const chart = burndownOf(deps, opts.milestone, opts.by);
  const count = (outcome: ShareOutcome['outcome']) =>
    chartMetrics(deps.metrics.registry).inc({ trigger: opts.trigger, outcome });
  const done = files.find(opts.key);
  // Already shared (a later wake-up of the same digest): nothing happened, nothing is counted.
  if (done) return { outcome: 'already', fileId: done.fileId, chart };
  let renderFailed: unknown;
  try {
    const r = await files.uploadOnce({
      key: opts.key,
      channel: opts.channel,
      filename: `blockers-${opts.milestone}-${deps.clock.now().toUTC().toISODate()}.png`,
      title: `Open release blockers · ${opts.milestone}`,
      altText: chart.alt.slice(0, 1000),
      initialComment: opts.comment(chart),
      bytes: async () => {
        try {
          return await burndownPng(deps, chart);
        } catch (err) {
          renderFailed = err;
          throw err;
        }
      },
    });
    count(r.uploaded ? 'shared' : 'already');
    return { outcome: r.uploaded ? 'shared' : 'already', fileId: r.fileId, chart };
  } catch (err) {
    const outcome = renderFailed ? 'render_failed' : 'upload_failed';
    count(outcome);
    deps.log.warn(
      { err, key: opts.key, milestone: opts.milestone },
      `blockers: chart ${outcome.replace('_', ' ')}`,
    );
    const problem = uploadProblem(err);
    return {
      outcome,
      chart,
      reason: renderFailed ? `the chart could not be drawn (${problem.reason})` : problem.reason,
      hint: problem.hint,
    };
  }
}

/** `/blockers chart` words after the milestone: 'kind' or 'sig' (default). */
export function parseStackBy(word: string | undefined): StackBy {
  if (word === undefined) return 'sig';
  const w = word.toLowerCase().replace(/^by[-:]?/, '');
  if (w === 'kind' || w === 'kinds') return 'kind';
  if (w === 'sig' || w === 'sigs') return 'sig';
  throw new UserError(
    `\`${escapeEntities([...word].slice(0, 30).join('').replace(/`/g, ''))}\` is not a way to stack the chart.`,
    'Use `kind` or `sig`, for example `/blockers chart v1.37 kind`.',
  );
}

// ------------------------------------------------------------------------------------- digest

export const chartKey = (digestKey: string) => `${digestKey}:chart`;

/** The digest's line with the chart's numbers (shown whether or not the image gets through). */
export function digestChartLine(deps: Deps, milestone: string): string {
  const by = deps.config.blockers.digest.chart;
  return `:chart_with_downwards_trend: ${burndownOf(deps, milestone, by === 'kind' ? 'kind' : 'sig').fallback}`;
}

/** The digest's chart, once per digest key (undefined when `blockers.digest.chart` is off). */
export async function digestChart(
  deps: Deps,
  digestKey: string,
  channel: string,
  milestone: string,
): Promise<ShareOutcome | undefined> {
  const by = deps.config.blockers.digest.chart;
  if (by === 'off') return undefined;
  return shareChart(deps, {
    key: chartKey(digestKey),
    channel,
    milestone,
    by,
    trigger: 'digest',
    comment: () =>
      `Blocker burndown of ${milestone} (by ${by === 'kind' ? 'kind' : 'SIG'}), for the digest above.`,
  });
}
