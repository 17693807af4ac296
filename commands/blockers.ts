import { parseStackBy, shareChart } from '../src/blockers/burndown';
import { BlockerHistory } from '../src/blockers/history';
import {
  blockerSummary,
  DIGEST_JOB,
  describeDigest,
  normalizeMilestone,
  resolveMilestone,
  runDigest,
} from '../src/blockers/service';
import { UserError } from '../src/errors';
import type { Feature } from '../src/feature';
import { defineJob } from '../src/jobs/runner';
import { section } from '../src/slack/blocks';
import { type CommandContext, type CommandSpec, type Reply, registerCommand } from '../src/slack/command';

/**
 * `/blockers [v1.XX]` and `/blockers sig <name> [v1.XX]`: what blocks the release, in the Release
 * Signal template's order, grouped by SIG. The daily digest job posts the same summary with what
 * changed since the previous digest, and its burndown chart. `/blockers chart` shares the chart.
 * The read-only /release page is served from here for now (it belongs with the `/release` command).
 */

const SIG_NAME = /^(?:sig\/)?([a-z0-9][a-z0-9-]{0,62})$/i;

async function summaryReply(
  ctx: CommandContext,
  milestoneArg: string | undefined,
  sig?: string,
): Promise<Reply> {
  const milestone = resolveMilestone(ctx.deps, milestoneArg);
  const result = await blockerSummary(ctx.deps, { milestone, sig });
  const { text, blocks } = result.rendered;
  return { response_type: 'ephemeral', text, blocks };
}

export const spec: CommandSpec = {
  command: '/blockers',
  summary: 'Open release-blocking issues and PRs of a milestone',
  subcommands: [
    {
      name: '',
      usage: '[v1.XX]',
      summary:
        'blocking issues, blocking PRs, critical-urgent, failing tests/flakes and important-soon items, by SIG (default: the current milestone)',
      matches: (word) => normalizeMilestone(word) !== undefined,
      async run(ctx) {
        if (ctx.args.length > 1)
          throw new UserError('`/blockers` takes at most one milestone.', 'For example `/blockers v1.37`.');
        return summaryReply(ctx, ctx.args[0]);
      },
    },
    {
      name: 'sig',
      usage: 'sig <name> [v1.XX]',
      summary: "one SIG's items, e.g. `/blockers sig node`",
      async run(ctx) {
        const [name, milestone, ...extra] = ctx.args;
        if (!name)
          throw new UserError(
            'Which SIG?',
            'For example `/blockers sig node` or `/blockers sig node v1.37`.',
          );
        const m = SIG_NAME.exec(name);
        if (!m)
          throw new UserError(
            'A SIG name is letters, digits and dashes, like `node` or `api-machinery`.',
            'For example `/blockers sig node`.',
          );
        if (extra.length)
          throw new UserError(
            '`/blockers sig` takes a SIG name and at most one milestone.',
            'For example `/blockers sig node v1.37`.',
          );
        return summaryReply(ctx, milestone, m[1]!.toLowerCase());
      },
    },
    {
      name: 'chart',
      usage: 'chart [v1.XX] [sig | kind]',
      summary:
        'share the burndown chart of open blockers in this channel, stacked by SIG (default) or by kind, with the freezes, RCs and release day marked',
      async run(ctx) {
        const [first, second, ...extra] = ctx.args;
        const milestoneArg = first && normalizeMilestone(first) ? first : undefined;
        const byArg = milestoneArg ? second : first;
        if (extra.length || (milestoneArg === undefined && second !== undefined))
          throw new UserError(
            '`/blockers chart` takes at most a milestone and `sig` or `kind`.',
            'For example `/blockers chart`, `/blockers chart v1.37` or `/blockers chart v1.37 kind`.',
          );
        const by = parseStackBy(byArg);
        const milestone = resolveMilestone(ctx.deps, milestoneArg);
        const known = new BlockerHistory(ctx.deps.db).milestones().sort().reverse();
        if (!known.includes(milestone))
          throw new UserError(
            `relbot has no daily blocker digest of ${milestone} yet, so there is no burndown to draw.`,
            known.length
              ? `It has digests of ${known.map((m) => `\`${m}\``).join(', ')}: for example \`/blockers chart ${known[0]}\`.`
              : 'The chart starts with the first daily digest. `/blockers` lists the blockers now.',
          );
        const shared = await shareChart(ctx.deps, {
          // One upload per command invocation, even if the work is retried.
          key: `blockers-chart:${ctx.command.trigger_id || `${ctx.user}:${ctx.deps.clock.now().toISO()}`}`,
          channel: ctx.channel,
          milestone,
          by,
          trigger: 'command',
          comment: (c) => `${c.fallback} (asked with \`/blockers chart\`)`,
        });
        if (shared.outcome === 'shared' || shared.outcome === 'already') {
          const text = `:chart_with_downwards_trend: Shared the burndown chart of ${milestone} (by ${by === 'kind' ? 'kind' : 'SIG'}) in this conversation. ${shared.chart.fallback}`;
          return { response_type: 'ephemeral', text, blocks: [section(text)] };
        }
        throw new UserError(
          `The chart was not shared: ${shared.reason ?? 'the upload failed'}.`,
          `${shared.chart.fallback} ${shared.hint ?? ''} \`/blockers ${milestone}\` lists the blockers as text.`.replace(
            / {2,}/g,
            ' ',
          ),
        );
      },
    },
  ],
};

export const feature: Feature = {
  name: 'blockers',
  register(app, deps) {
    registerCommand(app, deps, spec);
  },
  // Wakes at jobs.blockers-digest; runDigest decides from the clock and the outbox whether a slot is due.
  jobs: (deps) => [defineJob(deps, DIGEST_JOB, async (d) => describeDigest(await runDigest(d)))],
};
