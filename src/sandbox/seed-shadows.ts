import type { Deps } from '../deps';
import { fixture } from '../fixtures';
import { store } from '../shadows/common';
import { importRosterText } from '../shadows/past-rosters';
import { parseRoster } from '../shadows/roster';
import { type Cycle, closeInstant } from '../shadows/rules';
import type { GitHubEmulator } from './github/server';
import type { SlackEmulator } from './slack/server';

/**
 * Demo and benchmark data for shadow sign-up: the real v1.35–v1.37 rosters (so returning applicants
 * are recognised), and N realistic applications created through the feature's store.
 */

export const PAST_ROSTER_VERSIONS = ['1.35', '1.36', '1.37'] as const;

/** Serves the past rosters from the emulated GitHub, where `shadows.pastRosters` reads them. */
export function seedShadowRostersOnGitHub(github: GitHubEmulator, ref = 'master'): void {
  for (const v of PAST_ROSTER_VERSIONS)
    github.setFile(
      'kubernetes',
      'sig-release',
      `releases/release-${v}/release-team.md`,
      fixture(`release-team-${v}.md`),
      ref,
    );
}

/** Imports the past rosters straight into relbot's store. Returns people stored per version. */
export function seedShadowRosters(deps: Deps): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of PAST_ROSTER_VERSIONS) out[v] = importRosterText(deps, fixture(`release-team-${v}.md`), v);
  return out;
}

const ZONES = [
  'America/Los_Angeles',
  'America/New_York',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Africa/Lagos',
  'Asia/Kolkata',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
];
const FIRST = [
  'Alex',
  'Bea',
  'Chidi',
  'Dara',
  'Eun-ji',
  'Farah',
  'Goran',
  'Hana',
  'Ilya',
  'Jun',
  'Kemal',
  'Lucía',
];
const LAST = ['Kim', 'Okafor', 'Novak', 'Silva', 'Sharma', 'Müller', 'Tanaka', 'Haddad', 'Nguyen', 'Rossi'];
const WHY = [
  'I have followed the release process from the outside and want to learn it from the inside.',
  'I maintain a SIG subproject and want to understand how enhancements get tracked for a release.',
  'I write docs at work and would like to help with the release notes and the release blog.',
  'I watch CI at my job every day; Release Signal looks like the place where that helps most.',
];

export interface SeedApplicationsOptions {
  version?: string;
  /** AoE closing date (default: 10 days after the clock's today). */
  closeDate?: string;
  count: number;
  /** Who opened the cycle (an admin's Slack ID). */
  openedBy?: string;
  /** Adds each applicant as a user of the emulated Slack too. */
  slack?: SlackEmulator;
  /** Share of applicants taken from the past rosters (returning), 0..1. Default 0.3. */
  returningShare?: number;
}

/**
 * Opens a cycle (unless one is open) and creates `count` applications through the store: two
 * choices for most people, zones around the world, some returning people from the real rosters.
 */
export function seedShadowApplications(
  deps: Deps,
  opts: SeedApplicationsOptions,
): { cycle: Cycle; created: number } {
  const s = store(deps);
  const now = deps.clock.now();
  let cycle = s.currentCycle();
  if (cycle?.state !== 'open') {
    const closeDate = opts.closeDate ?? now.plus({ days: 10 }).toISODate()!;
    cycle = s.openCycle(
      opts.version ?? '1.38',
      closeDate,
      closeInstant(closeDate).toISO()!,
      opts.openedBy ?? 'U01GDERGEHF',
      now.toISO()!,
    );
  }
  const roles = deps.config.shadows.roles.filter((r) => r.capacity > 0).map((r) => r.name);
  const past = parseRoster(fixture('release-team-1.37.md')).roles.flatMap((r) => r.shadows);
  const share = Math.min(1, Math.max(0, opts.returningShare ?? 0.3));
  let created = 0;
  const at = now.toUTC().toISO()!;
  const write = deps.db.transaction(() => {
    for (let i = 0; i < opts.count; i++) {
      // A small deterministic hash spreads choices, zones and returning people without randomness.
      const hash = Math.imul(i + 1, 2654435761) >>> 0;
      const user = `U0SEED${String(i).padStart(5, '0')}`;
      const returning = hash % 1000 < share * 1000 ? past[i % past.length] : undefined;
      const first = FIRST[i % FIRST.length]!;
      const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
      const github =
        returning?.github ??
        `${first}-${last}-${i}`
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z0-9-]/g, '');
      const tz = ZONES[(hash >>> 4) % ZONES.length]!;
      const c1 = roles[(hash >>> 8) % roles.length]!;
      const c2 =
        roles.length > 1 && (hash >>> 12) % 4 !== 0
          ? roles[(roles.indexOf(c1) + 1 + ((hash >>> 16) % (roles.length - 1))) % roles.length]
          : undefined;
      opts.slack?.addUser({ id: user, name: returning?.name ?? `${first} ${last}`, tz });
      const res = s.saveApplication(
        cycle!.id,
        user,
        {
          github,
          timeZone: tz,
          hoursPerWeek: 4 + (i % 9),
          servedBefore: !!returning,
          ...(returning ? { servedRole: c1 } : {}),
          why: WHY[i % WHY.length]!,
          choices: c2 && c2 !== c1 ? [c1, c2] : [c1],
        },
        at,
      );
      s.setNames(
        res.application.id,
        returning?.name ?? `${first} ${last}`,
        returning?.slack ?? `${first} ${last}`,
      );
      if (res.created) created += 1;
    }
  });
  write();
  return { cycle, created };
}
