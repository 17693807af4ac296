import { parse as parseYaml } from 'yaml';
import { cutoffInstant, parseIsoDate } from './dates';
import { MONTHS_LONG } from './format';
import type { EolBranch, EolDoc, Milestone, PatchDoc, PatchEntry } from './model';

/**
 * Parsers of kubernetes/website `data/releases/schedule.yaml` and `eol.yaml` (maintained by
 * schedule-builder), and the milestones derived from them.
 *
 * YAML is read with the failsafe schema: every scalar is a string, so `release: 1.30` stays "1.30"
 * (the core schema reads it as the number 1.3) and unquoted dates stay dates, not Date objects.
 */

export class PatchParseError extends Error {}

type Raw = Record<string, unknown>;

function loadYaml(text: string, what: string): Raw {
  let doc: unknown;
  try {
    doc = parseYaml(text, { schema: 'failsafe', uniqueKeys: false });
  } catch (err) {
    throw new PatchParseError(`${what} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new PatchParseError(`${what} is not a YAML mapping`);
  return doc as Raw;
}

const str = (v: unknown): string | undefined => {
  if (v === undefined || v === null || typeof v === 'object') return undefined;
  const s = String(v).trim();
  return s ? s : undefined;
};

const VERSION = /^\d+\.\d+(\.\d+)?$/;

function entry(raw: unknown, warnings: string[], where: string): PatchEntry | undefined {
  if (raw === undefined || raw === null) return undefined;
  // Pre-2021 files had `next: 1.19.16` as a plain scalar.
  if (typeof raw !== 'object') {
    const release = str(raw);
    return release && VERSION.test(release) ? { release } : undefined;
  }
  const r = raw as Raw;
  let release = str(r.release);
  if (release && !VERSION.test(release)) {
    if (!/^not planned$/i.test(release)) warnings.push(`${where}: release "${release}" is not a version`);
    release = undefined;
  }
  const e: PatchEntry = {};
  if (release) e.release = release;
  const deadline = parseIsoDate(r.cherryPickDeadline);
  const target = parseIsoDate(r.targetDate);
  if (str(r.cherryPickDeadline) && !deadline && !/^n\/a$/i.test(str(r.cherryPickDeadline)!))
    warnings.push(`${where}: cherryPickDeadline "${str(r.cherryPickDeadline)}" is not a date`);
  if (deadline) e.cherryPickDeadline = deadline;
  if (target) e.targetDate = target;
  const note = str(r.note);
  if (note) e.note = note;
  return e;
}

export function parsePatchSchedule(text: string): PatchDoc {
  const doc = loadYaml(text, 'schedule.yaml');
  const warnings: string[] = [];
  if (!Array.isArray(doc.schedules)) throw new PatchParseError('schedule.yaml has no `schedules:` list');
  const schedules = (doc.schedules as unknown[]).map((raw, i) => {
    if (!raw || typeof raw !== 'object') throw new PatchParseError(`schedules[${i}] is not a mapping`);
    const r = raw as Raw;
    const release = str(r.release);
    if (!release || !/^\d+\.\d+$/.test(release))
      throw new PatchParseError(
        `schedules[${i}].release "${release ?? ''}" is not a minor version like 1.36`,
      );
    const previous = Array.isArray(r.previousPatches) ? r.previousPatches : [];
    const next = entry(r.next, warnings, `${release} next`);
    return {
      release,
      ...(parseIsoDate(r.releaseDate) ? { releaseDate: parseIsoDate(r.releaseDate) } : {}),
      ...(parseIsoDate(r.maintenanceModeStartDate)
        ? { maintenanceModeStartDate: parseIsoDate(r.maintenanceModeStartDate) }
        : {}),
      ...(parseIsoDate(r.endOfLifeDate) ? { endOfLifeDate: parseIsoDate(r.endOfLifeDate) } : {}),
      ...(next ? { next } : {}),
      previousPatches: previous
        .map((p, j) => entry(p, warnings, `${release} previousPatches[${j}]`))
        .filter((p): p is PatchEntry => !!p),
    };
  });
  const upcomingRaw = Array.isArray(doc.upcoming_releases) ? doc.upcoming_releases : [];
  const upcoming = upcomingRaw
    .map((u, i) => entry(u, warnings, `upcoming_releases[${i}]`))
    .filter((u): u is PatchEntry => !!u);
  return { schedules, upcoming, warnings };
}

export function parseEol(text: string): EolDoc {
  const doc = loadYaml(text, 'eol.yaml');
  if (!Array.isArray(doc.branches)) throw new PatchParseError('eol.yaml has no `branches:` list');
  const branches: EolBranch[] = [];
  for (const raw of doc.branches as unknown[]) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Raw;
    const release = str(r.release);
    if (!release) continue;
    branches.push({
      release,
      ...(str(r.finalPatchRelease) ? { finalPatchRelease: str(r.finalPatchRelease) } : {}),
      ...(parseIsoDate(r.endOfLifeDate) ? { endOfLifeDate: parseIsoDate(r.endOfLifeDate) } : {}),
      ...(str(r.note) ? { note: str(r.note) } : {}),
    });
  }
  return { branches };
}

export interface CutoffPolicy {
  zone: string;
  time: string;
}

/** Compares versions numerically ('1.36.10' > '1.36.9'); newest first when used with sort(byVersionDesc). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/**
 * Milestones of the patch schedule: one cherry-pick deadline and one release day per date (all
 * branches share the monthly dates), plus maintenance-mode and end-of-life days per minor.
 *
 * Ids: a deadline or release day that belongs to `next` or `upcoming_releases` is keyed by its
 * month (`patches/cherry-pick-deadline/2026-06`), so a slip within the month shows as "moved";
 * past-only and second dates of a month (out-of-band releases) are keyed by their date.
 */
export function patchMilestones(doc: PatchDoc, policy: CutoffPolicy): Milestone[] {
  type Group = { date: string; releases: Set<string>; planned: boolean; notes: string[] };
  const deadlines = new Map<string, Group>();
  const targets = new Map<string, Group>();
  const add = (map: Map<string, Group>, date: string | undefined, e: PatchEntry, planned: boolean) => {
    if (!date) return;
    const g = map.get(date) ?? { date, releases: new Set<string>(), planned: false, notes: [] };
    if (e.release) g.releases.add(e.release);
    if (e.note && !g.notes.includes(e.note)) g.notes.push(e.note);
    g.planned ||= planned;
    map.set(date, g);
  };
  for (const s of doc.schedules) {
    for (const p of s.previousPatches) {
      add(deadlines, p.cherryPickDeadline, p, false);
      add(targets, p.targetDate, p, false);
    }
    if (s.next) {
      add(deadlines, s.next.cherryPickDeadline, s.next, true);
      add(targets, s.next.targetDate, s.next, true);
    }
  }
  for (const u of doc.upcoming) {
    add(deadlines, u.cherryPickDeadline, u, true);
    add(targets, u.targetDate, u, true);
  }
  // The month a deadline belongs to is the month of its target date (the "June 2026" patch releases).
  const targetFor = new Map<string, string>();
  for (const s of doc.schedules)
    for (const e of [...s.previousPatches, ...(s.next ? [s.next] : [])])
      if (e.cherryPickDeadline && e.targetDate) targetFor.set(e.cherryPickDeadline, e.targetDate);
  for (const u of doc.upcoming)
    if (u.cherryPickDeadline && u.targetDate) targetFor.set(u.cherryPickDeadline, u.targetDate);

  const out: Milestone[] = [];
  const ids = (map: Map<string, Group>, prefix: string, monthOf: (date: string) => string) => {
    const taken = new Set<string>();
    const result = new Map<string, string>();
    const groups = [...map.values()].sort((a, b) => a.date.localeCompare(b.date));
    // planned groups claim their month first, so history never steals a month key from the future
    for (const g of groups.filter((x) => x.planned)) {
      const month = monthOf(g.date).slice(0, 7);
      const id = taken.has(month) ? `${prefix}/${g.date}` : `${prefix}/${month}`;
      taken.add(month);
      result.set(g.date, id);
    }
    for (const g of groups) if (!result.has(g.date)) result.set(g.date, `${prefix}/${g.date}`);
    return { groups, result };
  };
  const monthName = (date: string) => `${MONTHS_LONG[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
  const list = (g: Group) => [...g.releases].sort((a, b) => compareVersions(b, a));

  const dl = ids(deadlines, 'patches/cherry-pick-deadline', (d) => targetFor.get(d) ?? d);
  for (const g of dl.groups) {
    const releases = list(g);
    const month = monthName(targetFor.get(g.date) ?? g.date);
    out.push({
      id: dl.result.get(g.date)!,
      source: 'patches',
      name: `Cherry-pick deadline for the ${month} patch releases${releases.length ? ` (${releases.join(', ')})` : ''}`,
      who: 'Release Managers',
      timing: { type: 'instant', at: cutoffInstant(g.date, policy).toISO({ suppressMilliseconds: true })! },
      bold: false,
      kinds: ['cherryPickDeadline'],
      releases,
      when: g.date,
      dueDay: { date: g.date, zone: policy.zone, time: policy.time },
    });
  }
  const tg = ids(targets, 'patches/release', (d) => d);
  for (const g of tg.groups) {
    const releases = list(g);
    out.push({
      id: tg.result.get(g.date)!,
      source: 'patches',
      name: releases.length
        ? `Patch releases ${releases.join(', ')}`
        : `${monthName(g.date)} patch releases (target date)`,
      who: 'Release Managers',
      timing: { type: 'day', date: g.date },
      bold: false,
      kinds: ['patchRelease'],
      releases,
      when: g.date,
    });
  }
  for (const s of doc.schedules) {
    if (s.maintenanceModeStartDate)
      out.push({
        id: `patches/${s.release}/maintenance-mode`,
        source: 'patches',
        cycle: s.release,
        name: `${s.release} enters maintenance mode`,
        timing: { type: 'day', date: s.maintenanceModeStartDate },
        bold: false,
        kinds: ['maintenanceMode'],
      });
    if (s.endOfLifeDate)
      out.push({
        id: `patches/${s.release}/end-of-life`,
        source: 'patches',
        cycle: s.release,
        name: `${s.release} end of life`,
        timing: { type: 'day', date: s.endOfLifeDate },
        bold: false,
        kinds: ['endOfLife'],
      });
  }
  return out;
}
