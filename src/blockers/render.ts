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
} from '../slack/blocks';
import { escapeMrkdwn, link, truncate } from '../slack/escape';
import type { BlockerLabels } from './config';
import {
  type ClassifiedItem,
  type DigestDiff,
  groupBySig,
  type SectionId,
  type Summary,
  sectionSearchUrl,
} from './model';
import type { GoNoGo, Signal } from './testgrid';

/**
 * Block Kit for the blocker summary and the daily digest, built with the kit (src/slack/blocks.ts):
 * a pure function of its input. Counts first, then the Release Signal template's sections grouped
 * by SIG. Long lists are cut to the budgets below (under Slack's 50 blocks and ~12k characters of
 * block text) with links to the equivalent GitHub searches.
 */

export interface RenderInput {
  summary: Summary;
  now: DateTime;
  /** Display time zone. */
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
}

/**
 * What one message may hold, kept under Slack's limits (`LIMITS` of the kit) with room for the
 * block containers: blocks, characters of block text, and the size sections are packed to.
 */
export const BUDGET = { blocks: LIMITS.blocks - 4, text: 10_500, sectionFill: 2900 } as const;

const SIGNAL: Record<Signal, string> = {
  green: ':large_green_circle: *Go*',
  yellow: ':large_yellow_circle: *No-Go* (yellow: flaky blocking jobs)',
  red: ':red_circle: *No-Go*',
  unknown: ':white_circle: *Unknown*',
};
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

export function ageText(from: string, now: DateTime): string {
  const mins = Math.max(0, Math.round((now.toMillis() - Date.parse(from)) / 60000));
  if (mins < 60) return plural(mins, 'minute');
  const hours = Math.round(mins / 60);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.round(hours / 24), 'day');
}

function when(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('ccc d LLL HH:mm ZZZZ');
}

function ref(item: ClassifiedItem, repos: string[]): string {
  const label =
    repos.length > 1 || !repos.some((r) => r.toLowerCase() === item.repo.toLowerCase())
      ? `${item.repo}#${item.number}`
      : `#${item.number}`;
  return link(item.url, label);
}

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
  meta.push(`${item.ageDays}d old`, `updated ${item.idleDays}d ago`);
  if (item.review) {
    meta.push(item.review.lgtm ? 'lgtm ✓' : 'no lgtm');
    meta.push(item.review.approved ? 'approved ✓' : 'not approved');
    if (item.review.hold) meta.push(':double_vertical_bar: hold');
  }
  if (item.blocking && item.section === 'failing-tests') meta.push('*critical-urgent*');
  if (item.stale) meta.push(':warning: *stale*');
  return `• ${parts[0]} — ${meta.join(' · ')}`;
}

function countsLine(summary: Summary, sig?: string): string {
  const bySection = summary.sections.filter((s) => s.items.length > 0).map((s) => noun(s.id, s.items.length));
  const stale = summary.sections.reduce((n, s) => n + s.items.filter((i) => i.stale).length, 0);
  const scope = sig ? `${summary.milestone} in sig/${escapeMrkdwn(sig)}` : summary.milestone;
  if (summary.total === 0) return `:white_check_mark: *Nothing blocks ${scope}.* No open item is tracked.`;
  const staleText = stale ? ` · ${plural(stale, 'stale item')}` : '';
  if (summary.blocking === 0)
    return `:white_check_mark: *Nothing blocks ${scope}.* Tracked: ${bySection.join(' · ')}${staleText}`;
  return `:rotating_light: *${plural(summary.blocking, 'blocker')}* — ${bySection.join(' · ')}${staleText}`;
}

function goNoGoLine(g: GoNoGo): string {
  const boards = g.dashboards
    .map(
      (d) =>
        `${d.name} ${d.state ? BOARD[d.state] : `:grey_question: (${escapeMrkdwn(truncate(d.error ?? 'unreadable', 80))})`}`,
    )
    .join(', ');
  return `Go/No-Go: ${SIGNAL[g.signal]} — ${boards}`;
}

function diffLines(diff: DigestDiff, input: RenderInput): string[] {
  const { repos, zone } = input;
  if (!diff.since) return ['_First digest for this milestone: changes are shown from the next one on._'];
  const head = `*Since the previous digest* (${when(diff.since, zone)}): ${plural(diff.added.length, 'new item')} · ${diff.resolved.length} resolved · ${diff.wentStale.length} went stale`;
  const lines = [head];
  const cap = 8;
  const list = <T>(xs: T[], fmt: (x: T) => string) => {
    for (const x of xs.slice(0, cap)) lines.push(fmt(x));
    if (xs.length > cap) lines.push(`   …and ${xs.length - cap} more`);
  };
  list(
    diff.added,
    (i) => `:new: ${ref(i, repos)} ${escapeMrkdwn(truncate(i.title, 90))} — ${SECTION_NOUN[i.section][0]}`,
  );
  list(
    diff.resolved,
    (r) =>
      `:white_check_mark: ${ref(r.item, repos)} ${escapeMrkdwn(truncate(r.item.title, 90))} — ${escapeMrkdwn(r.reason)}`,
  );
  list(
    diff.wentStale,
    (i) =>
      `:hourglass: ${ref(i, repos)} ${escapeMrkdwn(truncate(i.title, 90))} — no update for ${i.idleDays} days`,
  );
  return lines;
}

/** Characters of text a block shows (what the text budget counts). */
function textLength(b: SectionBlock | ContextBlock): number {
  if (b.type === 'section') return b.text?.text.length ?? 0;
  return b.elements.reduce((n, e) => n + ('text' in e && typeof e.text === 'string' ? e.text.length : 0), 0);
}

export function renderSummary(input: RenderInput): Rendered {
  const { summary, repos, labels, sig } = input;
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
  if (input.unavailable) {
    top.push(
      input.unavailable.shownFrom
        ? `:warning: *GitHub data is unavailable* (${escapeMrkdwn(truncate(input.unavailable.reason, 200))}). Showing the last known state, from *${ageText(input.unavailable.shownFrom, input.now)} ago* (${when(input.unavailable.shownFrom, input.zone)}) — it may be out of date.`
        : `:warning: *GitHub data is unavailable* (${escapeMrkdwn(truncate(input.unavailable.reason, 200))}) and relbot has no earlier data for ${summary.milestone}. This is not an all-clear.`,
    );
  }
  if (!input.unavailable || input.unavailable.shownFrom) top.push(countsLine(summary, sig));
  if (input.goNoGo) top.push(goNoGoLine(input.goNoGo));
  for (const b of lineSections(top, BUDGET.sectionFill)) push(b);

  if (input.diff) for (const b of lineSections(diffLines(input.diff, input), BUDGET.sectionFill)) push(b);

  // Footer first (it must fit), then as many items as the budgets allow.
  const footer = context(
    `As of ${when(summary.asOf, input.zone)} · stale = no update for ${input.staleAfterDays}+ days · ${repos.map(escapeMrkdwn).join(', ')} · \`/blockers sig &lt;name&gt;\` for one SIG · \`/blockers help\``,
  );
  const reserveBlocks = 2; // "not shown" + footer
  const reserveText = 1200;
  const omittedBySection = new Map<SectionId, number>();
  let omitted = 0;
  let full = false;
  for (const tracked of summary.sections) {
    if (tracked.items.length === 0) continue;
    const url = sectionSearchUrl(tracked.id, repos, summary.milestone, labels, sig);
    const lines: string[] = [`*${tracked.title}* (${tracked.items.length}) · ${link(url, 'on GitHub')}`];
    const lineItems: (ClassifiedItem | undefined)[] = [undefined];
    for (const group of groupBySig(tracked.items)) {
      if (!sig) {
        lines.push(`*${group.sig ? `sig/${escapeMrkdwn(group.sig)}` : 'no SIG'}* (${group.items.length})`);
        lineItems.push(undefined);
      }
      for (const item of group.items) {
        lines.push(itemLine(item, repos));
        lineItems.push(item);
      }
    }
    // Greedy fill: take lines while a block and the text budget allow it.
    let shown = 0;
    let cur = '';
    const flush = () => {
      if (cur) push(section(cur));
      cur = '';
    };
    for (let i = 0; i < lines.length && !full; i++) {
      const line = cutMrkdwn(lines[i]!, BUDGET.sectionFill);
      const needsNewBlock = !cur || cur.length + 1 + line.length > BUDGET.sectionFill;
      const blocksAfter = blocks.length + (cur ? 1 : 0) + (needsNewBlock ? 1 : 0);
      const textAfter = textUsed + cur.length + line.length + 1;
      if (blocksAfter > BUDGET.blocks - reserveBlocks || textAfter > BUDGET.text - reserveText) {
        full = true;
        break;
      }
      if (needsNewBlock && cur) flush();
      cur = cur ? `${cur}\n${line}` : line;
      if (lineItems[i]) shown++;
    }
    flush();
    if (shown < tracked.items.length) {
      omittedBySection.set(tracked.id, tracked.items.length - shown);
      omitted += tracked.items.length - shown;
    }
  }
  if (omitted > 0) {
    const parts = [...omittedBySection.entries()].map(
      ([id, n]) =>
        `${noun(id, n)} (${link(sectionSearchUrl(id, repos, summary.milestone, labels, sig), 'see on GitHub')})`,
    );
    push(
      section(
        cutMrkdwn(
          `:scissors: *${plural(omitted, 'more item')} not shown* (Slack's message limits): ${parts.join(' · ')}`,
          BUDGET.sectionFill,
        ),
      ),
    );
  }
  push(footer);

  const text =
    input.unavailable && !input.unavailable.shownFrom
      ? `Blocker data for ${scope} is unavailable (${truncate(input.unavailable.reason, 200)}).`
      : `${kind === 'digest' ? 'Daily blocker digest' : 'Release blockers'} for ${scope}: ${summary.blocking} blocking, ${summary.total} tracked${input.unavailable ? ' (last known state; GitHub is unavailable)' : ''}.`;
  const m = message(text, blocks);
  return { text: m.text, blocks: m.blocks ?? [], omitted };
}
