import type { Deps } from '../deps';
import { allMilestones, loadSchedule, planReminders } from '../schedule';
import { people } from './seed';

/**
 * A past for the sandbox, so `/release metrics` has earlier cycles to compare with: as if relbot
 * had been running since 12 May 2025. Written straight into SQLite (the sandbox is composition),
 * once: a database that already has history is left alone.
 *
 * - cherry-picks (with their audit rows) requested during v1.34 and v1.36, one between cycles
 *   (v1.35 has no cycle page in the sandbox) and one before v1.34: those two count for no cycle;
 * - weekly blocker digests of v1.34 (kept from week 4 only, as if pruned) and of v1.36;
 * - the reminder ledger: every reminder the rules plan that was due before the sandbox clock,
 *   posted on time, except the v1.36 Code Freeze 1d reminder (late by 3 h 10 m: relbot was down,
 *   one failed run), the v1.34 Docs Freeze 7d (late by 25 m) and the v1.34 PRR Freeze 1h
 *   (superseded by its "now" reminder); the reminder job's runs around them;
 * - the shadow application rounds of the v1.36 and v1.37 teams, published.
 *
 * test/e2e/release-metrics.test.ts checks `/release metrics` against a hand count of this file.
 */

const REPO = 'kubernetes/kubernetes';
const HOUR = 3_600_000;
const at = (iso: string, hours = 0) => new Date(Date.parse(iso) + hours * HOUR).toISOString();

/** A pick: its request instant, and hours from it to its decision and merge. */
interface PastPick {
  n: number;
  branch: string;
  created: string;
  decision?: 'approved' | 'rejected' | 'approved_on_github';
  decidedAfter?: number;
  mergedAfter?: number;
  failedAt?: number;
  what: string;
}

export const PAST_PICKS: PastPick[] = [
  // before v1.34 began (19 May 2025): no cycle
  {
    n: 131990,
    branch: 'release-1.32',
    created: '2025-05-14T10:00:00Z',
    decision: 'approved',
    decidedAfter: 6,
    mergedAfter: 20,
    what: 'Fix kubectl rollout status for StatefulSets',
  },
  // v1.34: 19 May – 27 Aug 2025
  {
    n: 132101,
    branch: 'release-1.33',
    created: '2025-05-26T09:00:00Z',
    decision: 'approved',
    decidedAfter: 4,
    mergedAfter: 24,
    what: 'kubelet: fix a leak of pod cgroups',
  },
  {
    n: 132102,
    branch: 'release-1.32',
    created: '2025-06-03T13:00:00Z',
    decision: 'approved',
    decidedAfter: 10,
    mergedAfter: 30,
    what: 'Bump golang.org/x/net for CVE-2025-22870',
  },
  {
    n: 132103,
    branch: 'release-1.33',
    created: '2025-06-25T08:00:00Z',
    decision: 'rejected',
    decidedAfter: 6,
    what: 'Add a new flag to kube-proxy',
  },
  {
    n: 132104,
    branch: 'release-1.31',
    created: '2025-07-07T15:00:00Z',
    decision: 'approved',
    decidedAfter: 30,
    mergedAfter: 50,
    what: 'apiserver: fix a panic in watch cache',
  },
  {
    n: 132105,
    branch: 'release-1.33',
    created: '2025-08-04T10:00:00Z',
    decision: 'approved',
    decidedAfter: 3,
    mergedAfter: 5,
    what: 'scheduler: fix preemption of pods with PDBs',
  },
  // between v1.34 and v1.36 (the sandbox knows no v1.35 page): no cycle
  {
    n: 134901,
    branch: 'release-1.33',
    created: '2025-10-15T09:00:00Z',
    decision: 'approved',
    decidedAfter: 3,
    mergedAfter: 20,
    what: 'Fix endpoints controller resync',
  },
  // v1.36: 12 Jan – 17 May 2026 (until v1.37 starts)
  {
    n: 136001,
    branch: 'release-1.35',
    created: '2026-01-20T10:00:00Z',
    decision: 'approved',
    decidedAfter: 5,
    mergedAfter: 30,
    what: 'kubelet: fix image GC thresholds',
  },
  {
    n: 136002,
    branch: 'release-1.35',
    created: '2026-02-02T09:00:00Z',
    decision: 'approved',
    decidedAfter: 20,
    mergedAfter: 48,
    what: 'Update Go to 1.25.6',
  },
  {
    n: 136003,
    branch: 'release-1.34',
    created: '2026-02-03T14:00:00Z',
    decision: 'approved',
    decidedAfter: 2,
    mergedAfter: 26,
    what: 'Update Go to 1.24.12',
  },
  {
    n: 136004,
    branch: 'release-1.33',
    created: '2026-02-20T08:00:00Z',
    decision: 'rejected',
    decidedAfter: 50,
    what: 'Backport a new metric to 1.33',
  },
  {
    n: 136005,
    branch: 'release-1.35',
    created: '2026-03-05T16:00:00Z',
    decision: 'approved_on_github',
    decidedAfter: 8,
    mergedAfter: 12,
    what: 'Fix CVE-2026-1001 in kube-apiserver',
  },
  {
    n: 136006,
    branch: 'release-1.34',
    created: '2026-03-10T07:00:00Z',
    decision: 'approved',
    decidedAfter: 72,
    mergedAfter: 96,
    failedAt: 70,
    what: 'Fix a data race in the job controller',
  },
  {
    n: 136007,
    branch: 'release-1.35',
    created: '2026-04-02T12:00:00Z',
    what: 'kubeadm: tolerate a missing kube-proxy ConfigMap',
  },
  {
    n: 136008,
    branch: 'release-1.35',
    created: '2026-05-04T11:00:00Z',
    decision: 'approved',
    decidedAfter: 1,
    mergedAfter: 6,
    what: 'Fix kube-scheduler crash on nil affinity',
  },
];

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

/** A blocking item of the past digests: when it was opened and the digests (cycle weeks) that list it. */
interface PastBlocker {
  n: number;
  kind: 'issue' | 'pr';
  created: string;
  weeks: number[];
  title: string;
}

/** The digests: one each Monday 09:00 UTC of the listed cycle weeks; an item is listed in its weeks. */
export const PAST_DIGESTS: Record<string, { start: string; weeks: number[]; blockers: PastBlocker[] }> = {
  'v1.34': {
    start: '2025-05-19T09:00:00Z',
    // weeks 1-3 are gone: only the newest digests are kept
    weeks: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    blockers: [
      {
        n: 131400,
        kind: 'issue',
        created: '2025-05-01T12:00:00Z',
        weeks: [4, 5],
        title: 'Failing test: TestVolumeBinding',
      },
      {
        n: 132910,
        kind: 'issue',
        created: '2025-07-22T10:00:00Z',
        weeks: [11, 12],
        title: 'apiserver memory regression in 1.34 beta',
      },
      {
        n: 131980,
        kind: 'pr',
        created: '2025-06-01T08:00:00Z',
        weeks: [11],
        title: 'Revert "kubelet: new cgroup driver default"',
      },
      {
        n: 133320,
        kind: 'issue',
        created: '2025-08-12T09:00:00Z',
        weeks: [14, 15],
        title: 'kube-proxy nftables: lost rules on restart',
      },
    ],
  },
  'v1.36': {
    start: '2026-01-12T09:00:00Z',
    weeks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    blockers: [
      {
        n: 135500,
        kind: 'issue',
        created: '2026-01-05T12:00:00Z',
        weeks: [1, 2, 3],
        title: 'Flaky: [sig-node] Pods should be restarted',
      },
      {
        n: 135600,
        kind: 'issue',
        created: '2026-02-10T10:00:00Z',
        weeks: [6, 7],
        title: 'etcd 3.6 upgrade breaks downgrade tests',
      },
      {
        n: 135610,
        kind: 'pr',
        created: '2025-12-01T10:00:00Z',
        weeks: [9, 10],
        title: 'Fix DRA allocation on node restart',
      },
      {
        n: 135660,
        kind: 'pr',
        created: '2026-03-10T10:00:00Z',
        weeks: [10, 11],
        title: 'Revert the watch-list default',
      },
      {
        n: 135620,
        kind: 'issue',
        created: '2026-03-16T15:00:00Z',
        weeks: [11],
        title: 'kubeadm upgrade fails with custom CoreDNS',
      },
      {
        n: 135650,
        kind: 'issue',
        created: '2026-03-18T20:00:00Z',
        weeks: [11, 12],
        title: 'Conformance: CSR signer test fails on arm64',
      },
      {
        n: 135630,
        kind: 'issue',
        created: '2026-03-24T08:00:00Z',
        weeks: [12, 13],
        title: 'Scheduler throughput regression (SchedulerPerf)',
      },
      {
        n: 135640,
        kind: 'pr',
        created: '2026-04-01T12:00:00Z',
        weeks: [13, 14],
        title: 'Fix kubelet crash with swap enabled',
      },
    ],
  },
};

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

/** An application of a past round: its choices, whether the applicant served before, the decision. */
type PastApp = [
  github: string,
  choices: string[],
  returning: boolean,
  accepted?: string,
  other?: 'withdrawn' | 'waitlisted',
];

export const PAST_ROUNDS: Array<{
  version: string;
  opened: string;
  closes: string;
  closed: string;
  published: string;
  apps: PastApp[];
}> = [
  {
    version: '1.36',
    opened: '2025-12-01T10:00:00Z',
    closes: '2025-12-16T12:00:00Z',
    closed: '2025-12-16T12:05:00Z',
    published: '2025-12-19T15:05:00Z',
    apps: [
      ['mkowalczyk-dev', ['Enhancements', 'Docs'], true, 'Enhancements'],
      ['ayo-ade', ['Enhancements'], false, 'Enhancements'],
      ['lin-mei-ops', ['Enhancements', 'Release Signal'], false, undefined, 'waitlisted'],
      ['ravi-s-k8s', ['Docs', 'Communications'], false, 'Docs'],
      ['jgarcia-cloud', ['Docs'], true, 'Docs'],
      ['tomas-novak', ['Release Signal', 'Enhancements'], false, 'Release Signal'],
      ['emma-writes', ['Communications'], false, 'Communications'],
      ['hiro-tanaka-dev', ['Branch Manager', 'Release Signal'], true, 'Branch Manager'],
      ['sofia-ribeiro', ['Release Team Lead'], true, 'Release Team Lead'],
      ['olu-akin', ['Enhancements'], false, undefined, 'withdrawn'],
    ],
  },
  {
    version: '1.37',
    opened: '2026-04-06T10:00:00Z',
    closes: '2026-04-25T12:00:00Z',
    closed: '2026-04-25T12:05:00Z',
    published: '2026-05-01T10:05:00Z',
    apps: [
      ['nadia-h', ['Enhancements', 'Docs'], false, 'Enhancements'],
      ['ben-okafor', ['Enhancements'], false, 'Enhancements'],
      ['lin-mei-ops', ['Enhancements', 'Communications'], true, 'Enhancements'],
      ['karl-sven', ['Enhancements'], false, undefined, 'waitlisted'],
      ['aisha-m-dev', ['Docs'], false, 'Docs'],
      ['jgarcia-cloud', ['Docs', 'Release Signal'], true, 'Docs'],
      ['pedro-lima-k8s', ['Release Signal'], false, 'Release Signal'],
      ['yuki-sato-ops', ['Release Signal', 'Branch Manager'], false, 'Release Signal'],
      ['grace-n', ['Communications'], false, 'Communications'],
      ['ivan-petrov-k8s', ['Communications', 'Docs'], false, 'Communications'],
      ['hiro-tanaka-dev', ['Branch Manager'], true, 'Branch Manager'],
      ['sofia-ribeiro', ['Release Team Lead'], true, 'Release Team Lead'],
    ],
  },
];

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
