import type { SectionBlock } from '@slack/types';
import { DateTime } from 'luxon';
import { context, cutMrkdwn, LIMITS, type Message, message, section } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { cutoffInstant, timingBounds } from './dates';
import type { CycleDoc, Milestone, StoredSchedule } from './model';
import type { CutoffPolicy } from './patches';
import { compareVersions } from './patches';
import {
  changesText,
  describeWhen,
  formatDate,
  isPast,
  milestoneLine,
  monthYear,
  packLines,
  problemLines,
  relativeDays,
  rowCount as rowsText,
  syncFooter,
  viewerToday,
} from './render';
import type { SyncReport } from './sync';

/**
 * The answers of /schedule, as pure functions of the stored schedule, `now` and the viewer's zone.
 * They are messages built with the kit; `commands/schedule.ts` makes them answers (ephemeral).
 */

export interface ViewContext {
  stored: StoredSchedule;
  milestones: Milestone[];
  now: DateTime;
  /** Viewer's time zone. */
  tz: string;
  allDayZone: string;
  cutoff: CutoffPolicy;
}

/** Slack refuses messages with more than 50 blocks or about 12,000 characters of block text. */
const MAX_TEXT = 10_500;
const MAX_SECTIONS = 45;

const textOf = (b: SectionBlock): string => b.text?.text ?? '';

/** A one-section message. */
function sectionMessage(text: string): Message {
  return message(cutMrkdwn(text, LIMITS.sectionText), [section(text)]);
}

/**
 * The notification text of a view: its lines up to Slack's section size, cut at a line end, and
 * then how many lines more the message itself shows.
 */
function fallbackText(lines: string[]): string {
  const out: string[] = [];
  let size = 0;
  for (const [i, l] of lines.entries()) {
    if (size + l.length + 1 > LIMITS.sectionText - 80) {
      out.push(`…and ${lines.length - i} more lines in the message.`);
      break;
    }
    out.push(l);
    size += l.length + 1;
  }
  return out.join('\n');
}

/**
 * A view: its title, the sections that fit the budget and the footer. When sections do not fit,
 * the last block says how many rows are not shown and `more` says where to see them.
 */
function view(title: string, allSections: SectionBlock[], footer: string, more?: string): Message {
  const sections: SectionBlock[] = [];
  let total = title.length + Math.min(footer.length, LIMITS.sectionText);
  for (const [i, s] of allSections.entries()) {
    const size = textOf(s).length;
    if (sections.length >= MAX_SECTIONS || total + size > MAX_TEXT) {
      const left = allSections.slice(i).reduce((n, x) => n + textOf(x).split('\n').length, 0);
      sections.push(
        section(
          `_…and ${left} more ${left === 1 ? 'line is' : 'lines are'} not shown: too long for one Slack message.${more ? ` ${more}` : ''}_`,
        ),
      );
      break;
    }
    sections.push(s);
    total += size;
  }
  const text = fallbackText([title, ...sections.flatMap((x) => textOf(x).split('\n'))]);
  return message(text, [section(title), ...sections, context(footer)]);
}

export function emptyView(): Message {
  return sectionMessage(
    'relbot has no schedule stored yet. The daily sync imports it. An admin can run `/schedule sync` to import it now. `/schedule help` lists every subcommand.',
  );
}

/** What `/schedule sync` answers: each source's outcome and what changed. */
export function syncView(report: SyncReport): Message {
  const lines = report.sources.map((s) => {
    if (s.status === 'error') return `:x: ${escapeMrkdwn(s.error ?? s.label)} — the last good data is kept.`;
    const problems = s.problems.length ? `\n${problemLines(s.problems, 10, '    ')}` : '';
    return `${s.status === 'imported' ? ':white_check_mark: imported' : ':ballot_box_with_check: unchanged'} ${escapeMrkdwn(s.label)}${problems}`;
  });
  const changes = report.firstImport
    ? `First import: ${report.milestones} milestones.`
    : report.changes.length
      ? `Changes (also posted to the channel):\n${changesText(report.changes)}`
      : 'No milestone changed.';
  return sectionMessage(`*Schedule sync*\n${lines.join('\n')}\n${changes}`);
}

/** A cycle's first start and last end (epoch ms), computed once per cycle object and zone. */
const cycleSpans = new WeakMap<CycleDoc, Map<string, { start: number; end: number }>>();

function cycleSpan(c: CycleDoc, allDayZone: string): { start: number; end: number } {
  let perZone = cycleSpans.get(c);
  const hit = perZone?.get(allDayZone);
  if (hit) return hit;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const m of c.milestones) {
    const b = timingBounds(m.timing, allDayZone);
    if (b.startMs < start) start = b.startMs;
    if (b.endMs > end) end = b.endMs;
  }
  const span = { start, end };
  if (!perZone) {
    perZone = new Map();
    cycleSpans.set(c, perZone);
  }
  perZone.set(allDayZone, span);
  return span;
}

/** Cycle whose first..last milestone spans `now`; else the next one to start; else the latest. */
export function pickCurrentCycle(
  cycles: CycleDoc[],
  now: DateTime,
  allDayZone: string,
): CycleDoc | undefined {
  const at = now.toMillis();
  const spans = cycles
    .filter((c) => c.milestones.length)
    .map((c) => ({ c, ...cycleSpan(c, allDayZone) }))
    .sort((a, b) => a.start - b.start);
  return (
    spans.find((s) => s.start <= at && at < s.end)?.c ?? spans.find((s) => s.start > at)?.c ?? spans.at(-1)?.c
  );
}

function nothingAhead(ctx: ViewContext, what: string): string {
  const latest = ctx.milestones.length
    ? DateTime.max(...ctx.milestones.map((m) => timingBounds(m.timing, ctx.allDayZone).end))
    : undefined;
  const newest = latest ? ` The newest date in it is ${latest.toFormat('ccc d LLL yyyy')}.` : '';
  return `:information_source: Nothing ahead in the stored ${what}.${newest} The sources may be out of date: an admin can run \`/schedule sync\`, or update the files the config points at.`;
}

const byStart =
  (allDayZone: string) =>
  (a: Milestone, b: Milestone): number =>
    timingBounds(a.timing, allDayZone).startMs - timingBounds(b.timing, allDayZone).startMs;

/** The week of a cycle `now` is in (1 = its first week), from its first milestone. */
function cycleWeek(cycle: CycleDoc, now: DateTime, allDayZone: string): { week: number; start: DateTime } {
  const first = cycleSpan(cycle, allDayZone).start;
  const start = cycle.milestones
    .map((m) => timingBounds(m.timing, allDayZone).start)
    .find((d) => d.toMillis() === first)!;
  return { week: Math.floor(now.diff(start, 'days').days / 7) + 1, start };
}

/** The milestone a schedule.yaml cherry-pick deadline is said as (kept: its instant is computed once). */
const deadlineMilestones = new Map<string, { m: Milestone; at: number }>();

/** A cherry-pick deadline of schedule.yaml, said as everywhere else (`describeWhen`). */
function deadlineWhen(ctx: ViewContext, date: string): { text: string; passed: boolean } {
  const key = `${date}|${ctx.cutoff.zone}|${ctx.cutoff.time}`;
  let d = deadlineMilestones.get(key);
  if (!d) {
    const at = cutoffInstant(date, ctx.cutoff);
    const m: Milestone = {
      id: `deadline/${date}`,
      source: 'patches',
      name: '',
      timing: { type: 'instant', at: at.toISO()! },
      bold: false,
      kinds: ['cherryPickDeadline'],
      dueDay: { date, zone: ctx.cutoff.zone, time: ctx.cutoff.time },
    };
    // a few dozen dates a schedule; the bound only guards against anything else
    if (deadlineMilestones.size >= 512) deadlineMilestones.clear();
    d = { m, at: at.toMillis() };
    deadlineMilestones.set(key, d);
  }
  return { text: describeWhen(d.m, ctx.now, ctx.tz), passed: d.at <= ctx.now.toMillis() };
}

/** `/schedule`: what is next. */
export function nextView(ctx: ViewContext, limit = 8): Message {
  const { now, tz } = ctx;
  const footer = syncFooter(ctx.stored, now, tz);
  const cycle = pickCurrentCycle(ctx.stored.cycles, now, ctx.allDayZone);
  const sections: SectionBlock[] = [];
  if (cycle) {
    const coming = cycle.milestones
      .filter((m) => !isPast(m, now, ctx.allDayZone))
      .sort(byStart(ctx.allDayZone));
    if (coming.length) {
      const { week, start } = cycleWeek(cycle, now, ctx.allDayZone);
      const weekText =
        week >= 1 ? ` — now in week ${week}` : ` — starts ${relativeDays(start.toISODate()!, now, tz)}`;
      const lines = coming.slice(0, limit).map((m) => `• ${milestoneLine(m, now, tz)}`);
      if (coming.length > limit)
        lines.push(`_…and ${coming.length - limit} more ahead. \`/schedule ${cycle.version}\` shows them._`);
      sections.push(...packLines([`*Kubernetes v${cycle.version}*${weekText}`, ...lines]));
    }
  }
  const allDeadlines = ctx.milestones
    .filter((m) => m.kinds.includes('cherryPickDeadline') && !isPast(m, now, ctx.allDayZone))
    .sort(byStart(ctx.allDayZone));
  const deadlines = allDeadlines.slice(0, 2);
  if (deadlines.length) {
    const targets = ctx.milestones.filter((m) => m.kinds.includes('patchRelease'));
    const lines = deadlines.map((d) => {
      const month = /\/(\d{4}-\d{2})(-\d{2})?$/.exec(d.id)?.[1];
      const target =
        targets.find((t) => month && t.id.endsWith(`/${month}`)) ??
        targets.find((t) => t.when && d.when && t.when > d.when);
      const targetText =
        target && target.timing.type === 'day' ? ` Target: ${formatDate(target.timing.date)}.` : '';
      return `• ${escapeMrkdwn(d.name)} — ${describeWhen(d, now, tz)}.${targetText}`;
    });
    if (allDeadlines.length > deadlines.length)
      lines.push(
        `_…and ${allDeadlines.length - deadlines.length} more ahead. \`/schedule patches\` shows every supported branch._`,
      );
    sections.push(...packLines(['*Patch releases*', ...lines]));
  }
  if (!sections.length) return view('*What is next*', [section(nothingAhead(ctx, 'schedule'))], footer);
  return view(`*What is next* (times in ${tz} and UTC)`, sections, footer);
}

/** Rows `/schedule 1.XX` shows ahead of the rest (`/schedule 1.XX all` shows every row). */
const AHEAD_ROWS = 10;
const PAST_ROWS = 5;

/**
 * `/schedule 1.37`: what matters first. The rows of the current week, then the next ones ahead
 * (for a finished cycle its last rows), each cut part counted with the way to the whole timeline.
 * `/schedule 1.37 all` (`all`): every row, past rows marked.
 */
export function cycleView(ctx: ViewContext, cycle: CycleDoc, all = false): Message {
  const { now, tz } = ctx;
  const rows = [...cycle.milestones].sort(byStart(ctx.allDayZone));
  const past = rows.map((m) => isPast(m, now, ctx.allDayZone));
  const nextIndex = past.indexOf(false);
  const pastCount = past.filter(Boolean).length;
  const line = (m: Milestone, i: number): string => {
    const mark = past[i] ? ':white_check_mark:' : i === nextIndex ? ':point_right:' : ':small_blue_diamond:';
    const text = milestoneLine({ ...m, cycle: undefined, week: undefined }, now, tz);
    return `${mark} ${m.week ? `W${m.week} ` : ''}${past[i] ? `~${text}~` : text}`;
  };
  const { week, start } = rows.length ? cycleWeek(cycle, now, ctx.allDayZone) : { week: 0, start: now };
  const state =
    pastCount === rows.length
      ? 'all past'
      : week >= 1
        ? `${pastCount} past, now in week ${week}`
        : `starts ${relativeDays(start.toISODate()!, now, tz)}`;
  const title = `*Kubernetes v${cycle.version} timeline* — ${rows.length} milestones, ${state} (times in ${tz} and UTC)`;
  const whole = `\`/schedule ${cycle.version} all\` shows the whole timeline.`;

  let shown: number[];
  if (all) shown = rows.map((_, i) => i);
  else if (nextIndex < 0) shown = rows.map((_, i) => i).slice(-PAST_ROWS);
  else {
    const thisWeek = rows.flatMap((m, i) => (past[i] && m.week === week ? [i] : []));
    const ahead = rows.flatMap((_, i) => (past[i] ? [] : [i])).slice(0, AHEAD_ROWS);
    shown = [...thisWeek, ...ahead].sort((a, b) => a - b);
  }
  const lines: string[] = [];
  const hiddenPast = shown.length ? past.slice(0, shown[0]).filter(Boolean).length : 0;
  if (hiddenPast)
    lines.push(
      `_${hiddenPast} earlier ${hiddenPast === 1 ? 'milestone is' : 'milestones are'} past and not shown. ${whole}_`,
    );
  for (const i of shown) lines.push(line(rows[i]!, i));
  const hiddenAhead = rows.length - shown.length - hiddenPast;
  if (hiddenAhead > 0) {
    const last = rows.at(-1)!;
    lines.push(
      `_…and ${hiddenAhead} more ahead, through ${formatDate(timingBounds(last.timing, ctx.allDayZone).end.minus({ milliseconds: 1 }).toISODate()!)}. ${whole}_`,
    );
  }
  const problems = cycle.problems.length
    ? [
        section(
          `:warning: ${rowsText(cycle.problems.length)} of the page could not be read and ${cycle.problems.length === 1 ? 'is' : 'are'} not shown: ${cycle.problems
            .map((p) => `row ${p.row} "${escapeMrkdwn(p.what)}" (${escapeMrkdwn(p.message)})`)
            .join('; ')}`,
        ),
      ]
    : [];
  return view(
    title,
    [...packLines(lines), ...problems],
    syncFooter(ctx.stored, now, tz),
    all ? 'The cycle page itself has every row.' : whole,
  );
}

function bumpPatch(release: string, by: number): string {
  const parts = release.split('.');
  return parts.length === 3 ? `${parts[0]}.${parts[1]}.${Number(parts[2]) + by}` : release;
}

/** `/schedule patches`: per supported minor. */
export function patchesView(ctx: ViewContext): Message {
  const { now, tz } = ctx;
  const footer = syncFooter(ctx.stored, now, tz);
  const doc = ctx.stored.patches;
  if (!doc) return view('*Patch releases*', [section('No patch schedule stored yet.')], footer);
  const today = viewerToday(now, tz);
  const supported = doc.schedules
    .filter((s) => !s.endOfLifeDate || s.endOfLifeDate >= today)
    .sort((a, b) => compareVersions(b.release, a.release));
  const slotsByTarget = doc.upcoming
    .filter((u) => u.targetDate)
    .sort((a, b) => a.targetDate!.localeCompare(b.targetDate!));
  const monthOf = monthYear;
  const deadlineText = (date: string | undefined) => {
    if (!date) return 'no cherry-pick deadline';
    const d = deadlineWhen(ctx, date);
    return `cherry-pick deadline${d.passed ? ' (passed)' : ''} ${d.text}`;
  };
  const lines: string[] = [];
  for (const s of supported) {
    const next = s.next;
    let nextText = 'no next patch release in the data.';
    if (next?.release) {
      const target = (date: string | undefined) => (date ? `target ${formatDate(date)}` : 'no target date');
      if (!next.targetDate || next.targetDate >= today) {
        nextText = `next *${next.release}*: ${deadlineText(next.cherryPickDeadline)}; ${target(next.targetDate)}.`;
      } else {
        // schedule.yaml names a `next` already out: schedule-builder moves it on only when it runs.
        // The monthly slots after it are the next releases, counted up as cherry-pick cards count.
        const after = slotsByTarget.filter((u) => u.targetDate! > next.targetDate!);
        const i = after.findIndex((u) => u.targetDate! >= today);
        nextText =
          i >= 0
            ? `next *${bumpPatch(next.release, i + 1)}*, in the ${monthOf(after[i]!.targetDate!)} slot: ${deadlineText(after[i]!.cherryPickDeadline)}; ${target(after[i]!.targetDate)}. The data still names *${next.release}* as next, but its target date ${formatDate(next.targetDate)} has passed.`
            : `the latest planned release, *${next.release}*, had its target date on ${formatDate(next.targetDate)}. The data plans no newer one.`;
      }
    }
    const support: string[] = [];
    if (s.maintenanceModeStartDate)
      support.push(
        s.maintenanceModeStartDate <= today
          ? `In maintenance mode since ${formatDate(s.maintenanceModeStartDate)}.`
          : `Enters maintenance mode on ${formatDate(s.maintenanceModeStartDate)}.`,
      );
    if (s.endOfLifeDate)
      support.push(
        s.endOfLifeDate === today
          ? `Reaches end of life today, ${formatDate(s.endOfLifeDate)}.`
          : `End of life on ${formatDate(s.endOfLifeDate)}.`,
      );
    lines.push(`• *${s.release}* — ${nextText}${support.length ? ` ${support.join(' ')}` : ''}`);
  }
  const slots = slotsByTarget.filter((u) => u.targetDate! >= today);
  if (slots.length) {
    lines.push('*Upcoming monthly patch releases*');
    for (const u of slots)
      lines.push(
        `• ${monthOf(u.targetDate!)}: ${deadlineText(u.cherryPickDeadline)}. Target ${formatDate(u.targetDate!)}.`,
      );
  }
  const eol = ctx.stored.eol?.branches
    .filter((b) => b.endOfLifeDate)
    .sort((a, b) => compareVersions(b.release, a.release))[0];
  if (eol)
    lines.push(
      `_The most recent branch to reach end of life: ${eol.release}, on ${formatDate(eol.endOfLifeDate!)}${eol.finalPatchRelease ? ` (final patch release ${eol.finalPatchRelease})` : ''}._`,
    );
  const anyAhead =
    supported.some((s) => s.next?.targetDate && s.next.targetDate >= today) || slots.length > 0;
  if (!anyAhead)
    return view(
      '*Patch releases*',
      [section(nothingAhead(ctx, 'patch schedule')), ...packLines(lines)],
      footer,
    );
  return view(`*Patch releases* (times in ${tz} and UTC)`, packLines(lines), footer);
}
