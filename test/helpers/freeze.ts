import type { GhStatus, GitHubEmulator } from '../../src/sandbox/github/server';
import { CP_OWNER, CP_REPO } from '../../src/sandbox/seed-cherrypicks';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { textOf } from './harness';

/**
 * Approved picks on release-1.36 for the freeze suites: ready ones, and one per reason a pick is not
 * ready for the cut (missing lgtm, failing test, no test results, needs-rebase, hold).
 */

export const BRANCH = 'release-1.36';
export const LABEL = 'cherry-pick-approved';
const JOBS = ['pull-kubernetes-unit', 'pull-kubernetes-e2e-gce', 'pull-kubernetes-verify'];
const READY = ['lgtm', 'approved', 'cncf-cla: yes', 'kind/bug', 'release-note', LABEL];
export const green = (): GhStatus[] => JOBS.map((context) => ({ state: 'success', context }));

export const FP = {
  ready1: 140301,
  ready2: 140302,
  noLgtm: 140303,
  failing: 140304,
  noTests: 140305,
  rebase: 140306,
  hold: 140307,
  /** Open on the branch, never approved: a freeze must never touch it. */
  unapproved: 140308,
  /** Approved, on another branch. */
  otherBranch: 140309,
} as const;

/** The picks a freeze of release-1.36 takes the label from, and the reason words it gives. */
export const NOT_READY: Array<[number, string]> = [
  [FP.noLgtm, 'the `lgtm` label is missing'],
  [FP.failing, 'status checks are failing: `pull-kubernetes-e2e-gce` (failure)'],
  [FP.noTests, 'no test results are reported on its head commit'],
  [FP.rebase, 'it has blocking label `needs-rebase`'],
  [FP.hold, 'it has blocking label `do-not-merge/hold`'],
];

export function seedFreezePicks(gh: GitHubEmulator, start = '2026-06-25T08:00:00Z'): void {
  const t0 = Date.parse(start);
  const add = (
    number: number,
    what: string,
    o: { labels?: string[]; statuses?: GhStatus[] | null; branch?: string; hours: number },
  ) => {
    const branch = o.branch ?? BRANCH;
    const pr = gh.addPull({
      owner: CP_OWNER,
      repo: CP_REPO,
      number,
      title: `Automated cherry pick of #${number - 1000}: ${what}`,
      body: `Cherry pick of #${number - 1000} on ${branch}.\n\n\`\`\`release-note\n${what}\n\`\`\``,
      user: 'pohly',
      labels: o.labels ?? READY,
      milestone: `v${branch.replace('release-', '')}`,
      created_at: new Date(t0 + o.hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      pull: { base: branch, head: `automated-cherry-pick-of-#${number - 1000}-upstream-${branch}` },
    });
    if (o.statuses !== null) gh.setStatuses(CP_OWNER, CP_REPO, pr.pull!.head_sha, o.statuses ?? green());
  };
  add(FP.ready1, 'kubelet: fix a leak of pod sandboxes', { hours: 0 });
  add(FP.ready2, 'apiserver: fix a watch cache panic', {
    hours: 1,
    statuses: [...green(), { state: 'pending', context: 'pull-kubernetes-node-e2e' }],
  });
  add(FP.noLgtm, 'scheduler: fix preemption of nominated pods', {
    hours: 2,
    labels: READY.filter((l) => l !== 'lgtm'),
  });
  add(FP.failing, 'kube-proxy: fix nftables rule ordering', {
    hours: 3,
    statuses: [
      ...green().filter((s) => s.context !== 'pull-kubernetes-e2e-gce'),
      { state: 'failure', context: 'pull-kubernetes-e2e-gce' },
    ],
  });
  add(FP.noTests, 'kubectl: fix a nil pointer in describe', { hours: 4, statuses: null });
  add(FP.rebase, 'csi: fix volume attach retries', { hours: 5, labels: [...READY, 'needs-rebase'] });
  add(FP.hold, 'etcd: bump the client to v3.6.5', { hours: 6, labels: [...READY, 'do-not-merge/hold'] });
  add(FP.unapproved, 'cloud-provider: fix node address order', {
    hours: 7,
    labels: [...READY.filter((l) => l !== LABEL), 'do-not-merge/cherry-pick-not-approved'],
  });
  add(FP.otherBranch, 'kubelet: fix a leak of pod sandboxes', {
    hours: 8,
    branch: 'release-1.35',
    labels: [...READY, 'needs-rebase'],
  });
}

export const labelsOf = (gh: GitHubEmulator, n: number) => gh.getIssue(CP_OWNER, CP_REPO, n)!.labels;
export const hasApproval = (gh: GitHubEmulator, n: number) => labelsOf(gh, n).includes(LABEL);
export const deletes = (gh: GitHubEmulator, n: number) =>
  gh.callsTo('DELETE', `/repos/${CP_OWNER}/${CP_REPO}/issues/${n}/labels/`);
export const marked = (gh: GitHubEmulator, n: number, marker: string) =>
  gh.getIssue(CP_OWNER, CP_REPO, n)!.comments.filter((c) => c.body.includes(marker));

/** The freeze's channel summary posts (outbox key cherrypick-freeze:<id>). */
export const summaries = (messages: SlackMessage[], kind: 'freeze' | 'unfreeze') =>
  messages.filter((m) => String(m.metadata?.event_payload?.key ?? '').startsWith(`cherrypick-${kind}:`));

export const msgText = (m: SlackMessage) => textOf({ text: m.text, blocks: m.blocks });
