import type { ContextBlock, SectionBlock } from '@slack/types';
import { DateTime } from 'luxon';
import {
  context,
  cut,
  cutMrkdwn,
  header,
  type KnownBlock,
  LIMITS,
  lineSections,
  type Message,
  message,
  section,
  slackDate,
} from '../slack/blocks';
import { escapeMrkdwn, link, truncate } from '../slack/escape';
import type { BlockerLabels } from './config';
import {
  blockingBreakdown,
  type ClassifiedItem,
  type DigestDiff,
  groupBySig,
  type SectionId,
  type Summary,
  sectionSearchUrl,
} from './model';
import type { GoNoGo } from './testgrid';
import { decideVerdict, type VerdictResult } from './verdict';

/**
 * Block Kit for the blocker summary and the daily digest, built with the kit (src/slack/blocks.ts):
 * a pure function of its input. Counts first (saying what each number counts), the Go/No-Go
 * verdict (open blockers and CI signal, naming which decided it), then the Release Signal template's
 * sections grouped by SIG. Long lists are cut to the budgets below (under Slack's 50 blocks and ~12k
 * characters of block text); the cut names every SIG with what it left out, and how to see it. A
 * digest after the first leads with what changed and counts the unchanged rest.
 */

export interface RenderInput {
  summary: Summary;
  now: DateTime;
  /** Display time zone (the fallback text of Slack's date tokens). */
  zone: string;
  repos: string[];
  labels: BlockerLabels;
  staleAfterDays: number;
  sig?: string;
  goNoGo?: GoNoGo;
  /** For digests: what changed since the previous one. */
  diff?: DigestDiff;
  /** Set when fresh data could not be read: why, and whether older data is shown instead. */
  unavailable?: { reason: string; shownFrom?: string };
  /** 'summary' (the command) or 'digest'. */
  kind?: 'summary' | 'digest';
}

export interface Rendered extends Message {
  blocks: KnownBlock[];
  /** Items that did not fit and are only linked. */
  omitted: number;
  /** The Go/No-Go verdict shown, when testgrid dashboards are configured. */
  verdict?: VerdictResult;
}

/**
 * What one message may hold, kept under Slack's limits (`LIMITS` of the kit) with room for the
 * block containers: blocks, characters of block text, and the size sections are packed to.
 */
export const BUDGET = { blocks: LIMITS.blocks - 4, text: 10_500, sectionFill: 2900 } as const;

const COLOUR = {
  green: ':large_green_circle:',
  yellow: ':large_yellow_circle:',
  red: ':red_circle:',
  white: ':white_circle:',
} as const;
const WORD = { go: 'Go', 'no-go': 'No-Go', unknown: 'Unknown' } as const;
const BOARD = { passing: ':white_check_mark:', flaky: ':warning:', failing: ':x:' } as const;

const SECTION_NOUN: Record<SectionId, [string, string]> = {
  'blocking-issues': ['blocking issue', 'blocking issues'],
  'blocking-prs': ['blocking PR', 'blocking PRs'],
  'critical-urgent': ['critical-urgent', 'critical-urgent'],
  'failing-tests': ['failing test/flake', 'failing tests/flakes'],
  'important-soon': ['important-soon', 'important-soon'],
};
const noun = (id: SectionId, n: number) => `${n} ${SECTION_NOUN[id][n === 1 ? 0 : 1]}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How long ago, in words: "just now" under a minute, then minutes, hours (under 48) and days. */
export function ageText(from: string, now: DateTime): string {
  const mins = Math.max(0, Math.floor((now.toMillis() - Date.parse(from)) / 60000));
  if (mins < 1) return 'just now';
  if (mins < 60) return `${plural(mins, 'minute')} ago`;
  const hours = Math.round(mins / 60);
  if (hours < 48) return `${plural(hours, 'hour')} ago`;
  return `${plural(Math.round(hours / 24), 'day')} ago`;
}

/** An instant as a Slack date token (each reader's own zone), falling back to `zone`'s time. */
export function when(iso: string, zone: string): string {
  const t = DateTime.fromISO(iso, { zone: 'utc' });
  return slackDate(t, '{date_short_pretty} {time}', t.setZone(zone).toFormat('ccc d LLL HH:mm ZZZZ'));
}

function ref(item: ClassifiedItem, repos: string[]): string {
  const label =
    repos.length > 1 || !repos.some((r) => r.toLowerCase() === item.repo.toLowerCase())
      ? `${item.repo}#${item.number}`
      : `#${item.number}`;
  return link(item.url, label);
}

/** Whole days as a reader says them: "<1d" for less than a day. */
const days = (n: number) => (n < 1 ? '&lt;1d' : `${n}d`);

/** One item's line. */
export function itemLine(item: ClassifiedItem, repos: string[]): string {
  const parts = [`${ref(item, repos)} ${escapeMrkdwn(truncate(item.title, 110))}`];
  const meta: string[] = [];
  meta.push(item.sigs.length ? item.sigs.map((s) => `sig/${escapeMrkdwn(s)}`).join(', ') : 'no SIG');
  meta.push(
    item.assignees.length
      ? item.assignees
          .slice(0, 3)
          .map((a) => `@${escapeMrkdwn(a)}`)
          .join(', ')
      : 'unassigned',
  );
  meta.push(`${days(item.ageDays)} old`, `updated ${days(item.idleDays)} ago`);
  if (item.review) {
    meta.push(item.review.lgtm ? 'lgtm ✓' : 'no lgtm');
    meta.push(item.review.approved ? 'approved ✓' : 'not approved');
    if (item.review.hold) meta.push(':double_vertical_bar: hold');
  }
  if (item.blocking && item.section === 'failing-tests') meta.push('*critical-urgent*');
  if (item.stale) meta.push(':warning: *stale*');
  return `• ${parts[0]} — ${meta.join(' · ')}`;
}

const issuesAndPrs = (c: { issues: number; prs: number }) =>
  [c.issues ? plural(c.issues, 'issue') : '', c.prs ? plural(c.prs, 'PR') : ''].filter(Boolean).join(', ');

/**
 * The counts, saying what each number counts: the release-blocking items and why they block
 * (the blocker label, or critical-urgent in the milestone; issues and PRs), then every tracked item
 * by section (the sections below, so the numbers add up to what is listed), then the stale ones.
 */
function countsLines(summary: Summary, input: RenderInput): string[] {
  const { sig, labels, staleAfterDays } = input;
  const items = summary.sections.flatMap((s) => s.items);
  const bySection = summary.sections.filter((s) => s.items.length > 0).map((s) => noun(s.id, s.items.length));
  const stale = items.filter((i) => i.stale).length;
  const scope = sig ? `${summary.milestone} in sig/${escapeMrkdwn(sig)}` : summary.milestone;
  const staleText = stale
    ? ` ${stale === 1 ? '1 is' : `${stale} are`} stale (no update for ${staleAfterDays}+ days).`
    : '';
  if (summary.total === 0) return [`:white_check_mark: *Nothing blocks ${scope}.* No open item is tracked.`];
  const tracked = `${plural(summary.total, 'item')} tracked: ${bySection.join(' · ')}.${staleText}`;
  if (summary.blocking === 0)
    return [
      `:white_check_mark: *Nothing blocks ${scope}.* ${tracked.replace(' tracked:', ' tracked, none blocking:')}`,
    ];
  const b = blockingBreakdown(items);
  const why: string[] = [];
  const labelled = b.labelled.issues + b.labelled.prs;
  const urgent = b.criticalUrgent.issues + b.criticalUrgent.prs;
  if (labelled)
    why.push(`${labelled} labelled ${escapeMrkdwn(labels.blocker)} (${issuesAndPrs(b.labelled)})`);
  if (urgent)
    why.push(
      `${urgent} ${escapeMrkdwn(labels.criticalUrgent)} in ${summary.milestone} (${issuesAndPrs(b.criticalUrgent)})`,
    );
  const tests = b.criticalUrgent.failingTests;
  const testsText = tests
    ? ` ${tests === 1 ? '1 of them is a failing test' : `${tests} of them are failing tests`}, listed under failing tests and flakes.`
    : '';
  return [
    `:rotating_light: *${plural(summary.blocking, 'blocker')}* open${sig ? ` in sig/${escapeMrkdwn(sig)}` : ''}: ${why.join(' and ')}.${testsText}`,
    tracked,
  ];
}

function verdictLines(input: RenderInput, g: GoNoGo): { lines: string[]; verdict: VerdictResult } {
  const { summary, sig } = input;
  const noData = input.unavailable && !input.unavailable.shownFrom;
  const verdict = decideVerdict({
    ci: g,
    blocking: noData ? undefined : summary.milestoneBlocking,
    lastKnown: Boolean(input.unavailable),
    sig: sig ? { name: escapeMrkdwn(sig), blocking: summary.blocking } : undefined,
  });
  const scope = sig ? ` for all of ${summary.milestone}` : '';
  const boards = g.dashboards.map((d) => {
    const name = d.pageUrl ? link(d.pageUrl, d.name) : escapeMrkdwn(d.name);
    if (d.absent) return `${name} not on testgrid yet`;
    if (d.state) return `${name} ${BOARD[d.state]}`;
    return `${name} :grey_question: (${escapeMrkdwn(truncate(d.error ?? 'unreadable', 80))})`;
  });
  return {
    verdict,
    lines: [
      `Go/No-Go${scope}: ${COLOUR[verdict.colour]} *${WORD[verdict.verdict]}*: ${verdict.reason}`,
      `CI signal (testgrid): ${boards.length ? boards.join(' · ') : `no dashboard is configured for ${summary.milestone}`}`,
    ],
  };
}

/** A digest after the first: what changed leads; the unchanged rest is counted, with where to see it. */
function diffLines(diff: DigestDiff, input: RenderInput): string[] {
  const { repos, zone, summary, labels } = input;
  const since = when(diff.since!, zone);
  const changes = diff.added.length + diff.resolved.length + diff.wentStale.length;
  const lines = [
    changes
      ? `*Since the previous digest* (data as of ${since}): ${plural(diff.added.length, 'new item')} · ${diff.resolved.length} resolved · ${diff.wentStale.length} went stale`
      : `*No changes since the previous digest* (data as of ${since}): nothing new, nothing resolved, nothing went stale.`,
  ];
  const cap = 8;
  const list = <T>(xs: T[], what: string, fmt: (x: T) => string) => {
    for (const x of xs.slice(0, cap)) lines.push(fmt(x));
    if (xs.length > cap)
      lines.push(
        `   …and ${xs.length - cap} more ${what}.${what === 'resolved items' ? '' : ' `/blockers` lists every open item.'}`,
      );
  };
  list(
    diff.added,
    'new items',
    (i) => `:new: ${ref(i, repos)} ${escapeMrkdwn(truncate(i.title, 90))} — ${SECTION_NOUN[i.section][0]}`,
  );
  list(
    diff.resolved,
    'resolved items',
    (r) =>
      `:white_check_mark: ${ref(r.item, repos)} ${escapeMrkdwn(truncate(r.item.title, 90))} — ${escapeMrkdwn(r.reason)}`,
  );
  list(
    diff.wentStale,
    'items that went stale',
    (i) =>
      `:hourglass: ${ref(i, repos)} ${escapeMrkdwn(truncate(i.title, 90))} — no update for ${i.idleDays} days`,
  );
  if (diff.unchanged.length) {
    const blocking = diff.unchanged.filter((i) => i.blocking).length;
    const bySection = summary.sections
      .map((s) => ({ id: s.id, n: diff.unchanged.filter((i) => i.section === s.id).length }))
      .filter((s) => s.n > 0)
      .map((s) => link(sectionSearchUrl(s.id, repos, summary.milestone, labels), noun(s.id, s.n)));
    lines.push(
      `*Unchanged:* ${plural(diff.unchanged.length, 'item')}, ${blocking} of them blocking: ${bySection.join(' · ')}. \`/blockers\` lists them all.`,
    );
  }
  return lines;
}

/** Characters of text a block shows (what the text budget counts). */
function textLength(b: SectionBlock | ContextBlock): number {
  if (b.type === 'section') return b.text?.text.length ?? 0;
  return b.elements.reduce((n, e) => n + ('text' in e && typeof e.text === 'string' ? e.text.length : 0), 0);
}

interface Line {
  /** The line's text, made only when the budget reaches it (a milestone can have thousands of items). */
  text: () => string;
  item?: ClassifiedItem;
  /** The item's group (its first SIG; '' = no SIG). */
  group?: string;
}

/** Per section, per SIG group: how many items the cut left out. */
type Omitted = Map<SectionId, { total: number; groups: Map<string, number> }>;

/**
 * The list of sections, greedily filled while the budgets allow, leaving `reserve` for the cut
 * note and the footer.
 */
function fillSections(
  input: RenderInput,
  used: { blocks: number; text: number },
  reserve: { blocks: number; text: number },
): { blocks: SectionBlock[]; omitted: Omitted } {
  const { summary, repos, labels, sig } = input;
  const out: SectionBlock[] = [];
  let text = used.text;
  const omitted: Omitted = new Map();
  let full = false;
  for (const tracked of summary.sections) {
    if (tracked.items.length === 0) continue;
    const url = sectionSearchUrl(tracked.id, repos, summary.milestone, labels, sig);
    const lines: Line[] = [
      { text: () => `*${tracked.title}* (${tracked.items.length}) · ${link(url, 'on GitHub')}` },
    ];
    for (const group of groupBySig(tracked.items)) {
      if (!sig)
        lines.push({
          text: () => `*${group.sig ? `sig/${escapeMrkdwn(group.sig)}` : 'no SIG'}* (${group.items.length})`,
        });
      for (const item of group.items)
        lines.push({ text: () => itemLine(item, repos), item, group: group.sig });
    }
    const shown = new Set<ClassifiedItem>();
    let cur = '';
    const flush = () => {
      if (cur) {
        out.push(section(cur));
        text += cur.length;
      }
      cur = '';
    };
    for (const l of lines) {
      if (full) break;
      const line = cutMrkdwn(l.text(), BUDGET.sectionFill);
      const needsNewBlock = !cur || cur.length + 1 + line.length > BUDGET.sectionFill;
      const blocksAfter = used.blocks + out.length + (cur ? 1 : 0) + (needsNewBlock ? 1 : 0);
      const textAfter = text + cur.length + line.length + 1;
      if (blocksAfter > BUDGET.blocks - reserve.blocks || textAfter > BUDGET.text - reserve.text) {
        full = true;
        break;
      }
      if (needsNewBlock && cur) flush();
      cur = cur ? `${cur}\n${line}` : line;
      if (l.item) shown.add(l.item);
    }
    flush();
    const left = lines.filter((l) => l.item && !shown.has(l.item));
    if (left.length) {
      const groups = new Map<string, number>();
      for (const l of left) groups.set(l.group!, (groups.get(l.group!) ?? 0) + 1);
      omitted.set(tracked.id, { total: left.length, groups });
    }
  }
  return { blocks: out, omitted };
}

/** The cut note: every section and SIG with what is not shown, and how to see it. */
function cutNote(input: RenderInput, omitted: Omitted): string[] {
  const { summary, repos, labels, sig } = input;
  const n = [...omitted.values()].reduce((a, o) => a + o.total, 0);
  if (n === 0) return [];
  const lines = [`:scissors: *${plural(n, 'more item')} not shown* (Slack's message limits).`];
  for (const [id, o] of omitted) {
    const tracked = summary.sections.find((s) => s.id === id)!;
    const groups = sig
      ? ''
      : ` ${[...o.groups.entries()].map(([g, k]) => `${g ? `sig/${escapeMrkdwn(g)}` : 'no SIG'} ${k}`).join(' · ')} ·`;
    lines.push(
      `• *${tracked.title}*: ${o.total} of ${tracked.items.length} not shown:${groups} ${link(sectionSearchUrl(id, repos, summary.milestone, labels, sig), `all ${tracked.items.length} on GitHub`)}`,
    );
  }
  if (!sig) lines.push('`/blockers sig &lt;name&gt;` shows one SIG in full.');
  return lines;
}

export function renderSummary(input: RenderInput): Rendered {
  const { summary, repos, sig } = input;
  const kind = input.kind ?? 'summary';
  const scope = `${summary.milestone}${sig ? ` · sig/${sig}` : ''}`;
  const title = cut(
    kind === 'digest' ? `Daily blocker digest · ${scope}` : `Release blockers · ${scope}`,
    LIMITS.headerText,
  );
  const blocks: KnownBlock[] = [header(title)];
  let textUsed = title.length;
  const push = (b: SectionBlock | ContextBlock) => {
    blocks.push(b);
    textUsed += textLength(b);
  };

  const top: string[] = [];
  const reason = input.unavailable ? escapeMrkdwn(truncate(input.unavailable.reason, 200)) : '';
  if (input.unavailable) {
    top.push(
      input.unavailable.shownFrom
        ? `:warning: *GitHub data is unavailable* (${reason}). Showing the last known state, from *${ageText(input.unavailable.shownFrom, input.now)}* (${when(input.unavailable.shownFrom, input.zone)}). It may be out of date.`
        : `:warning: *GitHub data is unavailable* (${reason}) and relbot has no earlier data for ${summary.milestone}. This is not an all-clear.`,
    );
  }
  if (!input.unavailable || input.unavailable.shownFrom) top.push(...countsLines(summary, input));
  let verdict: VerdictResult | undefined;
  if (input.goNoGo) {
    const v = verdictLines(input, input.goNoGo);
    verdict = v.verdict;
    top.push(...v.lines);
  }
  for (const b of lineSections(top, BUDGET.sectionFill)) push(b);

  // A digest after the first lists only what changed; the first one (and the command) list everything.
  let listAll = true;
  if (kind === 'digest' && input.unavailable) {
    listAll = false;
    push(
      section(
        'What changed since the previous digest is unknown until GitHub answers again. `/blockers` shows the last known list.',
      ),
    );
  } else if (input.diff?.since) {
    listAll = false;
    for (const b of lineSections(diffLines(input.diff, input), BUDGET.sectionFill)) push(b);
  } else if (input.diff) {
    push(
      section(
        '_First digest for this milestone: everything tracked is listed below. From the next digest on, only what changed is listed._',
      ),
    );
  }

  const footer = context(
    `As of ${when(summary.asOf, input.zone)} · stale = no update for ${input.staleAfterDays}+ days · ${repos.map(escapeMrkdwn).join(', ')} · \`/blockers sig &lt;name&gt;\` for one SIG · \`/blockers help\``,
  );
  let omitted = 0;
  if (listAll) {
    // Fill, then check that the cut note fits what was kept for it; if not, keep more and refill.
    let reserve = { blocks: 2, text: 1200 };
    for (let attempt = 0; ; attempt++) {
      const filled = fillSections(input, { blocks: blocks.length, text: textUsed }, reserve);
      const note = lineSections(cutNote(input, filled.omitted), BUDGET.sectionFill);
      const noteText = note.reduce((n, b) => n + textLength(b), 0) + textLength(footer);
      if (attempt < 4 && (note.length + 1 > reserve.blocks || noteText > reserve.text)) {
        reserve = {
          blocks: Math.max(reserve.blocks, note.length + 1),
          text: Math.max(reserve.text, noteText + 200),
        };
        continue;
      }
      for (const b of [...filled.blocks, ...note]) push(b);
      omitted = [...filled.omitted.values()].reduce((a, o) => a + o.total, 0);
      break;
    }
  }
  push(footer);

  const verdictText = verdict ? ` Go/No-Go for ${summary.milestone}: ${WORD[verdict.verdict]}.` : '';
  const text =
    input.unavailable && !input.unavailable.shownFrom
      ? `Blocker data for ${scope} is unavailable (${truncate(input.unavailable.reason, 200)}).${verdictText}`
      : `${kind === 'digest' ? 'Daily blocker digest' : 'Release blockers'} for ${scope}: ${summary.total === 0 ? 'nothing tracked' : `${plural(summary.blocking, 'blocker')} open, ${summary.total} tracked in all`}${input.unavailable ? ' (last known state; GitHub is unavailable)' : ''}.${verdictText}`;
  const m = message(text, blocks);
  return { text: m.text, blocks: m.blocks ?? [], omitted, verdict };
}
