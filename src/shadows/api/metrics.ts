import type { Deps } from '../../deps';

/**
 * What the per-cycle metrics (src/insight/) read from the shadows feature: each application round
 * (shadow_cycles, migrations 005/007) with its applications, accepted seats and the configured
 * roles. Plain data from SQLite.
 */

export interface ShadowRound {
  /** The team's version, e.g. '1.38' (applications for the v1.38 Release Team). */
  version: string;
  state: 'open' | 'closed' | 'published';
  openedAt: string;
  closesAt: string;
  closedAt?: string;
  publishedAt?: string;
  applications: Array<{
    choices: string[];
    withdrawn: boolean;
    /**
     * Served on a Release Team before: said so in the application, or on an imported roster of an
     * earlier version than this round's.
     */
    returning: boolean;
  }>;
  /** Accepted seats per role. */
  accepted: Record<string, number>;
}

const num = (v: string) => v.split('.').map(Number) as [number, number];
const before = (a: string, b: string) =>
  num(a)[0] < num(b)[0] || (num(a)[0] === num(b)[0] && num(a)[1] < num(b)[1]);

/** Every application round, oldest first, and the configured roles with their seats. */
export function shadowRounds(deps: Deps): {
  rounds: ShadowRound[];
  roles: Array<{ name: string; seats: number }>;
} {
  const { db } = deps;
  const cycles = db
    .prepare(
      'SELECT id, version, state, opened_at, closes_at, closed_at, published_at FROM shadow_cycles ORDER BY id',
    )
    .all() as Array<{
    id: number;
    version: string;
    state: ShadowRound['state'];
    opened_at: string;
    closes_at: string;
    closed_at: string | null;
    published_at: string | null;
  }>;
  const past = new Map<string, string[]>();
  for (const r of db.prepare('SELECT DISTINCT github, version FROM shadow_past_roster').all() as Array<{
    github: string;
    version: string;
  }>)
    past.set(r.github, [...(past.get(r.github) ?? []), r.version]);
  const rounds = cycles.map((c): ShadowRound => {
    const apps = db
      .prepare(
        'SELECT github, choice1, choice2, served_before, withdrawn_at FROM shadow_applications WHERE cycle_id = ? ORDER BY id',
      )
      .all(c.id) as Array<{
      github: string;
      choice1: string;
      choice2: string | null;
      served_before: number;
      withdrawn_at: string | null;
    }>;
    const accepted = db
      .prepare(
        "SELECT role, COUNT(*) AS n FROM shadow_decisions WHERE cycle_id = ? AND decision = 'accepted' GROUP BY role",
      )
      .all(c.id) as Array<{ role: string; n: number }>;
    return {
      version: c.version,
      state: c.state,
      openedAt: c.opened_at,
      closesAt: c.closes_at,
      ...(c.closed_at ? { closedAt: c.closed_at } : {}),
      ...(c.published_at ? { publishedAt: c.published_at } : {}),
      applications: apps.map((a) => ({
        choices: a.choice2 ? [a.choice1, a.choice2] : [a.choice1],
        withdrawn: a.withdrawn_at !== null,
        returning:
          a.served_before === 1 || (past.get(a.github.toLowerCase()) ?? []).some((v) => before(v, c.version)),
      })),
      accepted: Object.fromEntries(accepted.map((a) => [a.role, a.n])),
    };
  });
  return { rounds, roles: deps.config.shadows.roles.map((r) => ({ name: r.name, seats: r.capacity })) };
}
