import type { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { createRelbot } from '../src/app';
import type { PullSnapshot } from '../src/cherrypicks/gates';
import { prStateOf } from '../src/cherrypicks/store';
import { loadEnv, parseConfig } from '../src/config';
import type { Db } from '../src/db';
import { openDb } from '../src/db';
import { createLogger } from '../src/log';
import { CHANNEL, people } from '../src/sandbox/seed';
import { seedShadowApplications } from '../src/sandbox/seed-shadows';
import { allMilestones, loadSchedule } from '../src/schedule/store';
import {
  APPROVED_PR,
  BOT_TOKEN,
  benchClock,
  benchRawConfig,
  type EmulatorsReady,
  SIGNING_SECRET,
} from './common';

/**
 * The realistic database of the ack benchmarks, built once per run before the servers start:
 * - five release cycles (v1.34, v1.36, v1.37 from the real pages, v1.35 and v1.38 derived) and the
 *   patch schedule, imported by relbot's own `schedule-sync` job from the emulated GitHub;
 * - 10,000 cherry-pick records with their originals and audit rows, written with SQL matching
 *   migration 003 in one transaction: years of history (merged and approved, rejected, approved on
 *   GitHub), a few approved and waiting to merge (one of them is the card the Approve click hits)
 *   and 48 still pending, as the release branches usually have;
 * - 500 shadow applications through the shadows store (seedShadowApplications).
 */

export interface SeedReport {
  cycles: string[];
  milestones: number;
  cherrypicks: number;
  pending: number;
  audit: number;
  originals: number;
  applications: number;
  dbBytes: number;
}

export const CARD_TS = '1780300000.000100';
const DEFAULT_PICKS = 10_000;
const PENDING = 48;
const APPROVED_OPEN = 12;
const PROW_JOBS = [
  'pull-kubernetes-unit',
  'pull-kubernetes-integration',
  'pull-kubernetes-verify',
  'pull-kubernetes-e2e-gce',
  'pull-kubernetes-node-e2e-containerd',
];
const AUTHORS = ['k8s-infra-cherrypick-robot', 'pohly', 'liggitt', 'aojea', 'bart0sh', 'dims', 'tico88612'];
const WHAT = [
  'Fix a kubelet panic when a pod is deleted during volume mount',
  'Bump golang.org/x/net to fix CVE in HTTP/2 handling',
  'kube-proxy: do not leak conntrack entries for terminating endpoints',
  'apiserver: fix watch cache returning stale resourceVersion',
  'scheduler: honour PodTopologySpread minDomains with nodeAffinity',
  'kubectl: fix `kubectl debug` profile for restricted namespaces',
];

export function insertCherrypickHistory(
  db: Db,
  now: DateTime,
  PICKS = DEFAULT_PICKS,
): { picks: number; audit: number; originals: number } {
  const insPick = db.prepare(
    `INSERT INTO cherrypicks (repo, number, snapshot, base, pr_state, pr_created_at, pr_updated_at, state, action,
       actor, label_done, comment_done, decided_at, card_channel, card_ts, card_hash, first_seen_at, refreshed_at)
     VALUES (@repo, @number, @snapshot, @base, @prState, @created, @updated, @state, @action, @actor, @labelDone,
       @commentDone, @decided, @cardChannel, @cardTs, @cardHash, @created, @updated)`,
  );
  const insOrig = db.prepare('INSERT INTO cherrypick_originals (repo, original, number) VALUES (?, ?, ?)');
  const insAudit = db.prepare(
    'INSERT INTO cherrypick_audit (repo, number, at, actor, action, detail, dry_run) VALUES (?, ?, ?, ?, ?, ?, 0)',
  );
  const repo = `${APPROVED_PR.owner}/${APPROVED_PR.repo}`;
  const approvers = [people.approver.id, people.approver2.id];
  let audit = 0;
  let originals = 0;
  db.transaction(() => {
    for (let i = 0; i < PICKS; i++) {
      const number = 140_000 - PICKS + i;
      // Newest numbers are the open ones; history goes back about four years (1.24 onwards).
      const fromEnd = PICKS - 1 - i;
      const pending = fromEnd < PENDING;
      const approvedOpen = !pending && (fromEnd < PENDING + APPROVED_OPEN || number === APPROVED_PR.number);
      const open = pending || approvedOpen;
      const created = now.minus({
        hours: open ? fromEnd * 3 + 2 : 24 * 7 + (fromEnd * 4 * 365 * 24) / PICKS,
      });
      const minor = open ? 34 + (i % 3) : Math.max(24, 36 - Math.floor((fromEnd / PICKS) * 13) - (i % 3));
      const base = `release-1.${minor}`;
      const original = 120_000 + Math.floor(i / 3);
      const what = WHAT[i % WHAT.length]!;
      const labels = ['cncf-cla: yes', 'kind/bug', 'release-note', 'sig/node'];
      if (!(pending && i % 5 === 0)) labels.push('lgtm');
      labels.push('approved');
      if (pending) labels.push('do-not-merge/cherry-pick-not-approved');
      else labels.push('cherry-pick-approved');
      const failing = pending && i % 7 === 0;
      const snapshot: PullSnapshot = {
        owner: APPROVED_PR.owner,
        repo: APPROVED_PR.repo,
        number,
        title: `Automated cherry pick of #${original}: ${what}`,
        body: `Cherry pick of #${original} on ${base}.\n\n#${original}: ${what}\n\nFor details on the cherry pick process, see the [cherry pick requests](https://git.k8s.io/community/contributors/devel/sig-release/cherry-picks.md) page.\n\n\`\`\`release-note\n${what}\n\`\`\``,
        author: AUTHORS[i % AUTHORS.length]!,
        base,
        headSha: `${number.toString(16)}${'0'.repeat(34)}`.slice(0, 40),
        state: open ? 'open' : 'closed',
        merged: !open && i % 10 !== 3,
        labels,
        statuses: PROW_JOBS.map((context, k) => ({
          state: failing && k === 3 ? 'failure' : 'success',
          context,
        })),
        htmlUrl: `https://github.com/${repo}/pull/${number}`,
        createdAt: created.toISO()!,
        updatedAt: created.plus({ hours: 20 }).toISO()!,
        originals: [original],
      };
      const prState = prStateOf(snapshot);
      const actor = approvers[i % 2]!;
      const decided = created.plus({ hours: 18 }).toISO()!;
      const onGitHub = !open && i % 20 === 7;
      const rejected = prState === 'closed';
      const state = pending ? 'pending' : rejected ? 'rejected' : 'approved';
      insPick.run({
        repo,
        number,
        snapshot: JSON.stringify(snapshot),
        base,
        prState,
        created: snapshot.createdAt,
        updated: snapshot.updatedAt,
        state,
        action: pending ? null : rejected ? 'reject' : 'approve',
        actor: pending || onGitHub ? null : actor,
        labelDone: state === 'approved' ? 1 : 0,
        commentDone: state === 'approved' && !onGitHub ? 1 : rejected ? 1 : 0,
        decided: pending ? null : decided,
        cardChannel: CHANNEL,
        cardTs:
          number === APPROVED_PR.number
            ? CARD_TS
            : `${Math.floor(created.toSeconds())}.${String(i).padStart(6, '0')}`,
        cardHash: 'bench',
      });
      insOrig.run(repo, original, number);
      originals++;
      insAudit.run(repo, number, snapshot.createdAt, null, 'tracked', null);
      audit++;
      if (pending) continue;
      if (i % 11 === 0) {
        insAudit.run(repo, number, decided, actor, 'approve_failed', 'GitHub answered 502 Bad Gateway');
        audit++;
      }
      if (onGitHub)
        insAudit.run(repo, number, decided, null, 'approved_on_github', 'label cherry-pick-approved present');
      else if (rejected)
        insAudit.run(
          repo,
          number,
          decided,
          actor,
          'rejected',
          'Not a critical fix; please wait for the next minor.',
        );
      else
        insAudit.run(
          repo,
          number,
          decided,
          actor,
          'approved',
          'label cherry-pick-approved added, comment posted',
        );
      audit++;
    }
  })();
  return { picks: PICKS, audit, originals };
}

export async function seedBenchDb(
  dbPath: string,
  emu: Pick<EmulatorsReady, 'slackApiUrl' | 'githubUrl'>,
  opts: { picks?: number } = {},
): Promise<SeedReport> {
  const config = parseConfig(stringify(benchRawConfig()), 'bench relbot.yaml');
  const clock = benchClock();
  const db = openDb(dbPath);
  const relbot = createRelbot({
    env: {
      ...loadEnv({}),
      slackBotToken: BOT_TOKEN,
      slackSigningSecret: SIGNING_SECRET,
      slackApiUrl: emu.slackApiUrl,
      githubApiUrl: emu.githubUrl,
      githubToken: 'ghp_bench',
      dbPath,
    },
    config,
    db,
    clock,
    log: createLogger({ level: 'silent' }),
    slackClientOptions: { retryConfig: { retries: 0 } },
    outbound: { intervalMs: 1 },
    cron: false,
  });
  await relbot.jobs.run('schedule-sync');
  const run = db
    .prepare("SELECT status, detail FROM job_runs WHERE job = 'schedule-sync' ORDER BY id DESC")
    .get() as {
    status: string;
    detail: string;
  };
  if (run.status !== 'ok') throw new Error(`schedule-sync failed while seeding: ${run.detail}`);
  const stored = loadSchedule(db, config);
  const picks = insertCherrypickHistory(db, clock.now(), opts.picks);
  const apps = seedShadowApplications(relbot.deps, { count: 500 });
  const report: SeedReport = {
    cycles: stored.cycles.map((c) => c.version).sort(),
    milestones: allMilestones(stored, config).length,
    cherrypicks: picks.picks,
    pending: (
      db.prepare("SELECT COUNT(*) AS n FROM cherrypicks WHERE state = 'pending'").get() as { n: number }
    ).n,
    audit: picks.audit,
    originals: picks.originals,
    applications: apps.created,
    dbBytes: 0,
  };
  db.pragma('wal_checkpoint(TRUNCATE)');
  const size = db
    .prepare('SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()')
    .get() as {
    b: number;
  };
  report.dbBytes = size.b;
  await relbot.stop();
  return report;
}
