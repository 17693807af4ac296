import type { Db } from '../db';
import type { Roster } from './roster';
import type {
  Application,
  ApplicationInput,
  Cycle,
  CycleState,
  Decision,
  DecisionKind,
  PastService,
} from './rules';

/**
 * SQLite state of shadow sign-up. Every change is one transaction; the ones that race (opening a
 * cycle, taking the last seat of a role) run as IMMEDIATE transactions whose conditions are checked
 * and written under the same write lock, so two leads clicking Accept at once cannot both win.
 */

export class ShadowStoreError extends Error {
  constructor(
    readonly code:
      | 'cycle_open'
      | 'version_exists'
      | 'not_open'
      | 'closed'
      | 'no_application'
      | 'withdrawn'
      | 'not_a_choice'
      | 'full'
      | 'accepted_elsewhere'
      | 'published'
      | 'changed',
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface CycleRow {
  id: number;
  version: string;
  close_date: string;
  closes_at: string;
  state: CycleState;
  opened_by: string;
  opened_at: string;
  closed_at: string | null;
  published_at: string | null;
}

interface AppRow {
  id: number;
  cycle_id: number;
  user: string;
  github: string;
  time_zone: string;
  hours_per_week: number;
  served_before: number;
  served_role: string | null;
  why: string;
  choice1: string;
  choice2: string | null;
  name: string | null;
  slack_name: string | null;
  created_at: string;
  updated_at: string;
  withdrawn_at: string | null;
}

interface DecisionRow {
  application_id: number;
  role: string;
  decision: DecisionKind;
  decided_by: string;
  decided_at: string;
}

const toCycle = (r: CycleRow): Cycle => ({
  id: r.id,
  version: r.version,
  closeDate: r.close_date,
  closesAt: r.closes_at,
  state: r.state,
  openedBy: r.opened_by,
  openedAt: r.opened_at,
  ...(r.closed_at ? { closedAt: r.closed_at } : {}),
  ...(r.published_at ? { publishedAt: r.published_at } : {}),
});

const toApp = (r: AppRow): Application => ({
  id: r.id,
  cycleId: r.cycle_id,
  user: r.user,
  github: r.github,
  timeZone: r.time_zone,
  hoursPerWeek: r.hours_per_week,
  servedBefore: r.served_before === 1,
  ...(r.served_role ? { servedRole: r.served_role } : {}),
  why: r.why,
  choices: r.choice2 ? [r.choice1, r.choice2] : [r.choice1],
  ...(r.name ? { name: r.name } : {}),
  ...(r.slack_name ? { slackName: r.slack_name } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  ...(r.withdrawn_at ? { withdrawnAt: r.withdrawn_at } : {}),
});

const toDecision = (r: DecisionRow): Decision => ({
  applicationId: r.application_id,
  role: r.role,
  decision: r.decision,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
});

export interface SaveResult {
  application: Application;
  created: boolean;
  /** Accepted seats that the edit or withdrawal gave up. */
  freedSeats: Decision[];
}

export type DecideResult =
  | { outcome: 'changed'; previous?: DecisionKind; accepted: number }
  | { outcome: 'unchanged'; accepted: number };

export class ShadowStore {
  constructor(private readonly db: Db) {}

  // ---------------------------------------------------------------- cycles

  currentCycle(): Cycle | undefined {
    const row = this.db.prepare('SELECT * FROM shadow_cycles ORDER BY id DESC LIMIT 1').get() as
      | CycleRow
      | undefined;
    return row ? toCycle(row) : undefined;
  }

  cycle(id: number): Cycle | undefined {
    const row = this.db.prepare('SELECT * FROM shadow_cycles WHERE id = ?').get(id) as CycleRow | undefined;
    return row ? toCycle(row) : undefined;
  }

  openCycle(version: string, closeDate: string, closesAt: string, by: string, now: string): Cycle {
    return this.db
      .transaction(() => {
        const open = this.db.prepare("SELECT version FROM shadow_cycles WHERE state = 'open'").get() as
          | { version: string }
          | undefined;
        if (open)
          throw new ShadowStoreError('cycle_open', `applications for v${open.version} are still open`, {
            version: open.version,
          });
        const same = this.db.prepare('SELECT state FROM shadow_cycles WHERE version = ?').get(version) as
          | { state: string }
          | undefined;
        if (same)
          throw new ShadowStoreError(
            'version_exists',
            `v${version} already had applications (${same.state})`,
            {
              state: same.state,
            },
          );
        const id = this.db
          .prepare(
            "INSERT INTO shadow_cycles (version, close_date, closes_at, state, opened_by, opened_at) VALUES (?, ?, ?, 'open', ?, ?)",
          )
          .run(version, closeDate, closesAt, by, now).lastInsertRowid;
        return this.cycle(Number(id))!;
      })
      .immediate();
  }

  /** Closes an open cycle; false when it was not open (someone else closed it first). */
  closeCycle(id: number, by: string, now: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE shadow_cycles SET state = 'closed', closed_by = ?, closed_at = ? WHERE id = ? AND state = 'open'",
        )
        .run(by, now, id).changes === 1
    );
  }

  /** Marks a closed cycle published; false when it was not in state closed. */
  markPublished(id: number, by: string, now: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE shadow_cycles SET state = 'published', published_by = ?, published_at = ? WHERE id = ? AND state = 'closed'",
        )
        .run(by, now, id).changes === 1
    );
  }

  // ---------------------------------------------------------------- applications

  application(cycleId: number, user: string): Application | undefined {
    const row = this.db
      .prepare('SELECT * FROM shadow_applications WHERE cycle_id = ? AND user = ?')
      .get(cycleId, user) as AppRow | undefined;
    return row ? toApp(row) : undefined;
  }

  applicationById(id: number): Application | undefined {
    const row = this.db.prepare('SELECT * FROM shadow_applications WHERE id = ?').get(id) as
      | AppRow
      | undefined;
    return row ? toApp(row) : undefined;
  }

  applications(cycleId: number): Application[] {
    return (
      this.db
        .prepare('SELECT * FROM shadow_applications WHERE cycle_id = ? ORDER BY created_at, id')
        .all(cycleId) as AppRow[]
    ).map(toApp);
  }

  private assertOpen(cycleId: number, now: string): Cycle {
    const cycle = this.cycle(cycleId);
    if (cycle?.state !== 'open' || cycle.closesAt <= now)
      throw new ShadowStoreError('closed', 'applications are closed', { version: cycle?.version });
    return cycle;
  }

  /** Creates or edits the user's application, while the cycle is open. */
  saveApplication(cycleId: number, user: string, input: ApplicationInput, now: string): SaveResult {
    return this.db
      .transaction((): SaveResult => {
        this.assertOpen(cycleId, now);
        const before = this.application(cycleId, user);
        const [choice1, choice2] = input.choices;
        // One statement for both: a new application, or an edit (which also undoes a withdrawal).
        this.db
          .prepare(
            `INSERT INTO shadow_applications
               (cycle_id, user, github, time_zone, hours_per_week, served_before, served_role, why,
                choice1, choice2, created_at, updated_at)
             VALUES (@cycleId, @user, @github, @timeZone, @hours, @served, @servedRole, @why,
                @choice1, @choice2, @now, @now)
             ON CONFLICT (cycle_id, user) DO UPDATE SET
               github = excluded.github, time_zone = excluded.time_zone,
               hours_per_week = excluded.hours_per_week, served_before = excluded.served_before,
               served_role = excluded.served_role, why = excluded.why, choice1 = excluded.choice1,
               choice2 = excluded.choice2, updated_at = excluded.updated_at, withdrawn_at = NULL`,
          )
          .run({
            cycleId,
            user,
            github: input.github,
            timeZone: input.timeZone,
            hours: input.hoursPerWeek,
            served: input.servedBefore ? 1 : 0,
            servedRole: input.servedRole ?? null,
            why: input.why,
            choice1,
            choice2: choice2 ?? null,
            now,
          });
        if (!before) return { application: this.application(cycleId, user)!, created: true, freedSeats: [] };
        // Decisions on roles the applicant no longer asks for are dropped (an accepted one frees its seat).
        const dropped = this.decisionsFor(before.id).filter((d) => !input.choices.includes(d.role));
        const del = this.db.prepare('DELETE FROM shadow_decisions WHERE application_id = ? AND role = ?');
        for (const d of dropped) del.run(before.id, d.role);
        return {
          application: this.application(cycleId, user)!,
          created: false,
          freedSeats: dropped.filter((d) => d.decision === 'accepted'),
        };
      })
      .immediate();
  }

  /** Best-effort names from Slack, stored for the roster. */
  setNames(id: number, name: string | undefined, slackName: string | undefined): void {
    this.db
      .prepare(
        'UPDATE shadow_applications SET name = COALESCE(?, name), slack_name = COALESCE(?, slack_name) WHERE id = ?',
      )
      .run(name ?? null, slackName ?? null, id);
  }

  /** Withdraws the user's application while the cycle is open; its decisions go (seats are freed). */
  withdraw(cycleId: number, user: string, now: string): SaveResult {
    return this.db
      .transaction((): SaveResult => {
        this.assertOpen(cycleId, now);
        const app = this.application(cycleId, user);
        if (!app) throw new ShadowStoreError('no_application', 'no application to withdraw');
        if (app.withdrawnAt) throw new ShadowStoreError('withdrawn', 'already withdrawn');
        const decisions = this.decisionsFor(app.id);
        this.db.prepare('DELETE FROM shadow_decisions WHERE application_id = ?').run(app.id);
        this.db
          .prepare('UPDATE shadow_applications SET withdrawn_at = ?, updated_at = ? WHERE id = ?')
          .run(now, now, app.id);
        return {
          application: this.applicationById(app.id)!,
          created: false,
          freedSeats: decisions.filter((d) => d.decision === 'accepted'),
        };
      })
      .immediate();
  }

  // ---------------------------------------------------------------- decisions

  decisions(cycleId: number): Decision[] {
    return (
      this.db
        .prepare('SELECT * FROM shadow_decisions WHERE cycle_id = ? ORDER BY decided_at')
        .all(cycleId) as DecisionRow[]
    ).map(toDecision);
  }

  decisionsFor(applicationId: number): Decision[] {
    return (
      this.db
        .prepare('SELECT * FROM shadow_decisions WHERE application_id = ?')
        .all(applicationId) as DecisionRow[]
    ).map(toDecision);
  }

  acceptedCount(cycleId: number, role: string): number {
    return (
      this.db
        .prepare(
          "SELECT COUNT(*) AS n FROM shadow_decisions WHERE cycle_id = ? AND role = ? AND decision = 'accepted'",
        )
        .get(cycleId, role) as { n: number }
    ).n;
  }

  /**
   * Records a lead's decision. Accepting checks the role's free seats and the applicant's other seat
   * and writes in the same IMMEDIATE transaction: of two concurrent accepts for the last seat, one
   * gets `full`.
   */
  decide(
    cycleId: number,
    applicationId: number,
    role: string,
    decision: DecisionKind,
    capacity: number,
    by: string,
    now: string,
  ): DecideResult {
    return this.db
      .transaction((): DecideResult => {
        const cycle = this.cycle(cycleId);
        if (!cycle || cycle.state === 'published')
          throw new ShadowStoreError('published', 'decisions are published and final');
        const app = this.applicationById(applicationId);
        if (!app || app.cycleId !== cycleId)
          throw new ShadowStoreError('no_application', 'no such application');
        if (app.withdrawnAt) throw new ShadowStoreError('withdrawn', 'the applicant withdrew');
        if (!app.choices.includes(role)) throw new ShadowStoreError('not_a_choice', 'not one of their roles');
        const current = this.decisionsFor(app.id);
        const here = current.find((d) => d.role === role);
        if (here?.decision === decision)
          return { outcome: 'unchanged', accepted: this.acceptedCount(cycleId, role) };
        if (decision === 'accepted') {
          const elsewhere = current.find((d) => d.decision === 'accepted' && d.role !== role);
          if (elsewhere)
            throw new ShadowStoreError('accepted_elsewhere', `already accepted for ${elsewhere.role}`, {
              role: elsewhere.role,
            });
          const taken = this.acceptedCount(cycleId, role);
          if (taken >= capacity)
            throw new ShadowStoreError('full', `${role} is full`, { accepted: taken, capacity });
        }
        this.db
          .prepare(
            `INSERT INTO shadow_decisions (application_id, cycle_id, role, decision, decided_by, decided_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (application_id, role) DO UPDATE SET
               decision = excluded.decision, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
          )
          .run(app.id, cycleId, role, decision, by, now);
        return {
          outcome: 'changed',
          ...(here ? { previous: here.decision } : {}),
          accepted: this.acceptedCount(cycleId, role),
        };
      })
      .immediate();
  }

  // ---------------------------------------------------------------- past rosters

  /** Replaces what is stored for the roster's version. Returns the number of people stored. */
  importRoster(roster: Roster, version = roster.version): number {
    if (!version) throw new Error('the roster has no version (no "# Kubernetes v1.XX Release Team" heading)');
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO shadow_past_roster (version, role, position, github, name, slack_name)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM shadow_past_roster WHERE version = ?').run(version);
      let n = 0;
      for (const r of roster.roles) {
        for (const [position, people] of [
          ['lead', r.leads],
          ['shadow', r.shadows],
        ] as const) {
          for (const p of people) {
            insert.run(version, r.role, position, p.github.toLowerCase(), p.name, p.slack ?? null);
            n += 1;
          }
        }
      }
      return n;
    })();
  }

  pastRosterVersions(): string[] {
    return (
      this.db.prepare('SELECT DISTINCT version FROM shadow_past_roster').all() as Array<{ version: string }>
    ).map((r) => r.version);
  }

  /** Past service by lower-case GitHub login, newest cycle first. */
  pastService(githubLogins: string[]): Map<string, PastService[]> {
    const out = new Map<string, PastService[]>();
    if (githubLogins.length === 0) return out;
    const wanted = new Set(githubLogins.map((g) => g.toLowerCase()));
    const rows = this.db
      .prepare('SELECT version, role, position, github FROM shadow_past_roster')
      .all() as Array<PastService & { github: string }>;
    for (const r of rows) {
      if (!wanted.has(r.github)) continue;
      out.set(r.github, [
        ...(out.get(r.github) ?? []),
        { version: r.version, role: r.role, position: r.position },
      ]);
    }
    const num = (v: string) => v.split('.').map(Number) as [number, number];
    for (const list of out.values())
      list.sort((a, b) => num(b.version)[0] - num(a.version)[0] || num(b.version)[1] - num(a.version)[1]);
    return out;
  }
}
