import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per app instance (no global default registry), so tests can run several apps in one process. */
export function createMetrics(opts: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'relbot_' });
  const metrics = {
    registry,
    commands: new Counter({
      name: 'relbot_commands_total',
      help: 'Slash commands, buttons and modal submissions handled',
      labelNames: ['command', 'outcome'] as const,
      registers: [registry],
    }),
    commandSeconds: new Histogram({
      name: 'relbot_command_duration_seconds',
      help: 'Time from receipt to ack of a command or interaction',
      labelNames: ['command'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'relbot_job_runs_total',
      help: 'Scheduled job runs',
      labelNames: ['job', 'status'] as const,
      registers: [registry],
    }),
    githubRequests: new Counter({
      name: 'relbot_github_requests_total',
      help: 'Requests to the GitHub API by status (304 = served from cache)',
      labelNames: ['method', 'status'] as const,
      registers: [registry],
    }),
    slackCalls: new Counter({
      name: 'relbot_slack_calls_total',
      help: 'Calls to the Slack Web API',
      labelNames: ['method', 'outcome'] as const,
      registers: [registry],
    }),
    outboundQueued: new Counter({
      name: 'relbot_outbound_rejected_total',
      help: 'Outbound Slack messages refused because the queue was full',
      registers: [registry],
    }),
    cycle: cycleGauges(registry),
    eventLoopDelay: new Histogram({
      name: 'relbot_event_loop_delay_seconds',
      help: `How late a timer set every ${LOOP_SAMPLE_MS} ms fired: the event loop was held that long (rendering, JSON, GC) and acks waited`,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    /** Stops the event-loop sampler (the app's stop() calls it). */
    stop: () => clearInterval(sampler),
  };
  // A timer every 20 ms, observing how late it fired: about 50 observations a second, a few µs
  // of CPU each. (The default metrics' relbot_nodejs_eventloop_lag_* gauges are percentiles of
  // perf_hooks.monitorEventLoopDelay since start; this histogram can be rated and aggregated.)
  // Sampled with the default metrics (an app's registry), not in unit tests' bare registries.
  let expected = performance.now() + LOOP_SAMPLE_MS;
  const sampler =
    (opts.defaults ?? true)
      ? setInterval(() => {
          const now = performance.now();
          metrics.eventLoopDelay.observe(Math.max(0, now - expected) / 1000);
          expected = now + LOOP_SAMPLE_MS;
        }, LOOP_SAMPLE_MS).unref()
      : undefined;
  return metrics;
}

const LOOP_SAMPLE_MS = 20;

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The current release cycle's figures as relbot's per-cycle metrics compute them (docs/metrics.md),
 * in the shape the gauges need. Plain data: infrastructure knows no feature; the insight feature
 * sets the source (`metrics.cycle.setSource`) when it registers.
 */
export interface CycleGaugeValues {
  cycle: string;
  branches: Array<{ branch: string; requests: number; approved: number; rejected: number; waiting: number }>;
  decisionSeconds: { p50?: number; p90?: number };
  mergeSeconds: { p50?: number; p90?: number };
  blockersOpen?: number;
  blockerCloseSeconds: { p50?: number; p90?: number };
  reminders: { sent: number; late: number; missed: number; lateMaxSeconds?: number };
  /** The newest shadow application round (its `cycle` label is the team's version). */
  shadows?: {
    cycle: string;
    roles: Array<{ role: string; applications: number; seats: number; accepted: number }>;
    returningRatio?: number;
    closeToPublishSeconds?: number;
  };
}

/** Label values kept per gauge: branches and roles are few, but a bad config must not grow a series set. */
const MAX_SERIES = 20;

function cycleGauges(registry: Registry) {
  let source: (() => CycleGaugeValues | undefined) | undefined;
  const errors = new Counter({
    name: 'relbot_figures_read_errors_total',
    help: 'Scrapes whose current-cycle figures could not be read (the relbot_cycle_* gauges were left empty)',
    registers: [registry],
  });
  // One computation per scrape: the collects of one `registry.metrics()` run in the same tick.
  let memo: { v: CycleGaugeValues | undefined } | undefined;
  const read = (): CycleGaugeValues | undefined => {
    if (!source) return undefined;
    if (!memo) {
      try {
        memo = { v: source() };
      } catch {
        // A failing read must not take the other metrics down with it: counted, and no series.
        errors.inc();
        memo = { v: undefined };
      }
      setImmediate(() => {
        memo = undefined;
      });
    }
    return memo.v;
  };
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>, v: CycleGaugeValues) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        const v = read();
        if (v) fill(this, v);
      },
    });
  const quantiles = (g: Gauge<'cycle' | 'quantile'>, cycle: string, q: { p50?: number; p90?: number }) => {
    if (q.p50 !== undefined) g.set({ cycle, quantile: '0.5' }, q.p50);
    if (q.p90 !== undefined) g.set({ cycle, quantile: '0.9' }, q.p90);
  };
  const perBranch =
    (field: 'requests' | 'approved' | 'rejected' | 'waiting') =>
    (g: Gauge<'cycle' | 'branch'>, v: CycleGaugeValues) => {
      for (const b of v.branches.slice(0, MAX_SERIES)) g.set({ cycle: v.cycle, branch: b.branch }, b[field]);
    };
  const perRole =
    (field: 'applications' | 'seats' | 'accepted') => (g: Gauge<'cycle' | 'role'>, v: CycleGaugeValues) => {
      if (!v.shadows) return;
      for (const r of v.shadows.roles.slice(0, MAX_SERIES))
        g.set({ cycle: v.shadows.cycle, role: r.role }, r[field]);
    };
  const one =
    (pick: (v: CycleGaugeValues) => number | undefined) => (g: Gauge<'cycle'>, v: CycleGaugeValues) => {
      const x = pick(v);
      if (x !== undefined) g.set({ cycle: v.cycle }, x);
    };
  const CB = ['cycle', 'branch'] as const;
  const CQ = ['cycle', 'quantile'] as const;
  const CR = ['cycle', 'role'] as const;
  const C = ['cycle'] as const;
  return {
    setSource(s: () => CycleGaugeValues | undefined) {
      source = s;
    },
    gauges: [
      gauge(
        'relbot_cycle_cherrypick_requests',
        'Cherry-picks requested in the current cycle, by branch',
        CB,
        perBranch('requests'),
      ),
      gauge(
        'relbot_cycle_cherrypick_approved',
        'Cherry-picks of the current cycle approved, by branch',
        CB,
        perBranch('approved'),
      ),
      gauge(
        'relbot_cycle_cherrypick_rejected',
        'Cherry-picks of the current cycle rejected, by branch',
        CB,
        perBranch('rejected'),
      ),
      gauge(
        'relbot_cycle_cherrypick_waiting',
        'Cherry-picks of the current cycle open and undecided, by branch',
        CB,
        perBranch('waiting'),
      ),
      gauge(
        'relbot_cycle_cherrypick_decision_seconds',
        'Cherry-pick request to decision in the current cycle (nearest-rank quantiles)',
        CQ,
        (g, v) => quantiles(g, v.cycle, v.decisionSeconds),
      ),
      gauge(
        'relbot_cycle_cherrypick_merge_seconds',
        'Cherry-pick request to merge in the current cycle (nearest-rank quantiles)',
        CQ,
        (g, v) => quantiles(g, v.cycle, v.mergeSeconds),
      ),
      gauge(
        'relbot_cycle_blockers_open',
        'Release-blocking items in the newest kept digest of the current cycle',
        C,
        one((v) => v.blockersOpen),
      ),
      gauge(
        'relbot_cycle_blocker_close_seconds',
        'Blocker opened (or labelled) to closed in the current cycle (nearest-rank quantiles)',
        CQ,
        (g, v) => quantiles(g, v.cycle, v.blockerCloseSeconds),
      ),
      gauge(
        'relbot_cycle_reminders_sent',
        'Milestone reminders posted for the current cycle',
        C,
        one((v) => v.reminders.sent),
      ),
      gauge(
        'relbot_cycle_reminders_late',
        'Milestone reminders of the current cycle posted late',
        C,
        one((v) => v.reminders.late),
      ),
      gauge(
        'relbot_cycle_reminders_missed',
        'Milestone reminders of the current cycle never posted while relbot ran (must be 0)',
        C,
        one((v) => v.reminders.missed),
      ),
      gauge(
        'relbot_cycle_reminder_late_seconds_max',
        'How late the latest reminder of the current cycle was posted',
        C,
        one((v) => v.reminders.lateMaxSeconds),
      ),
      gauge(
        'relbot_cycle_shadow_applications',
        'Shadow applications naming the role, newest application round',
        CR,
        perRole('applications'),
      ),
      gauge(
        'relbot_cycle_shadow_seats',
        'Shadow seats of the role (configured capacity), newest application round',
        CR,
        perRole('seats'),
      ),
      gauge(
        'relbot_cycle_shadow_accepted',
        'Shadow seats of the role accepted, newest application round',
        CR,
        perRole('accepted'),
      ),
      gauge(
        'relbot_cycle_shadow_returning_ratio',
        'Share of applicants who served before, newest application round',
        C,
        (g, v) => {
          if (v.shadows?.returningRatio !== undefined)
            g.set({ cycle: v.shadows.cycle }, v.shadows.returningRatio);
        },
      ),
      gauge(
        'relbot_cycle_shadow_close_to_publish_seconds',
        'Applications closed to decisions published, newest application round',
        C,
        (g, v) => {
          if (v.shadows?.closeToPublishSeconds !== undefined)
            g.set({ cycle: v.shadows.cycle }, v.shadows.closeToPublishSeconds);
        },
      ),
    ],
  };
}
