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
  describeTiming,
  formatDate,
  isPast,
  milestoneLine,
  packLines,
  relativeDays,
  syncFooter,
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

/** A view: its title, the sections that fit the budget (then a cut-short note) and the footer. */
function view(title: string, allSections: SectionBlock[], footer: string): Message {
  const sections: SectionBlock[] = [];
  let total = title.length + Math.min(footer.length, LIMITS.sectionText);
  for (const s of allSections) {
    const size = textOf(s).length;
    if (sections.length >= MAX_SECTIONS || total + size > MAX_TEXT) {
      sections.push(section('_…cut short: too long for one Slack message._'));
      break;
    }
    sections.push(s);
    total += size;
  }
  const text = `${title}\n${sections.map(textOf).join('\n')}`;
  return message(cutMrkdwn(text, LIMITS.sectionText), [section(title), ...sections, context(footer)]);
}

export function emptyView(): Message {
  return sectionMessage(
    'relbot has no schedule stored yet. The daily sync imports it; an admin can run `/schedule sync` now. (`/schedule help` lists every subcommand.)',
  );
}

/** What `/schedule sync` answers: each source's outcome and what changed. */
export function syncView(report: SyncReport): Message {
  const lines = report.sources.map((s) => {
    if (s.status === 'error') return `:x: ${escapeMrkdwn(s.error ?? s.label)} — the last good data is kept.`;
    const problems = s.problems.length
      ? `\n${s.problems
          .slice(0, 10)
          .map((p) => `    :warning: ${escapeMrkdwn(p)}`)
          .join('\n')}`
      : '';
    return `${s.status === 'imported' ? ':white_check_mark: imported' : ':ballot_box_with_check: unchanged'} ${escapeMrkdwn(s.label)}${problems}`;
  });
  const changes = report.firstImport
    ? `First import: ${report.milestones} milestones.`
    : report.changes.length
      ? `Changes (also posted to the channel):\n${changesText(report.changes)}`
      : 'No milestone changed.';
  return sectionMessage(`*Schedule sync*\n${lines.join('\n')}\n${changes}`);
}

/** Cycle whose first..last milestone spans `now`; else the next one to start; else the latest. */
export function pickCurrentCycle(
  cycles: CycleDoc[],
  now: DateTime,
  allDayZone: string,
): CycleDoc | undefined {
  const spans = cycles
    .filter((c) => c.milestones.length)
    .map((c) => {
      const bounds = c.milestones.map((m) => timingBounds(m.timing, allDayZone));
      const start = DateTime.min(...bounds.map((b) => b.start))!;
      const end = DateTime.max(...bounds.map((b) => b.end))!;
      return { c, start, end };
    })
    .sort((a, b) => a.start.toMillis() - b.start.toMillis());
  return (
    spans.find((s) => s.start <= now && now < s.end)?.c ??
    spans.find((s) => s.start > now)?.c ??
    spans.at(-1)?.c
  );
}

function nothingAhead(ctx: ViewContext, what: string): string {
  const latest = ctx.milestones.length
    ? DateTime.max(...ctx.milestones.map((m) => timingBounds(m.timing, ctx.allDayZone).end))
    : undefined;
  const newest = latest ? ` The newest date in it is ${latest.toFormat('ccc d LLL yyyy')}.` : '';
  return `:information_source: Nothing ahead in the stored ${what}.${newest} The sources may be out of date: an admin can run \`/schedule sync\`, or update the files the config points at.`;
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
      .sort(
        (a, b) =>
          timingBounds(a.timing, ctx.allDayZone).start.toMillis() -
          timingBounds(b.timing, ctx.allDayZone).start.toMillis(),
      );
    if (coming.length) {
      const start = DateTime.min(
        ...cycle.milestones.map((m) => timingBounds(m.timing, ctx.allDayZone).start),
      )!;
      const week = Math.floor(now.diff(start, 'days').days / 7) + 1;
      const weekText =
        week >= 1 ? ` — now in week ${week}` : ` — starts ${relativeDays(start.toISODate()!, now, tz)}`;
      const lines = coming.slice(0, limit).map((m) => `• ${milestoneLine(m, now, tz)}`);
      if (coming.length > limit)
        lines.push(`_…and ${coming.length - limit} more: \`/schedule ${cycle.version}\`_`);
      sections.push(...packLines([`*Kubernetes v${cycle.version}*${weekText}`, ...lines]));
    }
  }
  const deadlines = ctx.milestones
    .filter((m) => m.kinds.includes('cherryPickDeadline') && !isPast(m, now, ctx.allDayZone))
    .slice(0, 2);
  if (deadlines.length) {
    const targets = ctx.milestones.filter((m) => m.kinds.includes('patchRelease'));
    const lines = deadlines.map((d) => {
      const month = /\/(\d{4}-\d{2})(-\d{2})?$/.exec(d.id)?.[1];
      const target =
        targets.find((t) => month && t.id.endsWith(`/${month}`)) ??
        targets.find((t) => t.when && d.when && t.when > d.when);
      const targetText =
        target && target.timing.type === 'day' ? ` Target: ${formatDate(target.timing.date)}.` : '';
      return `• ${escapeMrkdwn(d.name)} — cut-off ${describeTiming(d.timing, now, tz)}.${targetText}`;
    });
    sections.push(...packLines(['*Patch releases*', ...lines]));
  }
  if (!sections.length) return view('*What is next*', [section(nothingAhead(ctx, 'schedule'))], footer);
  return view(`*What is next* (times in ${tz} and UTC)`, sections, footer);
}

/** `/schedule 1.37`: the whole timeline, past rows marked. */
export function cycleView(ctx: ViewContext, cycle: CycleDoc): Message {
  const { now, tz } = ctx;
  const rows = [...cycle.milestones].sort(
    (a, b) =>
      timingBounds(a.timing, ctx.allDayZone).start.toMillis() -
      timingBounds(b.timing, ctx.allDayZone).start.toMillis(),
  );
  const nextIndex = rows.findIndex((m) => !isPast(m, now, ctx.allDayZone));
  const lines = rows.map((m, i) => {
    const past = isPast(m, now, ctx.allDayZone);
    const mark = past ? ':white_check_mark:' : i === nextIndex ? ':point_right:' : ':small_blue_diamond:';
    const line = milestoneLine({ ...m, cycle: undefined, week: undefined }, now, tz);
    return `${mark} ${m.week ? `W${m.week} ` : ''}${past ? `~${line}~` : line}`;
  });
  const pastCount = rows.filter((m) => isPast(m, now, ctx.allDayZone)).length;
  const title = `*Kubernetes v${cycle.version} timeline* — ${rows.length} milestones, ${pastCount} past (times in ${tz} and UTC)`;
  const problems = cycle.problems.length
    ? [
        section(
          `:warning: ${cycle.problems.length} row(s) of the page could not be read and are not shown: ${cycle.problems
            .map((p) => `row ${p.row} "${escapeMrkdwn(p.what)}" (${escapeMrkdwn(p.message)})`)
            .join('; ')}`,
        ),
      ]
    : [];
  return view(title, [...packLines(lines), ...problems], syncFooter(ctx.stored, now, tz));
}

/** `/schedule patches`: per supported minor. */
export function patchesView(ctx: ViewContext): Message {
  const { now, tz } = ctx;
  const footer = syncFooter(ctx.stored, now, tz);
  const doc = ctx.stored.patches;
  if (!doc) return view('*Patch releases*', [section('No patch schedule stored yet.')], footer);
  const today = now.setZone(tz).toISODate()!;
  const supported = doc.schedules
    .filter((s) => !s.endOfLifeDate || s.endOfLifeDate >= today)
    .sort((a, b) => compareVersions(b.release, a.release));
  const lines: string[] = [];
  for (const s of supported) {
    const next = s.next;
    let nextText = 'no next patch release in the data';
    if (next?.release) {
      const targetPast = next.targetDate && next.targetDate < today;
      const deadline = next.cherryPickDeadline
        ? `cherry-pick deadline ${describeTiming({ type: 'instant', at: cutoffInstant(next.cherryPickDeadline, ctx.cutoff).toISO()! }, now, tz)} (${formatDate(next.cherryPickDeadline)}, end of day ${ctx.cutoff.zone === 'AoE' ? 'AoE' : ctx.cutoff.zone})`
        : 'no cherry-pick deadline';
      const target = next.targetDate ? `target ${formatDate(next.targetDate)}` : 'no target date';
      nextText = targetPast
        ? `latest planned *${next.release}* (target ${formatDate(next.targetDate!)}, past); no newer one in the data`
        : `next *${next.release}*: ${deadline}; ${target}`;
    }
    const support = [
      s.maintenanceModeStartDate ? `maintenance mode from ${formatDate(s.maintenanceModeStartDate)}` : '',
      s.endOfLifeDate ? `end of life ${formatDate(s.endOfLifeDate)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `• *${s.release}* — ${nextText}.${support ? ` ${support[0]!.toUpperCase()}${support.slice(1)}.` : ''}`,
    );
  }
  const slots = doc.upcoming.filter((u) => u.targetDate && u.targetDate >= today);
  if (slots.length)
    lines.push(
      `*Upcoming monthly patch releases:* ${slots
        .map(
          (u) =>
            `${DateTime.fromISO(u.targetDate!, { zone: 'utc' }).toFormat('LLLL yyyy')}: deadline ${u.cherryPickDeadline ? formatDate(u.cherryPickDeadline) : 'n/a'}, target ${formatDate(u.targetDate!)}`,
        )
        .join('; ')}`,
    );
  const eol = ctx.stored.eol?.branches
    .filter((b) => b.endOfLifeDate)
    .sort((a, b) => compareVersions(b.release, a.release))[0];
  if (eol)
    lines.push(
      `_Most recent end of life: ${eol.release} (final ${eol.finalPatchRelease ?? '?'}, ${formatDate(eol.endOfLifeDate!)})._`,
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
