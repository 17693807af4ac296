import { z } from 'zod';
import { cronExpression, repoName, slackChannelId, timeZone } from '../config-types';

/** `v1.37` (a leading `v` is added when missing). */
export const milestoneTitle = z
  .string()
  .regex(/^v?\d+\.\d+$/, 'a milestone such as v1.37')
  .transform((m) => (m.startsWith('v') ? m : `v${m}`));

const labels = z
  .object({
    /** Blocks the release wherever it is (the Release Signal template's first two queries). */
    blocker: z.string().min(1).default('release-blocker'),
    /** In the milestone: a release blocker too (community release.md). */
    criticalUrgent: z.string().min(1).default('priority/critical-urgent'),
    /** In the milestone: failing tests and flakes, in their own section. */
    failingTests: z.array(z.string().min(1)).min(1).default(['kind/failing-test', 'kind/flake']),
    /** In the milestone: the template's second tier. */
    importantSoon: z.string().min(1).default('priority/important-soon'),
  })
  .strict();

/**
 * The Kubernetes SIGs (kubernetes/test-infra label_sync/labels.yaml: the `sig/*` labels every
 * Kubernetes repository carries, fixtures/k8s/labels-excerpt.yaml). `/blockers sig <name>` knows
 * these and every `sig/*` label it sees on the items it reads.
 */
export const KUBERNETES_SIGS = [
  'api-machinery',
  'apps',
  'architecture',
  'auth',
  'autoscaling',
  'cli',
  'cloud-provider',
  'cluster-lifecycle',
  'contributor-experience',
  'docs',
  'etcd',
  'instrumentation',
  'k8s-infra',
  'multicluster',
  'network',
  'node',
  'release',
  'scalability',
  'scheduling',
  'security',
  'storage',
  'testing',
  'ui',
  'windows',
];

const sigName = z
  .string()
  .regex(/^(?:sig\/)?[a-z0-9][a-z0-9-]{0,62}$/i, 'a SIG name such as node or api-machinery')
  .transform((s) => s.replace(/^sig\//i, '').toLowerCase());

const dashboard = z
  .object({
    /**
     * Testgrid dashboard name. `{version}` stands for the milestone asked (`1.37` for v1.37):
     * `sig-release-{version}-blocking`. A name without it (sig-release-master-blocking: the master
     * branch) is read only for the current milestone.
     */
    name: z
      .string()
      .regex(
        /^(?:[\w.-]|\{version\})+$/,
        'a testgrid dashboard name such as sig-release-master-blocking or sig-release-{version}-blocking',
      ),
    /** blocking or informing; default from the name's suffix. */
    kind: z.enum(['blocking', 'informing']).optional(),
    /** Summary JSON URL (`{version}` allowed); default `<testgrid.baseUrl>/<name>/summary`. */
    url: z.string().url().optional(),
  })
  .strict();

export const blockersConfig = z
  .object({
    /** The milestone `/blockers` and the digest report on; default: the schedule feature's current cycle. */
    milestone: milestoneTitle.optional(),
    /** Repositories searched; default: `github.repos`. */
    repos: z.array(repoName).min(1).optional(),
    labels: labels.default({
      blocker: 'release-blocker',
      criticalUrgent: 'priority/critical-urgent',
      failingTests: ['kind/failing-test', 'kind/flake'],
      importantSoon: 'priority/important-soon',
    }),
    /** The SIGs `/blockers sig <name>` knows besides the `sig/*` labels it sees; default: Kubernetes' SIGs. */
    sigs: z.array(sigName).default(KUBERNETES_SIGS),
    /** An item with no update for this many days is marked stale. */
    staleAfterDays: z.number().int().min(1).max(365).default(3),
    digest: z
      .object({
        enabled: z.boolean().default(true),
        /** When the digest is due (5-field cron, in `timezone`); default weekdays 09:00. */
        schedule: cronExpression.default('0 9 * * 1-5'),
        timezone: timeZone.default('UTC'),
        /** Channel; default `channels.blockers`, then `channels.default`. */
        channel: slackChannelId.optional(),
        /** While GitHub fails, retry this long after the slot before posting an "unavailable" digest. */
        retryMinutes: z.number().int().min(0).max(1440).default(60),
        /** A slot missed by more than this (relbot was down) is skipped, not posted late. */
        maxLateMinutes: z.number().int().min(1).max(1440).default(240),
        /** The burndown chart uploaded with each digest, stacked by SIG or by kind; 'off': no chart. */
        chart: z.enum(['sig', 'kind', 'off']).default('sig'),
      })
      .strict()
      .default({
        enabled: true,
        schedule: '0 9 * * 1-5',
        timezone: 'UTC',
        retryMinutes: 60,
        maxLateMinutes: 240,
        chart: 'sig',
      }),
    testgrid: z
      .object({
        baseUrl: z.string().url().default('https://testgrid.k8s.io'),
        /** Empty: no Go/No-Go line. */
        dashboards: z.array(dashboard).default([]),
        timeoutMs: z.number().int().min(100).max(60000).default(10000),
      })
      .strict()
      .default({ baseUrl: 'https://testgrid.k8s.io', dashboards: [], timeoutMs: 10000 }),
  })
  .strict()
  .default({
    labels: {
      blocker: 'release-blocker',
      criticalUrgent: 'priority/critical-urgent',
      failingTests: ['kind/failing-test', 'kind/flake'],
      importantSoon: 'priority/important-soon',
    },
    sigs: KUBERNETES_SIGS,
    staleAfterDays: 3,
    digest: {
      enabled: true,
      schedule: '0 9 * * 1-5',
      timezone: 'UTC',
      retryMinutes: 60,
      maxLateMinutes: 240,
      chart: 'sig',
    },
    testgrid: { baseUrl: 'https://testgrid.k8s.io', dashboards: [], timeoutMs: 10000 },
  });

export type BlockersConfig = z.infer<typeof blockersConfig>;
export type BlockerLabels = BlockersConfig['labels'];
