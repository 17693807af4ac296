import { UserError } from '../src/errors';
import type { Feature } from '../src/feature';
import { csvMessage } from '../src/insight/metrics-csv';
import { cycleReport, gaugeValues, looksLikeVersion } from '../src/insight/metrics-read';
import { metricsMessage } from '../src/insight/metrics-render';
import { releasePageRoutes } from '../src/insight/page';
import type { Message } from '../src/slack/blocks';
import { type CommandSpec, type Reply, registerCommand } from '../src/slack/command';
import { escapeEntities } from '../src/slack/escape';
import { editDistance } from '../src/text';

/**
 * `/release metrics [1.XX]` and `/release metrics csv [1.XX]`: the figures of a release cycle
 * (cherry-picks, blockers, reminders, shadows) beside the cycles before it. Read-only, for everyone.
 * The same figures of the current cycle are Prometheus gauges on /metrics.
 */

const ephemeral = (m: Message): Reply => ({ response_type: 'ephemeral', ...m });

const USAGE_HINT = 'For example `/release metrics`, `/release metrics 1.36` or `/release metrics csv 1.36`.';

/** The words after `metrics`: an optional `csv`, then an optional version. */
function parseMetricsArgs(args: string[]): { csv: boolean; version?: string } {
  const words = [...args];
  const csv = words[0]?.toLowerCase() === 'csv';
  if (csv) words.shift();
  const [version, ...extra] = words;
  if (version !== undefined && !looksLikeVersion(version)) {
    const shown = escapeEntities([...version].slice(0, 20).join(''));
    throw new UserError(
      editDistance(version.toLowerCase(), 'csv') <= 1 || /csv/i.test(version)
        ? `\`${shown}\` is not a format: \`/release metrics\` takes \`csv\` first, then a version.`
        : `\`${shown}\` is not a release version.`,
      USAGE_HINT,
    );
  }
  if (extra.length === 1 && extra[0]!.toLowerCase() === 'csv' && !csv)
    throw new UserError('`csv` comes before the version.', `Try \`/release metrics csv ${version}\`.`);
  if (extra.length)
    throw new UserError('`/release metrics` takes at most `csv` and one version.', USAGE_HINT);
  return { csv, ...(version !== undefined ? { version } : {}) };
}

export const spec: CommandSpec = {
  command: '/release',
  summary: 'Figures of a release cycle, compared with the cycles before it',
  subcommands: [
    {
      name: 'metrics',
      usage: 'metrics [csv] [1.XX]',
      summary:
        'cherry-picks, blockers, reminders and shadows of a cycle (default: the current one) beside up to three earlier cycles; `csv` gives them as CSV',
      async run(ctx) {
        const { csv, version } = parseMetricsArgs(ctx.args);
        const report = cycleReport(ctx.deps, version);
        return ephemeral(csv ? csvMessage(report) : metricsMessage(report));
      },
    },
  ],
};

export const feature: Feature = {
  name: 'release',
  register(app, deps) {
    registerCommand(app, deps, spec);
    // The current cycle's figures as gauges on /metrics, computed when Prometheus scrapes.
    deps.metrics?.cycle.setSource(() => gaugeValues(deps));
  },
  // GET /release and /release/<version>: the read-only release page (schedule, burndown, pick queue).
  routes: (deps) => releasePageRoutes(deps),
};
