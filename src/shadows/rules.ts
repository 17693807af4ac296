import { DateTime, IANAZone } from 'luxon';
import { githubLogin } from '../config-types';
import { slackDate } from '../slack/blocks';
import type { RoleConfig } from './config';

/**
 * The rules of shadow sign-up as pure functions of their inputs (including `now`): the AoE close
 * instant, what a valid application is, who is returning, how the review list is ordered and
 * balanced, and what outcome each applicant gets.
 */

export type CycleState = 'open' | 'closed' | 'published';

export interface Cycle {
  id: number;
  version: string;
  closeDate: string;
  closesAt: string;
  state: CycleState;
  openedBy: string;
  openedAt: string;
  closedAt?: string;
  publishedAt?: string;
}

export interface ApplicationInput {
  github: string;
  timeZone: string;
  hoursPerWeek: number;
  servedBefore: boolean;
  servedRole?: string;
  why: string;
  /** Role names in order of preference: one or two. */
  choices: string[];
}

export interface Application extends ApplicationInput {
  id: number;
  cycleId: number;
  user: string;
  name?: string;
  slackName?: string;
  createdAt: string;
  updatedAt: string;
  withdrawnAt?: string;
}

export type DecisionKind = 'accepted' | 'waitlisted' | 'declined';

export interface Decision {
  applicationId: number;
  role: string;
  decision: DecisionKind;
  decidedBy: string;
  decidedAt: string;
}

export interface PastService {
  version: string;
  role: string;
  position: 'lead' | 'shadow';
}

export const MAX_CHOICES = 2;
export const MAX_WHY = 3000;
export const MIN_HOURS = 1;
export const MAX_HOURS = 60;

/** Roles from earlier cycles that applicants may have served in (process doc §1.1). */
export const HISTORICAL_ROLES = ['CI Signal', 'Bug Triage', 'Release Notes', 'Emeritus Adviser'];

// ------------------------------------------------------------------ cycle

/** Applications close at the end of `date` Anywhere on Earth (UTC-12): 12:00 UTC the next day. */
export function closeInstant(date: string): DateTime {
  const day = DateTime.fromISO(date, { zone: 'Etc/GMT+12' });
  return day.startOf('day').plus({ days: 1 }).toUTC();
}

export function normalizeVersion(text: string): string | undefined {
  const m = text.trim().match(/^v?(\d{1,2})\.(\d{1,3})$/i);
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/** The usage of `/shadow open`, its placeholders escaped so Slack shows them instead of linking them. */
export const OPEN_USAGE = '`/shadow open &lt;version&gt; closes &lt;YYYY-MM-DD&gt;`';
/** The usage of `/shadow review`, escaped the same way. */
export const REVIEW_USAGE = '`/shadow review &lt;role&gt;`';

export type OpenArgs = { version: string; closeDate: string; closesAt: DateTime };

/** `1.38 closes 2026-12-10` (the word `closes` is optional). */
export function parseOpenArgs(args: string[], now: DateTime): OpenArgs | { error: string } {
  const words = args.filter((w) => !/^(closes?|on|until|by)$/i.test(w));
  const usage = `Use ${OPEN_USAGE}, e.g. \`/shadow open 1.38 closes 2026-12-10\`.`;
  if (words.length !== 2) return { error: `I need a version and a closing date. ${usage}` };
  const version = normalizeVersion(words[0]!);
  if (!version)
    return { error: `\`${words[0]!.slice(0, 40)}\` is not a release version like 1.38. ${usage}` };
  const dateText = words[1]!;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dateText) || !DateTime.fromISO(dateText).isValid)
    return { error: `\`${dateText.slice(0, 40)}\` is not a date like 2026-12-10. ${usage}` };
  const closesAt = closeInstant(dateText);
  if (closesAt <= now)
    return {
      error: `${dateText} AoE has already passed: it ended ${slackDate(closesAt, '{date_short_pretty} {time}', `${closesAt.toFormat('ccc d LLL yyyy HH:mm')} UTC`)}. Pick a later date.`,
    };
  if (closesAt > now.plus({ days: 120 }))
    return {
      error: `${dateText} is more than 120 days away. Applications usually stay open 1–2 weeks.`,
    };
  return { version, closeDate: dateText, closesAt };
}

export function isOpenAt(cycle: Cycle, now: DateTime): boolean {
  return cycle.state === 'open' && DateTime.fromISO(cycle.closesAt) > now;
}

// ------------------------------------------------------------------ roles

const normRole = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Finds a configured role by name, case and punctuation insensitive (`release-signal`, `Docs`). */
export function findRole(roles: RoleConfig[], text: string): RoleConfig | undefined {
  const n = normRole(text);
  if (!n) return undefined;
  return roles.find((r) => normRole(r.name) === n);
}

// ------------------------------------------------------------------ modal validation

export const FIELD = {
  role1: 'role1',
  role2: 'role2',
  github: 'github',
  tz: 'tz',
  hours: 'hours',
  served: 'served',
  servedRole: 'served_role',
  why: 'why',
} as const;

type StateValue = {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: Array<{ value?: string }>;
};
export type ViewStateValues = Record<string, Record<string, StateValue>>;

/** The single value of an input block in a view_submission's state, trimmed; undefined when empty. */
export function stateValue(values: ViewStateValues, blockId: string): string | undefined {
  const block = values[blockId];
  if (!block) return undefined;
  const v = Object.values(block)[0];
  if (!v) return undefined;
  const raw = v.selected_option?.value ?? v.value ?? v.selected_options?.[0]?.value ?? undefined;
  const t = typeof raw === 'string' ? raw.trim() : undefined;
  return t ? t : undefined;
}

/** `@Name`, `https://github.com/Name` or `Name` -> `Name`. */
export function cleanGithubHandle(text: string): string {
  return text
    .trim()
    .replace(/^https?:\/\/(www\.)?github\.com\//i, '')
    .replace(/\/+$/, '')
    .replace(/^@/, '');
}

export type Validation =
  | { ok: true; input: ApplicationInput }
  | { ok: false; errors: Record<string, string> };

/** Validates a submitted application; errors are keyed by the modal's block ids. */
export function validateApplication(values: ViewStateValues, roles: RoleConfig[]): Validation {
  const errors: Record<string, string> = {};
  const roleNames = roles.map((r) => r.name);
  const r1 = stateValue(values, FIELD.role1);
  const r2 = stateValue(values, FIELD.role2);
  const choices: string[] = [];
  if (!r1) errors[FIELD.role1] = 'Pick the role you want most.';
  else if (!roleNames.includes(r1))
    errors[FIELD.role1] = 'That role does not exist this cycle; pick one from the list.';
  else choices.push(r1);
  if (r2) {
    if (!roleNames.includes(r2))
      errors[FIELD.role2] = 'That role does not exist this cycle; pick one from the list.';
    else if (r2 === r1)
      errors[FIELD.role2] =
        'You picked this role already as your first choice; pick another or leave it empty.';
    else if (!r1) errors[FIELD.role1] = 'Pick your first choice here (the second choice is optional).';
    else choices.push(r2);
  }

  const ghRaw = stateValue(values, FIELD.github);
  const github = ghRaw ? cleanGithubHandle(ghRaw) : '';
  if (!ghRaw) errors[FIELD.github] = 'Your GitHub handle is required, e.g. tico88612.';
  else if (!githubLogin.safeParse(github).success)
    errors[FIELD.github] =
      'That is not a GitHub handle: 1–39 letters, digits or single hyphens, not starting or ending with a hyphen.';

  const tz = stateValue(values, FIELD.tz);
  if (!tz) errors[FIELD.tz] = 'Your time zone is required, e.g. Europe/Berlin or America/New_York.';
  else if (!IANAZone.isValidZone(tz) || (!tz.includes('/') && tz !== 'UTC'))
    errors[FIELD.tz] =
      `\`${tz.slice(0, 40)}\` is not an IANA time zone; use a name like Europe/Berlin, Asia/Kolkata or UTC.`;

  const hoursText = stateValue(values, FIELD.hours);
  const hours = hoursText !== undefined && /^\d+$/.test(hoursText) ? Number(hoursText) : Number.NaN;
  if (hoursText === undefined) errors[FIELD.hours] = 'How many hours a week can you give? (a whole number)';
  else if (!Number.isInteger(hours) || hours < MIN_HOURS || hours > MAX_HOURS)
    errors[FIELD.hours] = `Give a whole number of hours per week between ${MIN_HOURS} and ${MAX_HOURS}.`;

  const served = stateValue(values, FIELD.served);
  const servedRole = stateValue(values, FIELD.servedRole);
  if (!served) errors[FIELD.served] = 'Tell us whether you have served on a Release Team before.';
  else if (served !== 'yes' && served !== 'no') errors[FIELD.served] = 'Answer yes or no.';
  else if (served === 'yes' && !servedRole)
    errors[FIELD.servedRole] = 'Which role did you serve in? (the most recent one)';
  else if (served === 'no' && servedRole)
    errors[FIELD.servedRole] =
      'You answered that you have not served before; clear this field or answer yes.';
  else if (servedRole && ![...roleNames, ...HISTORICAL_ROLES].includes(servedRole))
    errors[FIELD.servedRole] = 'Pick a role from the list.';

  const why = stateValue(values, FIELD.why);
  if (!why) errors[FIELD.why] = 'Tell the leads in a few sentences why you want the role.';
  else if ([...why].length > MAX_WHY) errors[FIELD.why] = `Keep it under ${MAX_WHY} characters.`;

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    input: {
      github,
      timeZone: tz!,
      hoursPerWeek: hours,
      servedBefore: served === 'yes',
      ...(servedRole ? { servedRole } : {}),
      why: why!,
      choices: choices.slice(0, MAX_CHOICES),
    },
  };
}

// ------------------------------------------------------------------ review

export interface ReviewEntry {
  app: Application;
  /** 1 = this role is their first choice. */
  choice: 1 | 2;
  decision?: DecisionKind;
  returning: PastService[];
}

export interface ReviewList {
  role: string;
  capacity: number;
  accepted: number;
  /** In display order: accepted, waitlisted, pending first choice, pending second choice, declined. */
  entries: ReviewEntry[];
  /** Applicants for this role holding a seat in another role (not pending here). */
  acceptedElsewhere: Array<{ app: Application; role: string }>;
}

const ORDER: Record<string, number> = { accepted: 0, waitlisted: 1, pending: 2, declined: 4 };

/** The review list for one role: first choice first, people accepted elsewhere taken out. */
export function reviewList(
  role: RoleConfig,
  apps: Application[],
  decisions: Decision[],
  past: Map<string, PastService[]>,
): ReviewList {
  const byApp = new Map<number, Decision[]>();
  for (const d of decisions) byApp.set(d.applicationId, [...(byApp.get(d.applicationId) ?? []), d]);
  const entries: ReviewEntry[] = [];
  const acceptedElsewhere: ReviewList['acceptedElsewhere'] = [];
  for (const app of apps) {
    if (app.withdrawnAt) continue;
    const idx = app.choices.indexOf(role.name);
    if (idx < 0) continue;
    const ds = byApp.get(app.id) ?? [];
    const here = ds.find((d) => d.role === role.name);
    const seat = ds.find((d) => d.decision === 'accepted');
    if (seat && seat.role !== role.name) {
      acceptedElsewhere.push({ app, role: seat.role });
      continue;
    }
    entries.push({
      app,
      choice: idx === 0 ? 1 : 2,
      ...(here ? { decision: here.decision } : {}),
      returning: past.get(app.github.toLowerCase()) ?? [],
    });
  }
  const rank = (e: ReviewEntry) => (e.decision ? ORDER[e.decision]! : ORDER.pending! + (e.choice - 1));
  entries.sort(
    (a, b) => rank(a) - rank(b) || a.app.createdAt.localeCompare(b.app.createdAt) || a.app.id - b.app.id,
  );
  return {
    role: role.name,
    capacity: role.capacity,
    accepted: entries.filter((e) => e.decision === 'accepted').length,
    entries,
    acceptedElsewhere,
  };
}

export function isReturning(e: { app: Application; returning: PastService[] }): boolean {
  return e.returning.length > 0 || e.app.servedBefore;
}

/** UTC offset of a zone at `now`, e.g. 'UTC+5:30'. */
export function offsetLabel(zone: string, now: DateTime): string {
  const dt = now.setZone(zone);
  if (!dt.isValid) return zone;
  const off = dt.offset;
  const sign = off < 0 ? '−' : '+';
  const h = Math.floor(Math.abs(off) / 60);
  const m = Math.abs(off) % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

export function region(zone: string, now: DateTime): 'Americas' | 'EMEA' | 'APAC' {
  const off = now.setZone(zone).offset;
  if (off <= -180) return 'Americas';
  if (off <= 240) return 'EMEA';
  return 'APAC';
}

/** The balance line: how many, first vs second choice, new vs returning, and the time zone spread. */
export function balanceLine(list: ReviewList, now: DateTime): string {
  const all = list.entries;
  if (all.length === 0) return 'No applicants for this role yet.';
  const first = all.filter((e) => e.choice === 1).length;
  const returning = all.filter(isReturning).length;
  const regions = { Americas: 0, EMEA: 0, APAC: 0 };
  const offsets: number[] = [];
  for (const e of all) {
    regions[region(e.app.timeZone, now)] += 1;
    offsets.push(now.setZone(e.app.timeZone).offset);
  }
  const minZone = all[offsets.indexOf(Math.min(...offsets))]!.app.timeZone;
  const maxZone = all[offsets.indexOf(Math.max(...offsets))]!.app.timeZone;
  const spread =
    minZone === maxZone
      ? offsetLabel(minZone, now)
      : `${offsetLabel(minZone, now)} to ${offsetLabel(maxZone, now)}`;
  return (
    `${all.length} applicant${all.length === 1 ? '' : 's'} (${first} first choice, ${all.length - first} second) · ` +
    `${all.length - returning} new, ${returning} returning · ` +
    `time zones ${spread}: Americas ${regions.Americas}, EMEA ${regions.EMEA}, APAC ${regions.APAC}`
  );
}

// ------------------------------------------------------------------ counts and outcomes

export interface RoleCount {
  role: string;
  first: number;
  second: number;
}

export function countsByRole(
  roles: RoleConfig[],
  apps: Application[],
): { total: number; roles: RoleCount[] } {
  const live = apps.filter((a) => !a.withdrawnAt);
  return {
    total: live.length,
    roles: roles.map((r) => ({
      role: r.name,
      first: live.filter((a) => a.choices[0] === r.name).length,
      second: live.filter((a) => a.choices[1] === r.name).length,
    })),
  };
}

/** How many (live) applicants chose a role, against its seats. */
export interface RoleDemand {
  role: string;
  applicants: number;
  seats: number;
}

/** Applicants per role (first or second choice), withdrawn ones left out. */
export function roleDemand(roles: RoleConfig[], apps: Application[]): Map<string, RoleDemand> {
  const live = apps.filter((a) => !a.withdrawnAt);
  return new Map(
    roles.map((r) => [
      r.name,
      { role: r.name, applicants: live.filter((a) => a.choices.includes(r.name)).length, seats: r.capacity },
    ]),
  );
}

export type Outcome =
  | { kind: 'accepted'; role: string }
  | { kind: 'waitlisted'; roles: string[] }
  /** `crowded`: those of their roles that had more applicants than seats (it may be none). */
  | { kind: 'not_selected'; crowded: RoleDemand[] };

/** What an applicant is told on publish: their seat, else their waitlists, else not selected. */
export function outcomeFor(
  app: Application,
  decisions: Decision[],
  demand: Map<string, RoleDemand> = new Map(),
): Outcome {
  const mine = decisions.filter((d) => d.applicationId === app.id);
  const seat = mine.find((d) => d.decision === 'accepted');
  if (seat) return { kind: 'accepted', role: seat.role };
  const waits = app.choices.filter((r) => mine.some((d) => d.role === r && d.decision === 'waitlisted'));
  if (waits.length) return { kind: 'waitlisted', roles: waits };
  const crowded = app.choices
    .map((r) => demand.get(r))
    .filter((d): d is RoleDemand => !!d && d.applicants > d.seats);
  return { kind: 'not_selected', crowded };
}

/**
 * When an applicant answered "first time" but an imported roster lists their GitHub handle: the
 * most recent such entry, else undefined.
 */
export function rosterContradiction(app: Application, past: PastService[]): PastService | undefined {
  return app.servedBefore ? undefined : past[0];
}
