import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

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
