import { DateTime } from 'luxon';
import {
  context,
  header,
  type KnownBlock,
  LIMITS,
  type Message,
  message,
  section,
  slackDate,
} from '../slack/blocks';
import { escapeEntities } from '../slack/escape';
import type { CycleMetrics, Stats } from './metrics';
import type { CycleReport } from './metrics-read';

/**
 * `/release metrics`: the asked cycle beside the cycles before it, one monospace table per topic
 * (a column per cycle, newest first), as a Release Team Lead reads them at a retro.
 */

/** 3 h 5 m, 2 d 4 h, 45 m; "—" when there is nothing to measure. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

const day = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).toFormat('d LLL yyyy');
/** The last day of a window whose end is exclusive. */
const lastDay = (iso: string) =>
  DateTime.fromISO(iso, { zone: 'utc' }).minus({ milliseconds: 1 }).toFormat('d LLL yyyy');

type Cell = string | number | undefined;
const RELEASE_DAY = 'release day';
const LABEL = 26;
const COL = 10;

/** A monospace table: a label column, then one column per cycle. */
function table(cycles: CycleMetrics[], rows: Array<[string, (m: CycleMetrics) => Cell]>): string {
  const head = `${''.padEnd(LABEL)}${cycles.map((c) => `v${c.version}`.padStart(COL)).join('')}`;
  const lines = rows.map(
    ([label, get]) =>
      `${[...label]
        .slice(0, LABEL - 1)
        .join('')
        .padEnd(LABEL)}${cycles.map((c) => String(get(c) ?? '—').padStart(COL)).join('')}`,
  );
  return `\`\`\`\n${escapeEntities([head, ...lines].join('\n'))}\n\`\`\``;
}

const p = (s: Stats, q: 'p50' | 'p90' | 'max') => duration(s[q]);
const pct = (x: number | undefined) => (x === undefined ? undefined : `${Math.round(x * 100)}%`);

function pickSection(cycles: CycleMetrics[]): KnownBlock[] {
  const sel = cycles[0]!;
  const t = table(cycles, [
    ['requests', (m) => m.cherrypicks.requests],
    ['approved', (m) => m.cherrypicks.approved],
    ['rejected', (m) => m.cherrypicks.rejected],
    ['waiting for a decision', (m) => m.cherrypicks.waiting],
    ['closed undecided', (m) => m.cherrypicks.closedUndecided],
    ['request→decision p50', (m) => p(m.cherrypicks.toDecision, 'p50')],
    ['request→decision p90', (m) => p(m.cherrypicks.toDecision, 'p90')],
    ['request→merge p50', (m) => p(m.cherrypicks.toMerge, 'p50')],
    ['request→merge p90', (m) => p(m.cherrypicks.toMerge, 'p90')],
    ['failed decision attempts', (m) => m.cherrypicks.failedAttempts],
  ]);
  const branches = sel.cherrypicks.branches.length
    ? sel.cherrypicks.branches
        .map(
          (b) =>
            `\`${escapeEntities(b.branch)}\` ${b.requests} (${b.approved} approved, ${b.rejected} rejected${b.waiting ? `, ${b.waiting} waiting` : ''})`,
        )
        .join(' · ')
    : 'none';
  const notes = [
    sel.cherrypicks.approvedOnGitHub
      ? `${sel.cherrypicks.approvedOnGitHub} approved by a label on GitHub`
      : '',
    sel.cherrypicks.dryRun ? `${sel.cherrypicks.dryRun} decided in dry run (nothing written to GitHub)` : '',
  ].filter(Boolean);
  return [
    section(`*Cherry-picks* — requested during each cycle, all branches\n${t}`),
    context(`By branch in v${sel.version}: ${branches}${notes.length ? `. ${notes.join('; ')}.` : ''}`),
  ];
}

function blockerSection(cycles: CycleMetrics[]): KnownBlock[] {
  const freezeNames: string[] = [];
  for (const c of cycles)
    for (const f of c.blockers.atFreeze)
      if (f.name !== RELEASE_DAY && !freezeNames.includes(f.name)) freezeNames.push(f.name);
  freezeNames.push(RELEASE_DAY);
  const weeks = [...new Set(cycles.flatMap((c) => c.blockers.weeks.map((w) => w.week)))]
    .sort((a, b) => a - b)
    .slice(0, 20);
  const t = table(cycles, [
    ['digests kept', (m) => m.blockers.snapshots],
    ...freezeNames.map((n): [string, (m: CycleMetrics) => Cell] => [
      `at ${n}`,
      (m) => m.blockers.atFreeze.find((f) => f.name === n)?.open,
    ]),
    ...weeks.map((w): [string, (m: CycleMetrics) => Cell] => [
      `week ${w}`,
      (m) => m.blockers.weeks.find((x) => x.week === w)?.open,
    ]),
    ['opened→closed p50', (m) => p(m.blockers.toClose, 'p50')],
    ['opened→closed p90', (m) => p(m.blockers.toClose, 'p90')],
    ['closed (timed)', (m) => m.blockers.toClose.n],
    ['still open', (m) => m.blockers.stillOpen],
  ]);
  const partial = cycles
    .filter((c) => c.blockers.partial)
    .map((c) =>
      c.blockers.firstAt ? `v${c.version} from ${day(c.blockers.firstAt)}` : `v${c.version} none`,
    );
  return [
    section(`*Release blockers* — blocking issues and PRs open in the last digest of each week\n${t}`),
    context(
      `Counted from the stored digests; relbot keeps the newest 60 per milestone.${partial.length ? ` Digests kept: ${partial.join(', ')}.` : ''} "at" a freeze: the last digest before it, within a week.`,
    ),
  ];
}

function reminderSection(cycles: CycleMetrics[]): KnownBlock[] {
  const sel = cycles[0]!.reminders;
  const t = table(cycles, [
    ['sent', (m) => m.reminders.sent],
    ['on time', (m) => m.reminders.onTime],
    ['late', (m) => m.reminders.late],
    ['late by, p50', (m) => p(m.reminders.lateBy, 'p50')],
    ['late by, most', (m) => p(m.reminders.lateBy, 'max')],
    ['missed (must be 0)', (m) => m.reminders.missed],
    ['superseded (not missed)', (m) => m.reminders.superseded],
    ['reminder runs failed', (m) => m.reminders.runs.error],
  ]);
  const missed = sel.missedList
    .slice(0, 5)
    .map((x) => `\`${escapeEntities(x.milestoneId)}\` ${escapeEntities(x.lead)} (${escapeEntities(x.why)})`);
  const line = sel.missed
    ? `:warning: v${cycles[0]!.version} missed ${sel.missed}: ${missed.join(' · ')}${sel.missed > 5 ? ` · …${sel.missed - 5} more` : ''}`
    : `:white_check_mark: v${cycles[0]!.version}: no reminder missed.`;
  const before = sel.beforeRelbot
    ? ` ${sel.beforeRelbot} were due before relbot's first run and are not counted.`
    : '';
  return [section(`*Reminders*\n${t}`), context(`${line}${before}`)];
}

function shadowSection(cycles: CycleMetrics[]): KnownBlock[] {
  const roles: string[] = [];
  for (const c of cycles)
    for (const r of c.shadows?.roles ?? []) if (!roles.includes(r.role)) roles.push(r.role);
  const t = table(cycles, [
    ['applications', (m) => m.shadows?.applications],
    ['returning share', (m) => pct(m.shadows?.returningShare)],
    ['close→publish', (m) => (m.shadows ? duration(m.shadows.closeToPublish) : undefined)],
    ...roles.map((name): [string, (m: CycleMetrics) => Cell] => [
      name,
      (m) => {
        const r = m.shadows?.roles.find((x) => x.role === name);
        return r ? `${r.applications}/${r.seats}` : undefined;
      },
    ]),
  ]);
  if (!cycles.some((c) => c.shadows))
    return [
      section(
        `*Shadows* — relbot holds no application round for ${cycles.map((c) => `v${c.version}`).join(', ')}.`,
      ),
    ];
  return [
    section(`*Shadows* — applications for each version's Release Team\n${t}`),
    context(
      'Per role: applications naming it (first or second choice) / seats (the configured capacity today).',
    ),
  ];
}

/** The `/release metrics [1.XX]` answer. */
export function metricsMessage(report: CycleReport): Message {
  const sel = report.selected;
  const cycles = [sel, ...report.compared];
  const asOf = DateTime.fromISO(sel.asOf, { zone: 'utc' });
  const window = `${day(sel.start)} – ${lastDay(sel.end)}`;
  const progress = sel.inProgress
    ? `week ${Math.floor((asOf.toMillis() - Date.parse(sel.start)) / (7 * 86_400_000)) + 1}, so far`
    : asOf.toMillis() < Date.parse(sel.start)
      ? 'not started'
      : 'ended';
  const compared = report.compared.length
    ? `compared with ${report.compared.map((c) => `v${c.version}`).join(', ')}`
    : 'no earlier cycle known to compare with';
  const blocks: KnownBlock[] = [
    header(`Kubernetes v${sel.version} — cycle metrics`),
    context(
      `${window} (${progress}) · ${compared} · as of ${slackDate(asOf, '{date_short_pretty} {time}', `${asOf.toFormat('d LLL yyyy HH:mm')} UTC`)}`,
    ),
    ...pickSection(cycles),
    ...blockerSection(cycles),
    ...reminderSection(cycles),
    ...shadowSection(cycles),
    context(
      `\`/release metrics csv ${sel.version}\` gives these figures as CSV. Each cycle counts what happened from its first milestone until the next cycle starts.`,
    ),
  ];
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const blockers = sel.blockers.snapshots
    ? `, ${n(sel.blockers.stillOpen, 'blocker')} open in the last digest`
    : ', no blocker digest kept';
  const text = `Kubernetes v${sel.version} cycle metrics: ${n(sel.cherrypicks.requests, 'cherry-pick')} (${sel.cherrypicks.approved} approved)${blockers}, ${n(sel.reminders.sent, 'reminder')} sent (${sel.reminders.missed} missed)`;
  return message(text, blocks.slice(0, LIMITS.blocks));
}
