/**
 * The history src/sandbox/seed-history.ts writes: explicit rows, so test/e2e/release-metrics.test.ts
 * can count them by hand. Instants are UTC.
 */

/** A pick: its request instant, and hours from it to its decision and merge. */
export interface PastPick {
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

/** A blocking item of the past digests: when it was opened and the digests (cycle weeks) that list it. */
export interface PastBlocker {
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

/** An application of a past round: its choices, whether the applicant served before, the decision. */
export type PastApp = [
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
