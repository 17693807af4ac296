import type { GitHubEmulator } from './github/server';

/**
 * Demo and benchmark data for the blocker summary: v1.37 milestone issues and PRs in
 * kubernetes/kubernetes (shapes and labels as the Release Signal team sees them; numbers and titles
 * are illustrative), testgrid dashboard summaries, and a generator of N matching items.
 */

const OWNER = 'kubernetes';
const REPO = 'kubernetes';
export const BLOCKERS_MILESTONE = 'v1.37';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface SeedItem {
  number: number;
  title: string;
  labels: string[];
  assignees?: string[];
  milestone?: string | null;
  /** days before now */
  created: number;
  updated: number;
  pr?: boolean;
}

const ITEMS: SeedItem[] = [
  {
    number: 134012,
    title:
      '[Failing Test] ci-kubernetes-e2e-gci-gce: [sig-network] Services should serve endpoints on same port and different protocols',
    labels: ['kind/failing-test', 'priority/critical-urgent', 'sig/network', 'release-blocker'],
    assignees: ['aojea'],
    created: 9,
    updated: 1,
  },
  {
    number: 134077,
    title: 'kubelet: pods stuck in Terminating after containerd restart on cgroup v2 nodes',
    labels: ['kind/bug', 'kind/regression', 'priority/critical-urgent', 'sig/node', 'release-blocker'],
    assignees: ['SergeyKanzhelev', 'haircommander'],
    created: 6,
    updated: 0,
  },
  {
    number: 134101,
    title:
      'Revert "apiserver: enable WatchList by default" — watch cache memory regression in scalability jobs',
    labels: [
      'kind/regression',
      'priority/critical-urgent',
      'sig/api-machinery',
      'sig/scalability',
      'release-blocker',
      'lgtm',
    ],
    assignees: ['wojtek-t'],
    created: 2,
    updated: 0,
    pr: true,
  },
  {
    number: 133950,
    title: 'kube-scheduler panics with nil pointer when DRA ResourceClaim is deleted during binding',
    labels: ['kind/bug', 'priority/critical-urgent', 'sig/scheduling', 'wg/device-management'],
    assignees: ['pohly'],
    created: 15,
    updated: 5,
  },
  {
    number: 133988,
    title: 'Fix kubectl debug --profile=sysadmin dropping the host PID namespace',
    labels: ['kind/bug', 'priority/critical-urgent', 'sig/cli', 'approved', 'do-not-merge/hold'],
    assignees: ['ardaguclu'],
    created: 11,
    updated: 4,
    pr: true,
  },
  {
    number: 134020,
    title:
      '[Flaking Test] [sig-storage] CSI Volumes Ephemeral volume should support multiple inline ephemeral volumes',
    labels: ['kind/flake', 'sig/storage', 'priority/important-soon'],
    assignees: [],
    created: 8,
    updated: 6,
  },
  {
    number: 134033,
    title:
      '[Failing Test] ci-kubernetes-node-kubelet-serial-containerd: [sig-node] Swap [LinuxOnly] with swap on should be able to use more than the node memory',
    labels: ['kind/failing-test', 'sig/node', 'priority/important-soon'],
    assignees: ['kannon92'],
    created: 7,
    updated: 2,
  },
  {
    number: 134045,
    title:
      '[Flaking Test] pull-kubernetes-e2e-kind-ipv6: [sig-network] Netpol should allow egress access to server in CIDR block',
    labels: ['kind/flake', 'sig/network'],
    created: 5,
    updated: 5,
  },
  {
    number: 133870,
    title: 'Graduate PodLevelResources to beta: update in-place resize validation',
    labels: ['kind/feature', 'priority/important-soon', 'sig/node', 'lgtm', 'approved'],
    assignees: ['ndixita'],
    created: 24,
    updated: 3,
    pr: true,
  },
  {
    number: 133902,
    title: 'kube-proxy nftables mode: stale conntrack entries for UDP services after endpoint change',
    labels: ['kind/bug', 'priority/important-soon', 'sig/network'],
    assignees: ['danwinship'],
    created: 19,
    updated: 9,
  },
  {
    number: 133915,
    title: 'apiserver_storage_objects metric missing for CRDs after etcd compaction',
    labels: ['kind/bug', 'priority/important-soon', 'sig/api-machinery', 'sig/instrumentation'],
    created: 18,
    updated: 12,
  },
  {
    number: 133990,
    title: 'Update CoreDNS to v1.12.3 in kubeadm <!channel> `backtick` *bold* test title',
    labels: ['kind/cleanup', 'priority/important-soon', 'sig/cluster-lifecycle', 'needs-rebase'],
    assignees: ['neolit123'],
    created: 10,
    updated: 1,
    pr: true,
  },
  // Not counted: other milestones, priorities or closed.
  {
    number: 133500,
    title: 'Tracking issue: deprecate legacy service account token cleaner flags',
    labels: ['kind/cleanup', 'priority/important-longterm', 'sig/auth'],
    created: 40,
    updated: 20,
  },
  {
    number: 132900,
    title: 'v1.36 patch: fix EndpointSlice mirroring controller hot loop',
    labels: ['kind/bug', 'priority/critical-urgent', 'sig/network'],
    milestone: 'v1.36',
    created: 80,
    updated: 30,
    pr: true,
  },
];

/** The demo set: 12 counted items across sig/node, network, api-machinery, scheduling, cli, storage, ... */
export function seedBlockers(
  github: GitHubEmulator,
  opts: { now?: Date } = {},
): { milestone: string; numbers: number[] } {
  const now = (opts.now ?? new Date()).getTime();
  github.addMilestone(OWNER, REPO, 'v1.36');
  github.addMilestone(OWNER, REPO, BLOCKERS_MILESTONE);
  github.addMilestone(OWNER, REPO, 'v1.38');
  for (const s of ITEMS) {
    const seed = {
      owner: OWNER,
      repo: REPO,
      number: s.number,
      title: s.title,
      labels: s.labels,
      assignees: s.assignees ?? [],
      milestone: s.milestone === undefined ? BLOCKERS_MILESTONE : s.milestone,
      user: s.assignees?.[0] ?? 'k8s-ci-robot',
      created_at: iso(now - s.created * DAY),
      updated_at: iso(now - s.updated * DAY - 3_600_000),
    };
    if (s.pr) github.addPull({ ...seed, pull: { base: 'master' } });
    else github.addIssue(seed);
  }
  github.addIssue({
    owner: OWNER,
    repo: REPO,
    number: 133000,
    title: 'Already fixed: kube-controller-manager leader election flaps',
    labels: ['kind/bug', 'priority/critical-urgent', 'sig/apps'],
    milestone: BLOCKERS_MILESTONE,
    state: 'closed',
    created_at: iso(now - 30 * DAY),
    updated_at: iso(now - 2 * DAY),
  });
  return { milestone: BLOCKERS_MILESTONE, numbers: ITEMS.map((i) => i.number) };
}

/** The SIGs the seeded blockers spread over. */
export const SIGS = [
  'node',
  'network',
  'api-machinery',
  'storage',
  'scheduling',
  'apps',
  'cli',
  'auth',
  'instrumentation',
  'release',
];
const KINDS: string[][] = [
  ['priority/critical-urgent'],
  ['kind/failing-test'],
  ['kind/flake'],
  ['priority/important-soon'],
  ['release-blocker', 'priority/critical-urgent'],
];

/**
 * N more counted items in the milestone (for benchmarks and limit tests): issues and PRs spread over
 * SIGs, sections and ages. Numbers start at `start` (default 200000).
 */
export function seedManyBlockers(
  github: GitHubEmulator,
  n: number,
  opts: { now?: Date; start?: number; milestone?: string } = {},
): number[] {
  const now = (opts.now ?? new Date()).getTime();
  const start = opts.start ?? 200_000;
  github.addMilestone(OWNER, REPO, opts.milestone ?? BLOCKERS_MILESTONE);
  const numbers: number[] = [];
  for (let k = 0; k < n; k++) {
    const number = start + k;
    const pr = k % 3 === 2;
    const seed = {
      owner: OWNER,
      repo: REPO,
      number,
      title: `${pr ? 'Fix' : '[Failing Test]'} generated item ${k}: ${SIGS[k % SIGS.length]} regression in e2e suite #${k}`,
      labels: [...KINDS[k % KINDS.length]!, `sig/${SIGS[k % SIGS.length]}`, ...(pr && k % 2 ? ['lgtm'] : [])],
      assignees: k % 4 === 0 ? [] : [`contributor-${k % 17}`],
      milestone: opts.milestone ?? BLOCKERS_MILESTONE,
      created_at: iso(now - ((k % 30) + 1) * DAY),
      updated_at: iso(now - (k % 9) * DAY - 60_000),
    };
    if (pr) github.addPull({ ...seed, pull: { base: 'master' } });
    else github.addIssue(seed);
    numbers.push(number);
  }
  return numbers;
}

type Board = 'PASSING' | 'FLAKY' | 'FAILING';

/** A testgrid `/summary` document with the given job states. */
export function testgridSummary(dashboard: string, jobs: Record<string, Board>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(jobs).map(([job, status]) => [
      job,
      {
        overall_status: status,
        status:
          status === 'PASSING'
            ? '10 of 10 (100.0%) recent columns passed'
            : '7 of 10 (70.0%) recent columns passed',
        last_run_timestamp: 1_785_000_000_000,
        last_update_timestamp: 1_785_000_000_000,
        latest_green: 'v1.37.0-rc.0',
        alert: status === 'FAILING' ? 'failed 3 times in a row' : '',
        tests: [],
        dashboard_name: dashboard,
        bug_url: '',
      },
    ]),
  );
}

/**
 * Serves the sig-release dashboards' summaries on the emulator (`/<dashboard>/summary`): master's
 * and those of 1.34 to 1.37, as on testgrid.k8s.io (fixtures/k8s/testgrid-sig-release-config.yaml).
 * Returns the `blockers.testgrid` config block that points at them: master's two boards and the
 * per-version pattern `sig-release-{version}-blocking` / `-informing`.
 */
export function seedTestgrid(
  github: GitHubEmulator,
  states: { blocking?: Board; informing?: Board } = {},
): { baseUrl: string; dashboards: { name: string }[] } {
  const boards = ['master', '1.37', '1.36', '1.35', '1.34'].flatMap((v) => [
    `sig-release-${v}-blocking`,
    `sig-release-${v}-informing`,
  ]);
  for (const name of boards) {
    const worst = name.endsWith('blocking')
      ? (states.blocking ?? 'PASSING')
      : (states.informing ?? 'PASSING');
    github.serveJson(
      `/${name}/summary`,
      testgridSummary(name, {
        'ci-kubernetes-e2e-gci-gce': 'PASSING',
        'ci-kubernetes-unit': 'PASSING',
        [name.includes('master') ? 'ci-kubernetes-e2e-kind' : 'ci-kubernetes-e2e-gce-cos-k8sbeta-default']:
          worst,
      }),
    );
  }
  const names = [
    'sig-release-master-blocking',
    'sig-release-master-informing',
    'sig-release-{version}-blocking',
    'sig-release-{version}-informing',
  ];
  return { baseUrl: github.url, dashboards: names.map((name) => ({ name })) };
}
