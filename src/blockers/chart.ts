import { DateTime } from 'luxon';
import { BLOCKER_KINDS, type BlockerKind, type DayCounts } from './history';

/**
 * The blocker burndown as a pure function of its data: the per-day counts (history.ts), the
 * cycle's milestones and `now` → an echarts option (plain JSON: it crosses into the render
 * worker, chart-render.ts) and the fallback line that carries the same numbers as text.
 */

export type StackBy = 'sig' | 'kind';

export interface ChartMarker {
  label: string;
  /** ISO instant. */
  at: string;
  kind: 'freeze' | 'rc' | 'release';
}

export interface BurndownInput {
  milestone: string;
  days: DayCounts[];
  by: StackBy;
  markers: ChartMarker[];
  now: DateTime;
  /** The cycle's span from the schedule; the x axis covers it and the data. */
  range?: { start: string; end: string };
  /** SIGs shown by name (the rest stack as "other"). */
  topN?: number;
  width?: number;
  height?: number;
}

export interface BurndownSeries {
  name: string;
  /** One value per day of `days`, in order. */
  values: number[];
}

export interface Burndown {
  /** The UTC days with data, oldest first. */
  days: string[];
  totals: number[];
  series: BurndownSeries[];
  /** The echarts option (JSON, no functions). */
  option: Record<string, unknown>;
  width: number;
  height: number;
  /** The same numbers in one line of text (the message fallback and the image's alt text). */
  fallback: string;
  alt: string;
}

export const KIND_NAMES: Record<BlockerKind, string> = {
  'blocking-issues': 'blocking issues',
  'blocking-prs': 'blocking PRs',
  'critical-urgent': 'critical-urgent',
  'failing-tests': 'failing tests',
};

const PALETTE = ['#326ce5', '#e8912d', '#2bac76', '#cd2553', '#7c4dbd', '#1aa3b8', '#b8860b', '#5b6b7f'];
const OTHER_COLOR = '#a0a0a0';
const MARKER_COLOR: Record<ChartMarker['kind'], string> = {
  freeze: '#1d4ed8',
  rc: '#6b7280',
  release: '#047857',
};
export const FONT_FAMILY = 'DejaVu Sans';
const DAY_MS = 86_400_000;

const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const short = (day: string) => DateTime.fromISO(day, { zone: 'utc' }).toFormat('ccc d LLL');
const sigName = (sig: string) => (sig ? `sig/${sig}` : 'no SIG');

/** The stacks: by kind in the Release Signal order, or the top SIGs (by their peak, then total) and "other". */
export function stacks(days: DayCounts[], by: StackBy, topN = 6): BurndownSeries[] {
  if (by === 'kind')
    return BLOCKER_KINDS.map((k) => ({ name: KIND_NAMES[k], values: days.map((d) => d.byKind[k] ?? 0) }));
  const peak = new Map<string, number>();
  const sum = new Map<string, number>();
  for (const d of days)
    for (const [sig, n] of Object.entries(d.bySig)) {
      peak.set(sig, Math.max(peak.get(sig) ?? 0, n));
      sum.set(sig, (sum.get(sig) ?? 0) + n);
    }
  const ranked = [...peak.keys()].sort(
    (a, b) =>
      Number(a === '') - Number(b === '') ||
      peak.get(b)! - peak.get(a)! ||
      sum.get(b)! - sum.get(a)! ||
      a.localeCompare(b),
  );
  // With one SIG too many, name it rather than call a single SIG "other".
  const named = ranked.length <= topN + 1 ? ranked : ranked.slice(0, topN);
  const rest = ranked.filter((s) => !named.includes(s));
  const out = named.map((sig) => ({ name: sigName(sig), values: days.map((d) => d.bySig[sig] ?? 0) }));
  if (rest.length)
    out.push({
      name: `other (${rest.length} SIGs)`,
      values: days.map((d) => rest.reduce((n, s) => n + (d.bySig[s] ?? 0), 0)),
    });
  return out;
}

/**
 * "Open blockers in v1.37: 14 on Mon 6 Jul (latest digest), 9 a week before; peak 21 on Tue 30 Jun."
 * The latest day is called today when it is today (UTC).
 */
export function fallbackLine(milestone: string, days: DayCounts[], now: DateTime): string {
  const last = days.at(-1);
  if (!last)
    return `Open blockers in ${milestone}: no daily digest recorded yet, so there is no burndown to draw.`;
  const today = now.toUTC().toISODate();
  const latest =
    last.day === today ? `${last.blocking} today` : `${last.blocking} on ${short(last.day)} (latest digest)`;
  const weekBefore = DateTime.fromISO(last.day, { zone: 'utc' }).minus({ days: 7 }).toISODate()!;
  const before = [...days].reverse().find((d) => d.day <= weekBefore);
  const beforeText = before
    ? before.day === weekBefore
      ? `, ${before.blocking} a week before`
      : `, ${before.blocking} on ${short(before.day)}`
    : days.length > 1
      ? `, ${days[0]!.blocking} on ${short(days[0]!.day)} (first digest)`
      : '';
  const peak = days.reduce((p, d) => (d.blocking > p.blocking ? d : p), days[0]!);
  return `Open blockers in ${milestone}: ${latest}${beforeText}; peak ${peak.blocking} on ${short(peak.day)}.`;
}

/** The burndown's data, echarts option and text (pure). */
export function burndown(input: BurndownInput): Burndown {
  const width = input.width ?? 960;
  const height = input.height ?? 460;
  const days = input.days.map((d) => d.day);
  const totals = input.days.map((d) => d.blocking);
  const series = stacks(input.days, input.by, input.topN);
  const nowMs = input.now.toMillis();
  const points = [
    ...days.map(dayMs),
    nowMs,
    ...(input.range ? [Date.parse(input.range.start), Date.parse(input.range.end)] : []),
  ].filter(Number.isFinite);
  const min = Math.floor(Math.min(...points) / DAY_MS) * DAY_MS;
  const max = Math.ceil(Math.max(...points) / DAY_MS + 1) * DAY_MS;
  const markers = input.markers.filter((m) => {
    const at = Date.parse(m.at);
    return at >= min && at <= max;
  });
  // Milestone labels run down from the top of their rule; today's up from the bottom, clear of them.
  const rule = (at: number, label: string, color: string, type: string, position = 'insideEndTop') => ({
    xAxis: at,
    name: label,
    lineStyle: { color, type, width: 1.5 },
    label: { formatter: label, color, position, fontSize: 11, fontFamily: FONT_FAMILY },
  });
  const fallback = fallbackLine(input.milestone, input.days, input.now);
  const byText =
    input.by === 'kind'
      ? 'by kind'
      : series.some((s) => s.name.startsWith('other'))
        ? `by SIG (top ${input.topN ?? 6} and other)`
        : 'by SIG';
  const option = {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    color: series.map((s, i) => (s.name.startsWith('other') ? OTHER_COLOR : PALETTE[i % PALETTE.length]!)),
    title: {
      text: `Open release blockers · ${input.milestone}`,
      subtext: `${byText} · daily digest counts (UTC days)`,
      left: 16,
      top: 8,
      textStyle: { fontFamily: FONT_FAMILY, fontSize: 18, color: '#1d1c1d' },
      subtextStyle: { fontFamily: FONT_FAMILY, fontSize: 12, color: '#616061' },
    },
    legend: {
      bottom: 8,
      data: series.map((s) => s.name),
      icon: 'rect',
      itemGap: 18,
      textStyle: { fontFamily: FONT_FAMILY, fontSize: 12 },
    },
    grid: { left: 48, right: 28, top: 84, bottom: 64 },
    xAxis: {
      type: 'time',
      min,
      max,
      axisLabel: { formatter: '{d} {MMM}', fontFamily: FONT_FAMILY, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      min: 0,
      axisLabel: { fontFamily: FONT_FAMILY },
    },
    series: [
      ...series.map((s) => ({
        name: s.name,
        type: 'line',
        stack: 'blockers',
        areaStyle: { opacity: 0.75 },
        lineStyle: { width: 1 },
        symbol: days.length <= 3 ? 'circle' : 'none',
        symbolSize: 8,
        data: s.values.map((v, i) => [dayMs(days[i]!), v]),
      })),
      {
        // Holds the vertical rules (milestones and today), also when there is no data yet.
        name: 'milestones',
        type: 'line',
        data: [],
        silent: true,
        markLine: {
          silent: true,
          symbol: ['none', 'none'],
          animation: false,
          data: [
            ...markers.map((m) => rule(Date.parse(m.at), m.label, MARKER_COLOR[m.kind], 'solid')),
            rule(nowMs, 'today', '#cd2553', 'dashed', 'insideStartTop'),
          ],
        },
      },
    ],
    ...(days.length === 0
      ? {
          graphic: [
            {
              type: 'text',
              left: 'center',
              top: 'middle',
              style: {
                text: 'No daily digest recorded yet',
                fontSize: 16,
                fill: '#616061',
                fontFamily: FONT_FAMILY,
              },
            },
          ],
        }
      : {}),
  };
  const alt = `Chart of open release blockers in ${input.milestone} per day, ${byText}, with the milestones marked. ${fallback}`;
  return { days, totals, series, option, width, height, fallback, alt };
}
