import type { GhStatus, GitHubEmulator } from './github/server';
import { people } from './seed';

/**
 * Realistic cherry-pick PRs on kubernetes/kubernetes release branches for the local sandbox, the
 * e2e tests and benchmarks: titles and bodies as hack/cherry_pick_pull.sh writes them, the labels
 * Prow puts on them, and commit statuses from the usual presubmit jobs. Gates vary on purpose.
 */

export const CP_OWNER = 'kubernetes';
export const CP_REPO = 'kubernetes';

/** The PR numbers the seed creates, by what makes each interesting. */
export const CP = {
  /** Original PR on master (merged) with three sibling picks. */
  original: 139950,
  /** All gates pass; siblings on release-1.35 and release-1.34. */
  green136: 140101,
  green135: 140102,
  green134: 140103,
  /** No `lgtm` label yet. */
  missingLgtm: 140110,
  /** A failing presubmit. */
  failingStatus: 140120,
  /** `do-not-merge/hold`. */
  hold: 140130,
  /** Opened by a release manager who is also an approver. */
  byApprover: 140140,
  /** A normal PR against master. */
  onMaster: 140150,
  /** A cherry-pick that was closed. */
  closed: 140160,
} as const;

const PROW_JOBS = [
  'pull-kubernetes-unit',
  'pull-kubernetes-integration',
  'pull-kubernetes-verify',
  'pull-kubernetes-e2e-gce',
  'pull-kubernetes-node-e2e-containerd',
];

const READY = ['lgtm', 'approved', 'cncf-cla: yes', 'kind/bug', 'priority/critical-urgent', 'release-note'];
const UNAPPROVED = 'do-not-merge/cherry-pick-not-approved';

function body(originals: number[], branch: string, what: string, note: string): string {
  const refs = originals.map((o) => `#${o}`).join(' ');
  return [
    `Cherry pick of ${refs} on ${branch}.`,
    '',
    `${originals.map((o) => `#${o}`).join(', ')}: ${what}`,
    '',
    'For details on the cherry pick process, see the [cherry pick requests](https://git.k8s.io/community/contributors/devel/sig-release/cherry-picks.md) page.',
    '',
    '```release-note',
    note,
    '```',
  ].join('\n');
}

export interface SeedCherrypicksOptions {
  /** ISO time the oldest pick was opened; the others follow hours apart. */
  start?: string;
}

/** Seeds the emulated GitHub; returns the numbers of the PRs it created. */
export function seedCherrypicks(gh: GitHubEmulator, opts: SeedCherrypicksOptions = {}): typeof CP {
  const start = Date.parse(opts.start ?? '2026-06-20T08:00:00Z');
  const at = (hours: number) => new Date(start + hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const green = (): GhStatus[] => PROW_JOBS.map((context) => ({ state: 'success', context }));
  const pick = (
    number: number,
    o: {
      branch: string;
      originals: number[];
      what: string;
      author: string;
      labels?: string[];
      statuses?: GhStatus[];
      hours: number;
      state?: 'open' | 'closed';
      title?: string;
    },
  ) => {
    const title =
      o.title ?? `Automated cherry pick of ${o.originals.map((x) => `#${x}`).join(' ')}: ${o.what}`;
    const pr = gh.addPull({
      owner: CP_OWNER,
      repo: CP_REPO,
      number,
      title,
      body: body(o.originals, o.branch, o.what, o.what),
      user: o.author,
      labels: o.labels ?? [...READY, UNAPPROVED, 'sig/node', 'area/kubelet'],
      milestone: `v${o.branch.replace('release-', '')}`,
      created_at: at(o.hours),
      state: o.state ?? 'open',
      pull: {
        base: o.branch,
        head: `automated-cherry-pick-of-#${o.originals.join('-#')}-upstream-${o.branch}`,
      },
    });
    gh.setStatuses(CP_OWNER, CP_REPO, pr.pull!.head_sha, o.statuses ?? green());
    return pr;
  };

  gh.addPull({
    owner: CP_OWNER,
    repo: CP_REPO,
    number: CP.original,
    title: 'kubelet: fix a panic when a pod has a nil security context',
    body: 'Fixes #139901\n\n```release-note\nFixed a kubelet panic when a pod has a nil security context.\n```',
    user: 'aojea',
    labels: ['lgtm', 'approved', 'kind/bug', 'priority/critical-urgent', 'sig/node'],
    milestone: 'v1.37',
    created_at: at(-120),
    pull: { base: 'master', merged: true },
  });
  const what = 'kubelet: fix a panic when a pod has a nil security context';
  pick(CP.green136, { branch: 'release-1.36', originals: [CP.original], what, author: 'aojea', hours: 0 });
  pick(CP.green135, { branch: 'release-1.35', originals: [CP.original], what, author: 'aojea', hours: 1 });
  pick(CP.green134, { branch: 'release-1.34', originals: [CP.original], what, author: 'aojea', hours: 2 });
  pick(CP.missingLgtm, {
    branch: 'release-1.36',
    originals: [139870],
    what: 'Fix data race in the endpointslice controller',
    author: 'pohly',
    labels: ['approved', 'cncf-cla: yes', 'kind/bug', 'release-note', UNAPPROVED, 'sig/network'],
    hours: 5,
  });
  pick(CP.failingStatus, {
    branch: 'release-1.35',
    originals: [139880, 139881],
    what: 'kube-apiserver: bump golang.org/x/net to v0.38.0 for CVE-2025-22872',
    author: 'carlory',
    statuses: [
      ...green().filter((s) => s.context !== 'pull-kubernetes-e2e-gce'),
      { state: 'failure', context: 'pull-kubernetes-e2e-gce', description: 'Job failed.' },
    ],
    hours: 8,
  });
  pick(CP.hold, {
    branch: 'release-1.34',
    originals: [139890],
    what: 'scheduler: do not drop pods with unschedulable nominated nodes',
    author: 'HirazawaUi',
    labels: [...READY, UNAPPROVED, 'do-not-merge/hold', 'sig/scheduling'],
    hours: 12,
  });
  pick(CP.byApprover, {
    branch: 'release-1.36',
    originals: [139900],
    what: 'Update Go to 1.25.4',
    author: people.approver.github,
    labels: [...READY, UNAPPROVED, 'area/release-eng', 'sig/release'],
    hours: 20,
  });
  gh.addPull({
    owner: CP_OWNER,
    repo: CP_REPO,
    number: CP.onMaster,
    title: 'Add a metric for kubelet image pulls',
    body: '```release-note\nAdded kubelet_image_pulls_total.\n```',
    user: 'pohly',
    labels: ['lgtm', 'approved', 'kind/feature'],
    created_at: at(22),
    pull: { base: 'master' },
  });
  pick(CP.closed, {
    branch: 'release-1.33',
    originals: [139700],
    what: 'Fix a flake in TestServerRunWithSNI',
    author: 'liggitt',
    hours: 24,
    state: 'closed',
  });
  return CP;
}
