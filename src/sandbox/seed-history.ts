import type { Deps } from '../deps';
import { allMilestones, loadSchedule, planReminders } from '../schedule';
import { people } from './seed';
import { PAST_DIGESTS, PAST_PICKS, PAST_ROUNDS } from './seed-history-data';

/**
 * A past for the sandbox, so `/release metrics` has earlier cycles to compare with: as if relbot
 * had been running since 12 May 2025. Written straight into SQLite (the sandbox is composition),
 * once: a database that already has history is left alone.
 *
 * - cherry-picks (with their audit rows) requested during v1.34 and v1.36, one between cycles
 *   (v1.35 has no cycle page in the sandbox) and one before v1.34: those two count for no cycle;
 * - weekly blocker digests of v1.34 (kept from week 4 only, as if pruned) and of v1.36;
 * - the reminder ledger: every reminder the rules plan that was due before the sandbox clock,
 *   posted on time, except the v1.36 Code Freeze 1d reminder (late by 3 h 10 m) and the v1.34 Docs
 *   Freeze 7d (late by 25 m), each after a failed run of the reminder job, and the v1.34 PRR
 *   Freeze 1h (superseded by its "now" reminder); the job's first and last runs;
 * - the shadow application rounds of the v1.36 and v1.37 teams, published.
 *
 * The rows are listed in seed-history-data.ts; test/e2e/release-metrics.test.ts checks
 * `/release metrics` against a hand count of them.
 */

const REPO = 'kubernetes/kubernetes';
const HOUR = 3_600_000;
const at = (iso: string, hours = 0) => new Date(Date.parse(iso) + hours * HOUR).toISOString();

function seedPicks(deps: Deps): void {
  const db = deps.db;
  const insert = db.prepare(
    `INSERT OR IGNORE INTO cherrypicks (repo, number, snapshot, base, pr_state, pr_created_at, pr_updated_at, state,
       action, actor, decided_at, label_done, comment_done, first_seen_at, refreshed_at, reason)
     VALUES (@repo, @number, @snapshot, @base, @prState, @created, @updated, @state, @action, @actor, @decided,
       @label, @comment, @created, @updated, @reason)`,
  );
  const audit = db.prepare(
    'INSERT INTO cherrypick_audit (repo, number, at, actor, action, detail, dry_run) VALUES (?, ?, ?, ?, ?, ?, 0)',
  );
  const approver = people.approver.id;
  for (const p of PAST_PICKS) {
    const decided = p.decision && p.decidedAfter !== undefined ? at(p.created, p.decidedAfter) : null;
    const merged = p.mergedAfter !== undefined ? at(p.created, p.mergedAfter) : null;
    const prState = merged ? 'merged' : 'closed';
    const updated = merged ?? decided ?? at(p.created, 30);
    const state = p.decision === 'rejected' ? 'rejected' : p.decision ? 'approved' : 'pending';
    const snapshot = {
      owner: 'kubernetes',
      repo: 'kubernetes',
      number: p.n,
      title: `Automated cherry pick of #${p.n - 3000}: ${p.what}`,
      body: `Cherry pick of #${p.n - 3000} on ${p.branch}.`,
      author: 'k8s-infra-cherrypick-robot',
      base: p.branch,
      headSha: `${p.n}`.padEnd(40, '0'),
      state: 'closed',
      merged: !!merged,
      labels:
        p.decision && p.decision !== 'rejected' ? ['cherry-pick-approved', 'lgtm', 'approved'] : ['lgtm'],
      statuses: [],
      htmlUrl: `https://github.com/${REPO}/pull/${p.n}`,
      createdAt: p.created.replace('.000Z', 'Z'),
      updatedAt: updated.replace('.000Z', 'Z'),
      originals: [p.n - 3000],
    };
    const res = insert.run({
      repo: REPO,
      number: p.n,
      snapshot: JSON.stringify(snapshot),
      base: p.branch,
      prState,
      created: snapshot.createdAt,
      updated: snapshot.updatedAt,
      state,
      action: p.decision === 'rejected' ? 'reject' : p.decision ? 'approve' : null,
      actor: p.decision === 'approved' || p.decision === 'rejected' ? approver : null,
      decided,
      label: p.decision && p.decision !== 'rejected' ? 1 : 0,
      comment: p.decision === 'approved' || p.decision === 'rejected' ? 1 : 0,
      reason:
        p.decision === 'rejected'
          ? 'Not a fix for a critical bug; new features are not cherry-picked.'
          : null,
    });
    if (res.changes === 0) continue;
    audit.run(REPO, p.n, snapshot.createdAt, null, 'tracked', null);
    if (p.failedAt !== undefined)
      audit.run(REPO, p.n, at(p.created, p.failedAt), approver, 'approve_failed', 'GitHub answered HTTP 502');
    if (decided) {
      const actor = p.decision === 'approved_on_github' ? null : approver;
      const detail =
        p.decision === 'approved_on_github' ? 'label cherry-pick-approved present' : 'label and comment';
      audit.run(REPO, p.n, decided, actor, p.decision!, detail);
    }
  }
}

function seedDigests(deps: Deps): void {
  const insert = deps.db.prepare(
    `INSERT OR IGNORE INTO blockers_snapshots (milestone, kind, slot, taken_at, items_json, requests)
     VALUES (?, 'digest', ?, ?, ?, 2)`,
  );
  for (const [milestone, d] of Object.entries(PAST_DIGESTS)) {
    for (const week of d.weeks) {
      const takenAt = at(d.start, (week - 1) * 7 * 24).replace('.000Z', 'Z');
      const items = d.blockers
        .filter((b) => b.weeks.includes(week))
        .map((b) => ({
          repo: REPO,
          number: b.n,
          kind: b.kind,
          title: b.title,
          url: `https://github.com/${REPO}/${b.kind === 'pr' ? 'pull' : 'issues'}/${b.n}`,
          labels: ['release-blocker', 'sig/release'],
          assignees: [],
          milestone,
          createdAt: b.created,
          updatedAt: takenAt,
          section: b.kind === 'pr' ? 'blocking-prs' : 'blocking-issues',
          blocking: true,
          sigs: ['release'],
          ageDays: Math.floor((Date.parse(takenAt) - Date.parse(b.created)) / (24 * HOUR)),
          idleDays: 0,
          stale: false,
        }));
      insert.run(milestone, takenAt, takenAt, JSON.stringify(items));
    }
  }
}

/** The exceptions among the past reminders (everything else was posted a minute after it was due). */
const LATE = [
  { cycle: '1.36', name: /code freeze/i, lead: '1d', lateMinutes: 190 },
  { cycle: '1.34', name: /docs freeze/i, lead: '7d', lateMinutes: 25 },
];
const SUPERSEDED = [{ cycle: '1.34', name: /production readiness/i, lead: '1h' }];

/** When relbot first ran in the sandbox's story. */
export const HISTORY_START = '2025-05-12T00:00:00.000Z';

function seedReminders(deps: Deps): void {
  const { db, config } = deps;
  const now = deps.clock.now().toMillis();
  const milestones = allMilestones(loadSchedule(db, config), config);
  const planned = planReminders(
    milestones,
    config.schedule.reminders.rules,
    config.schedule.allDayZone,
  ).filter((r) => r.dueAt.toMillis() >= Date.parse(HISTORY_START) && r.dueAt.toMillis() <= now - 10 * 60_000);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO schedule_reminders (key, milestone_id, lead, due_at, milestone_at, state, late, reason, channel, text, decided_at, posted_at)
     VALUES (@key, @milestone, @lead, @due, @milestoneAt, @state, @late, @reason, @channel, NULL, @decided, @posted)`,
  );
  const run = db.prepare(
    'INSERT INTO job_runs (job, started_at, finished_at, status, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const iso = (t: number) => new Date(t).toISOString();
  run.run(
    'schedule-reminders',
    HISTORY_START,
    iso(Date.parse(HISTORY_START) + 2000),
    'ok',
    'posted 0, skipped 0, failed 0',
  );
  for (const r of planned) {
    const due = r.dueAt.toMillis();
    const late = LATE.find(
      (l) => r.milestone.cycle === l.cycle && l.name.test(r.milestone.name) && r.lead === l.lead,
    );
    const superseded = SUPERSEDED.some(
      (l) => r.milestone.cycle === l.cycle && l.name.test(r.milestone.name) && r.lead === l.lead,
    );
    const decided = late ? due + late.lateMinutes * 60_000 : superseded ? due + 50 * 60_000 : due + 60_000;
    insert.run({
      key: r.key,
      milestone: r.milestone.id,
      lead: r.lead,
      due: r.dueAt.toISO(),
      milestoneAt: r.milestoneAt.toISO(),
      state: superseded ? 'skipped' : 'posted',
      late: late ? 1 : 0,
      reason: late
        ? 'posted late'
        : superseded
          ? 'superseded by the now reminder, due within the hour'
          : null,
      channel: superseded ? null : (config.channels.reminders ?? config.channels.default),
      decided: iso(decided),
      posted: superseded ? null : iso(decided + 1000),
    });
    if (late) {
      run.run(
        'schedule-reminders',
        iso(due - 5 * 60_000),
        iso(due - 4 * 60_000),
        'error',
        'SQLITE_BUSY: database is locked',
      );
      run.run('schedule-reminders', iso(decided), iso(decided + 2000), 'ok', 'posted 1, skipped 0, failed 0');
    }
  }
  run.run(
    'schedule-reminders',
    iso(now - 10 * 60_000),
    iso(now - 10 * 60_000 + 2000),
    'ok',
    'posted 0, skipped 0, failed 0',
  );
}

function seedShadowRounds(deps: Deps): void {
  const db = deps.db;
  const lead = people.lead.id;
  for (const r of PAST_ROUNDS) {
    if (db.prepare('SELECT 1 FROM shadow_cycles WHERE version = ?').get(r.version)) continue;
    const id = Number(
      db
        .prepare(
          `INSERT INTO shadow_cycles (version, close_date, closes_at, state, opened_by, opened_at, closed_by, closed_at, published_by, published_at)
           VALUES (?, ?, ?, 'published', ?, ?, 'relbot', ?, ?, ?)`,
        )
        .run(r.version, at(r.closes, -24).slice(0, 10), r.closes, lead, r.opened, r.closed, lead, r.published)
        .lastInsertRowid,
    );
    r.apps.forEach(([github, choices, returning, accepted, other], i) => {
      const created = at(r.opened, 24 + i * 20);
      const appId = Number(
        db
          .prepare(
            `INSERT INTO shadow_applications (cycle_id, user, github, time_zone, hours_per_week, served_before, served_role,
               why, choice1, choice2, name, slack_name, created_at, updated_at, withdrawn_at)
             VALUES (?, ?, ?, 'UTC', 10, ?, ?, 'I would like to help ship the release.', ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            `UHIST${r.version.replace('.', '')}${String(i + 1).padStart(2, '0')}`,
            github,
            returning ? 1 : 0,
            returning ? choices[0] : null,
            choices[0],
            choices[1] ?? null,
            github,
            github,
            created,
            created,
            other === 'withdrawn' ? at(created, 48) : null,
          ).lastInsertRowid,
      );
      const decision = accepted ? 'accepted' : other === 'waitlisted' ? 'waitlisted' : undefined;
      if (decision)
        db.prepare(
          'INSERT INTO shadow_decisions (application_id, cycle_id, role, decision, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(appId, id, accepted ?? choices[0], decision, lead, at(r.closed, 30));
    });
  }
}

/** Seeds the history once (a database with past cherry-picks already has it). Call after the first schedule sync. */
export function seedHistory(deps: Deps): void {
  const has = deps.db
    .prepare('SELECT 1 FROM cherrypicks WHERE repo = ? AND number = ?')
    .get(REPO, PAST_PICKS[0]!.n);
  if (has) return;
  deps.db.transaction(() => {
    seedPicks(deps);
    seedDigests(deps);
    seedReminders(deps);
    seedShadowRounds(deps);
  })();
}
