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
import { type CommandContext, type CommandSpec, type Reply, registerCommand } from '../src/slack/command';

/**
 * `/blockers [v1.XX]` and `/blockers sig <name> [v1.XX]`: what blocks the release, in the Release
 * Signal template's order, grouped by SIG. The daily digest job posts the same summary with what
 * changed since the previous digest.
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
