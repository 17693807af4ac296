import { DateTime } from 'luxon';
import { editDistance } from '../text';
import { timingBounds } from './dates';
import type { Milestone } from './model';
import type { PlannedReminder } from './reminders';

/**
 * Personal reminders, pure: what a person may subscribe to (a kind of milestone, or one milestone),
 * which lead times are sane, and which DMs the subscriptions produce for the stored schedule. The
 * decision of what to send now (on time, late, or missed) is the channel reminders' own
 * `decideReminders`, applied per person.
 */

export const MIN_LEAD_MINUTES = 15;
export const MAX_LEAD_MINUTES = 4 * 7 * 24 * 60;
/** Subscriptions one person may hold. */
export const MAX_SUBSCRIPTIONS = 20;

/** A kind of milestone a person can subscribe to by one word: every such milestone, future cycles too. */
export interface Selector {
  word: string;
  /** "every Code Freeze" */
  label: string;
  matches(m: Milestone): boolean;
}

const freeze = (re: RegExp) => (m: Milestone) => m.kinds.includes('hardFreeze') && re.test(m.name);

export const SELECTORS: Selector[] = [
  { word: 'code-freeze', label: 'every Code Freeze', matches: freeze(/code freeze/i) },
  {
    word: 'enhancements-freeze',
    label: 'every Enhancements Freeze',
    matches: freeze(/enhancements? freeze/i),
  },
  {
    word: 'prr-freeze',
    label: 'every Production Readiness Freeze',
    matches: freeze(/production readiness freeze|\bprr\b/i),
  },
  { word: 'docs-freeze', label: 'every Docs Freeze', matches: freeze(/docs freeze/i) },
  { word: 'freeze', label: 'every freeze (PRR, Enhancements, Code, Docs)', matches: freeze(/./) },
  {
    word: 'rc',
    label: 'every release candidate (rc) of a cycle',
    matches: (m) => m.source === 'cycle' && /-rc\.\d+ released/i.test(m.name),
  },
  {
    word: 'release-day',
    label: 'every release day (vX.Y.0)',
    matches: (m) => m.kinds.includes('releaseDay'),
  },
  {
    word: 'cherry-pick-deadline',
    label: 'every cherry-pick deadline of the patch releases',
    matches: (m) => m.kinds.includes('cherryPickDeadline'),
  },
  {
    word: 'patch-release',
    label: 'every patch release day',
    matches: (m) => m.kinds.includes('patchRelease'),
  },
];

/** What a subscription is for, as stored: `kind:code-freeze` or `milestone:v1.37/docs-freeze`. */
export type Target = { type: 'kind'; selector: Selector } | { type: 'milestone'; id: string };

export function targetKey(t: Target): string {
  return t.type === 'kind' ? `kind:${t.selector.word}` : `milestone:${t.id}`;
}

export function parseTargetKey(key: string): Target | undefined {
  if (key.startsWith('kind:')) {
    const selector = SELECTORS.find((s) => s.word === key.slice(5));
    return selector ? { type: 'kind', selector } : undefined;
  }
  if (key.startsWith('milestone:')) return { type: 'milestone', id: key.slice(10) };
  return undefined;
}

export function targetMatches(t: Target, m: Milestone): boolean {
  return t.type === 'kind' ? t.selector.matches(m) : m.id === t.id;
}

// ------------------------------------------------------------------ lead times

const UNITS = { m: 1, h: 60, d: 1440, w: 10080 } as const;
const UNIT_WORDS = { m: 'minute', h: 'hour', d: 'day', w: 'week' } as const;

export type LeadResult = { ok: true; lead: string; minutes: number } | { ok: false; reason: string };

export const LEAD_HINT =
  'A lead time is a number and a unit: `30m`, `6h`, `2d` or `1w`, from 15 minutes to 4 weeks.';

/** `2d` → 2 days ahead (2880 minutes); "-3d", "0d", "999w" and other words are refused, saying why. */
export function parseLead(text: string): LeadResult {
  const typed = text.trim().toLowerCase();
  const m = /^(\d{1,5})\s*([mhdw])$/.exec(typed);
  if (!m) {
    if (/^-\s*\d/.test(typed))
      return { ok: false, reason: 'A lead time counts back from the milestone, so it cannot be negative.' };
    if (typed === 'now')
      return {
        ok: false,
        reason: 'Personal reminders come ahead of a milestone; `now` is for the channel reminders.',
      };
    return { ok: false, reason: 'That is not a lead time.' };
  }
  const unit = m[2] as keyof typeof UNITS;
  const minutes = Number(m[1]) * UNITS[unit];
  if (minutes < MIN_LEAD_MINUTES)
    return { ok: false, reason: 'That lead time is too short: the least is 15 minutes (`15m`).' };
  if (minutes > MAX_LEAD_MINUTES)
    return { ok: false, reason: 'That lead time is too long: the most is 4 weeks (`4w`).' };
  return { ok: true, lead: `${Number(m[1])}${unit}`, minutes };
}

/** "2 days", "1 hour", "30 minutes". */
export function leadWords(lead: string): string {
  const n = Number(lead.slice(0, -1));
  const word = UNIT_WORDS[lead.slice(-1) as keyof typeof UNIT_WORDS] ?? lead;
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ------------------------------------------------------------------ naming a milestone

/** The part of a milestone id a person types: `docs-deadline-prs-ready-for-review` of `v1.37/…`. */
export const slugOf = (m: Milestone): string => m.id.slice(m.id.lastIndexOf('/') + 1);

export type TargetResult = { ok: true; target: Target } | { ok: false; closest: string[] };

/**
 * What a typed word names: a kind (`code-freeze`, `rc`, …), a milestone id (`v1.37/docs-freeze`) or
 * the slug of a milestone ahead (`release-notes-complete`, the next one of that name). Otherwise
 * the words relbot knows, closest first.
 */
export function resolveTarget(
  word: string,
  milestones: Milestone[],
  now: DateTime,
  allDayZone: string,
): TargetResult {
  const typed = word.trim().toLowerCase().replace(/_/g, '-');
  const selector = SELECTORS.find((s) => s.word === typed || `${s.word}s` === typed);
  if (selector) return { ok: true, target: { type: 'kind', selector } };
  const ahead = milestones.filter((m) => timingBounds(m.timing, allDayZone).start > now);
  const byId = milestones.find((m) => m.id.toLowerCase() === typed);
  if (byId) return { ok: true, target: { type: 'milestone', id: byId.id } };
  const bySlug = ahead.find((m) => slugOf(m) === typed);
  if (bySlug) return { ok: true, target: { type: 'milestone', id: bySlug.id } };
  return { ok: false, closest: closestTargets(typed, ahead) };
}

/** Kinds and the slugs of milestones ahead, fewest edits from `typed` first (at most `max`). */
export function closestTargets(typed: string, ahead: Milestone[], max = 6): string[] {
  const words = [...new Set([...SELECTORS.map((s) => s.word), ...ahead.map(slugOf)])];
  return words
    .map((w) => ({ w, d: editDistance(typed, w) }))
    .sort((a, b) => a.d - b.d || a.w.length - b.w.length || a.w.localeCompare(b.w))
    .slice(0, max)
    .map((x) => x.w);
}

// ------------------------------------------------------------------ planning

export interface Subscription {
  id: number;
  user: string;
  target: string;
  lead: string;
  leadMinutes: number;
  createdAt: string;
}

export interface PlannedDm extends PlannedReminder {
  subscription: Subscription;
}

/** `personal-reminder:<subscription>:<milestone>:<instant>:<lead>`: one DM per subscription × milestone instant × lead. */
export function personalKey(subId: number, milestoneId: string, lead: string, at: DateTime): string {
  return `personal-reminder:${subId}:${milestoneId}:${new Date(at.toMillis()).toISOString().replace(/\.000Z$/, 'Z')}:${lead}`;
}

/**
 * Every DM the subscriptions produce, sorted by due time. A reminder due before the subscription
 * was made is not one: subscribing late asks for the next one, not for a late DM about this one.
 */
export function planPersonal(subs: Subscription[], milestones: Milestone[], allDayZone = 'UTC'): PlannedDm[] {
  const out: PlannedDm[] = [];
  const starts = new Map<string, DateTime>();
  const startOf = (m: Milestone) => {
    let s = starts.get(m.id);
    if (!s) {
      s = timingBounds(m.timing, allDayZone).start;
      starts.set(m.id, s);
    }
    return s;
  };
  for (const sub of subs) {
    const target = parseTargetKey(sub.target);
    if (!target) continue;
    const created = Date.parse(sub.createdAt);
    for (const m of milestones) {
      if (!targetMatches(target, m)) continue;
      const at = startOf(m);
      const due = at.toMillis() - sub.leadMinutes * 60_000;
      if (due < created) continue;
      out.push({
        key: personalKey(sub.id, m.id, sub.lead, at),
        milestone: m,
        lead: sub.lead,
        dueAt: DateTime.fromMillis(due, { zone: 'utc' }),
        milestoneAt: at,
        subscription: sub,
      });
    }
  }
  return out.sort((a, b) => a.dueAt.toMillis() - b.dueAt.toMillis() || a.key.localeCompare(b.key));
}

/** The next DM of one subscription, if the stored schedule has one ahead of `now`. */
export function nextDm(
  sub: Subscription,
  milestones: Milestone[],
  now: DateTime,
  allDayZone = 'UTC',
): PlannedDm | undefined {
  return planPersonal([sub], milestones, allDayZone).find((p) => p.dueAt > now);
}
