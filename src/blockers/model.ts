import type { DateTime } from 'luxon';
import type { BlockerLabels } from './config';

/**
 * The rules of the blocker summary, as pure functions of their inputs (including `now`): which
 * section an issue or PR belongs to (the Release Signal report template's order), its SIGs, age and
 * staleness, grouping by SIG, and the diff between two digests.
 */

/** One open issue or PR as relbot keeps it (the fields the summary shows, small enough to snapshot). */
export interface TrackedItem {
  /** owner/name */
  repo: string;
  number: number;
  kind: 'issue' | 'pr';
  title: string;
  url: string;
  labels: string[];
  assignees: string[];
  milestone: string | null;
  createdAt: string;
  updatedAt: string;
}

export type SectionId =
  | 'blocking-issues'
  | 'blocking-prs'
  | 'critical-urgent'
  | 'failing-tests'
  | 'important-soon';

/** The Release Signal template's order. */
export const SECTIONS: { id: SectionId; title: string }[] = [
  { id: 'blocking-issues', title: 'Release blocking issues' },
  { id: 'blocking-prs', title: 'Release blocking PRs' },
  { id: 'critical-urgent', title: 'priority/critical-urgent' },
  { id: 'failing-tests', title: 'Failing tests and flakes' },
  { id: 'important-soon', title: 'priority/important-soon' },
];

export interface ClassifiedItem extends TrackedItem {
  section: SectionId;
  /** release-blocker, or critical-urgent in the milestone. */
  blocking: boolean;
  sigs: string[];
  ageDays: number;
  idleDays: number;
  stale: boolean;
  /** For PRs: review and hold labels. */
  review?: { lgtm: boolean; approved: boolean; hold: boolean };
}

const has = (item: TrackedItem, label: string) =>
  item.labels.some((l) => l.toLowerCase() === label.toLowerCase());

/** Whole days between two instants (floored, never negative). */
export function daysBetween(from: string, now: DateTime): number {
  const ms = now.toMillis() - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 86_400_000)) : 0;
}

export function sigsOf(labels: string[]): string[] {
  return [...new Set(labels.filter((l) => /^sig\//i.test(l)).map((l) => l.slice(4).toLowerCase()))].sort();
}

/**
 * The section an item belongs to, or undefined when it does not count for `milestone`. A
 * release-blocker counts when it is in the milestone or has none (the handbook's query has no
 * milestone; one in another milestone belongs to that release).
 */
export function sectionOf(
  item: TrackedItem,
  milestone: string,
  labels: BlockerLabels,
): SectionId | undefined {
  const inMilestone = item.milestone?.toLowerCase() === milestone.toLowerCase();
  if (has(item, labels.blocker) && (inMilestone || !item.milestone))
    return item.kind === 'issue' ? 'blocking-issues' : 'blocking-prs';
  if (!inMilestone) return undefined;
  if (labels.failingTests.some((l) => has(item, l))) return 'failing-tests';
  if (has(item, labels.criticalUrgent)) return 'critical-urgent';
  if (has(item, labels.importantSoon)) return 'important-soon';
  return undefined;
}

export function classify(
  items: TrackedItem[],
  opts: { milestone: string; labels: BlockerLabels; staleAfterDays: number; now: DateTime },
): ClassifiedItem[] {
  const seen = new Set<string>();
  const out: ClassifiedItem[] = [];
  for (const item of items) {
    const key = itemKey(item);
    if (seen.has(key)) continue;
    const section = sectionOf(item, opts.milestone, opts.labels);
    if (!section) continue;
    seen.add(key);
    const idleDays = daysBetween(item.updatedAt, opts.now);
    out.push({
      ...item,
      section,
      blocking:
        section === 'blocking-issues' ||
        section === 'blocking-prs' ||
        section === 'critical-urgent' ||
        has(item, opts.labels.criticalUrgent),
      sigs: sigsOf(item.labels),
      ageDays: daysBetween(item.createdAt, opts.now),
      idleDays,
      stale: idleDays >= opts.staleAfterDays,
      review:
        item.kind === 'pr'
          ? { lgtm: has(item, 'lgtm'), approved: has(item, 'approved'), hold: has(item, 'do-not-merge/hold') }
          : undefined,
    });
  }
  return out;
}

export const itemKey = (i: { repo: string; number: number }) => `${i.repo.toLowerCase()}#${i.number}`;

export interface SigGroup {
  /** SIG name without `sig/`, or '' for items without a SIG label. */
  sig: string;
  items: ClassifiedItem[];
}

/**
 * Items of one section grouped by their first SIG (alphabetically; the item line shows all of
 * them). Groups are ordered by size, then name; "no SIG" last. Items: stale first, then least
 * recently updated first (the handbook's `sort:updated-asc`).
 */
export function groupBySig(items: ClassifiedItem[]): SigGroup[] {
  const groups = new Map<string, ClassifiedItem[]>();
  for (const item of items) {
    const sig = item.sigs[0] ?? '';
    groups.set(sig, [...(groups.get(sig) ?? []), item]);
  }
  return [...groups.entries()]
    .map(([sig, list]) => ({
      sig,
      items: list.sort(
        (a, b) =>
          Number(b.stale) - Number(a.stale) ||
          Date.parse(a.updatedAt) - Date.parse(b.updatedAt) ||
          a.number - b.number,
      ),
    }))
    .sort(
      (a, b) =>
        Number(a.sig === '') - Number(b.sig === '') ||
        b.items.length - a.items.length ||
        a.sig.localeCompare(b.sig),
    );
}

export interface SectionSummary {
  id: SectionId;
  title: string;
  items: ClassifiedItem[];
}

export interface Summary {
  milestone: string;
  /** When the data was read from GitHub. */
  asOf: string;
  sections: SectionSummary[];
  /** Blocking items shown (of the SIG, in a SIG's view). */
  blocking: number;
  /** Items shown (every section). */
  total: number;
  /** Blocking items of the whole milestone (all SIGs): what the Go/No-Go verdict counts. */
  milestoneBlocking: number;
}

export function summarize(items: ClassifiedItem[], milestone: string, asOf: string, sig?: string): Summary {
  const wanted = sig ? items.filter((i) => i.sigs.includes(sig.toLowerCase())) : items;
  return {
    milestone,
    asOf,
    sections: SECTIONS.map((s) => ({ ...s, items: wanted.filter((i) => i.section === s.id) })),
    blocking: wanted.filter((i) => i.blocking).length,
    total: wanted.length,
    milestoneBlocking: items.filter((i) => i.blocking).length,
  };
}

/** Why the blocking items block: the blocker label (issues, PRs) or critical-urgent in the milestone. */
export function blockingBreakdown(items: ClassifiedItem[]): {
  labelled: { issues: number; prs: number };
  criticalUrgent: { issues: number; prs: number; failingTests: number };
} {
  const out = { labelled: { issues: 0, prs: 0 }, criticalUrgent: { issues: 0, prs: 0, failingTests: 0 } };
  for (const i of items) {
    if (!i.blocking) continue;
    const labelled = i.section === 'blocking-issues' || i.section === 'blocking-prs';
    const bucket = labelled ? out.labelled : out.criticalUrgent;
    if (i.kind === 'issue') bucket.issues++;
    else bucket.prs++;
    if (i.section === 'failing-tests') out.criticalUrgent.failingTests++;
  }
  return out;
}

// ------------------------------------------------------------------------------------------ diff

export interface ResolvedItem {
  item: ClassifiedItem;
  /** How it left the list, when known: 'closed', 'merged', 'label removed', 'left the milestone'. */
  reason: string;
}

export interface DigestDiff {
  /** When the previous digest read its data (its "As of"); undefined for the first digest. */
  since?: string;
  added: ClassifiedItem[];
  resolved: ResolvedItem[];
  wentStale: ClassifiedItem[];
  /** Current items that are neither new nor went stale: counted, not listed again. */
  unchanged: ClassifiedItem[];
}

/** What changed between the previous digest's items and the current ones. */
export function diffDigests(
  previous: { at: string; items: ClassifiedItem[] } | undefined,
  current: ClassifiedItem[],
  reasons: Map<string, string> = new Map(),
): DigestDiff {
  if (!previous) return { added: [], resolved: [], wentStale: [], unchanged: [] };
  const before = new Map(previous.items.map((i) => [itemKey(i), i]));
  const now = new Map(current.map((i) => [itemKey(i), i]));
  const added = current.filter((i) => !before.has(itemKey(i)));
  const wentStale = current.filter((i) => {
    const was = before.get(itemKey(i));
    return i.stale && was !== undefined && !was.stale;
  });
  const changed = new Set([...added, ...wentStale].map(itemKey));
  return {
    since: previous.at,
    added,
    resolved: previous.items
      .filter((i) => !now.has(itemKey(i)))
      .map((item) => ({ item, reason: reasons.get(itemKey(item)) ?? 'closed or no longer labelled' })),
    wentStale,
    unchanged: current.filter((i) => !changed.has(itemKey(i))),
  };
}

/** Why a vanished item left, from its current state on GitHub. */
export function resolutionReason(
  item: TrackedItem,
  milestone: string,
  labels: BlockerLabels,
  nowState: { state: string; merged?: boolean; labels: string[]; milestone: string | null },
): string {
  if (nowState.state === 'closed') return nowState.merged ? 'merged' : 'closed';
  if (sectionOf({ ...item, labels: nowState.labels, milestone: nowState.milestone }, milestone, labels))
    return 'still tracked';
  if (item.milestone && nowState.milestone?.toLowerCase() !== item.milestone.toLowerCase())
    return nowState.milestone ? `moved to ${nowState.milestone}` : 'left the milestone';
  return 'label removed';
}

// ------------------------------------------------------------------------------------ queries

/** The GitHub searches behind the summary: one for release-blockers, one for the milestone's labels. */
export function searchQueries(
  repos: string[],
  milestone: string,
  labels: BlockerLabels,
): { blockers: string; milestone: string } {
  const repoPart = repos.map((r) => `repo:${r}`).join(' ');
  const quote = (l: string) => (/[\s,"]/.test(l) ? `"${l.replace(/"/g, '')}"` : l);
  const milestoneLabels = [labels.criticalUrgent, ...labels.failingTests, labels.importantSoon]
    .map(quote)
    .join(',');
  return {
    blockers: `${repoPart} is:open label:${quote(labels.blocker)}`,
    milestone: `${repoPart} is:open milestone:${milestone} label:${milestoneLabels}`,
  };
}

/** The GitHub search (web UI) that lists one section's items. */
export function sectionSearchUrl(
  section: SectionId,
  repos: string[],
  milestone: string,
  labels: BlockerLabels,
  sig?: string,
): string {
  const repoPart = repos.map((r) => `repo:${r}`).join(' ');
  const sigPart = sig ? ` label:sig/${sig}` : '';
  const quote = (l: string) => (/[\s,"]/.test(l) ? `"${l.replace(/"/g, '')}"` : l);
  const notTests = labels.failingTests.map((l) => `-label:${quote(l)}`).join(' ');
  const q = {
    'blocking-issues': `${repoPart} is:open is:issue label:${quote(labels.blocker)}`,
    'blocking-prs': `${repoPart} is:open is:pr label:${quote(labels.blocker)}`,
    'critical-urgent': `${repoPart} is:open milestone:${milestone} label:${quote(labels.criticalUrgent)} ${notTests}`,
    'failing-tests': `${repoPart} is:open milestone:${milestone} label:${labels.failingTests.map(quote).join(',')}`,
    'important-soon': `${repoPart} is:open milestone:${milestone} label:${quote(labels.importantSoon)} -label:${quote(labels.criticalUrgent)} ${notTests}`,
  }[section];
  return `https://github.com/search?q=${encodeURIComponent(`${q}${sigPart} sort:updated-asc`)}&type=issues`;
}
