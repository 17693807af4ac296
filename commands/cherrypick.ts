import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import {
  ACTIONS,
  REASON_ACTION,
  REASON_BLOCK,
  REASON_MAX,
  REJECT_VIEW,
  rejectModal,
  renderAudit,
  renderCard,
  renderList,
} from '../src/cherrypicks/blocks';
import { keyToRef, normalizeBranch, type PrRef, parsePrRef, prUrl, refKey } from '../src/cherrypicks/refs';
import {
  approve,
  approveAll,
  cpConfig,
  discover,
  gatesOf,
  isDryRun,
  LookupError,
  lookup,
  mayAct,
  type Outcome,
  reject,
  retry,
  storeOf,
  watchedRepo,
  watchedRepos,
  whoCanApprove,
} from '../src/cherrypicks/service';
import type { Deps } from '../src/deps';
import { channelFor } from '../src/deps';
import type { Feature } from '../src/feature';
import { defineJob } from '../src/jobs/runner';
import {
  type CommandContext,
  type CommandSpec,
  type Reply,
  registerCommand,
  UserError,
} from '../src/slack/command';
import { escapeEntities, truncate } from '../src/slack/escape';

/**
 * `/cherrypick`: look up a cherry-pick PR (and post its card), list pending picks, show a PR's
 * audit trail; plus the card's buttons (Approve, Reject…, Approve all, Retry) and the reject modal.
 */

const looksLikeRef = (w: string) => /github\.com|#|\/|^\d+$|^</i.test(w);

function parseRefOrThrow(deps: Deps, text: string): PrRef {
  const parsed = parsePrRef(text, watchedRepos(deps)[0]);
  if (!parsed.ok)
    throw new UserError(
      parsed.reason,
      'Example: `/cherrypick https://github.com/kubernetes/kubernetes/pull/12345`.',
    );
  return parsed.ref;
}

export const spec: CommandSpec = {
  command: '/cherrypick',
  summary: 'Cherry-pick approvals for release branches',
  subcommands: [
    {
      name: 'show',
      usage: '<PR URL | owner/repo#N>',
      summary: 'read a cherry-pick PR, check its gates and post (or refresh) its card',
      matches: looksLikeRef,
      async run(ctx) {
        if (ctx.args.length !== 1)
          throw new UserError(
            'Give exactly one pull request.',
            'Example: `/cherrypick kubernetes/kubernetes#12345`.',
          );
        const ref = parseRefOrThrow(ctx.deps, ctx.args[0]!);
        let found: Awaited<ReturnType<typeof lookup>>;
        try {
          found = await lookup(ctx.deps, ref);
        } catch (err) {
          if (err instanceof LookupError) throw new UserError(err.message, err.hint);
          throw err;
        }
        const { row, gates } = found;
        const card = renderCard({
          row,
          gates,
          siblings: storeOf(ctx.deps).siblings(row),
          label: cpConfig(ctx.deps).label,
          dryRun: isDryRun(ctx.deps),
          timezone: await ctx.deps.directory.timeZone(ctx.user, ctx.deps.config.timezone),
        });
        const channel = row.cardChannel ?? channelFor(ctx.deps.config, 'cherrypicks');
        const intro = `The card for ${escapeEntities(refKey(ref))} is in <#${channel}>; approve or reject it there.`;
        return {
          response_type: 'ephemeral',
          text: `${intro}\n${card.text}`,
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: intro } },
            ...card.blocks.filter((b) => b.type !== 'actions'),
          ],
        };
      },
    },
    {
      name: 'list',
      usage: 'list [release-1.XX]',
      summary: 'pick PRs waiting for approval, oldest first, with age and gates',
      ready(ctx) {
        const branch = listBranch(ctx);
        if (branch === null) return undefined;
        return ctx.deps.answers.get(`/cherrypick|list|${branch ?? ''}`, 'cherrypicks');
      },
      async run(ctx) {
        if (ctx.args.length > 1) throw new UserError('`list` takes at most one branch, e.g. `release-1.36`.');
        const branch = listBranch(ctx);
        if (branch === null)
          throw new UserError(
            `\`${escapeEntities(truncate(normalizeBranch(ctx.args[0]!), 60))}\` is not a release branch.`,
            'Use a branch such as `release-1.36` (or just `1.36`).',
          );
        // Kept for the rest of the minute while no pick changes, so asking again is answered in the ack.
        const stamp = ctx.deps.answers.stamp('cherrypicks');
        const now = ctx.deps.clock.now();
        const rows = storeOf(ctx.deps)
          .pending(branch)
          .map((row) => ({ row, gates: gatesOf(ctx.deps, row.snapshot) }));
        const reply: Reply = { response_type: 'ephemeral', ...renderList(rows, { now, branch }) };
        ctx.deps.answers.set(`/cherrypick|list|${branch ?? ''}`, stamp, reply);
        return reply;
      },
    },
    {
      name: 'audit',
      usage: 'audit <PR URL | owner/repo#N>',
      summary: 'who approved, rejected or retried a pick, and when',
      async run(ctx) {
        if (ctx.args.length !== 1)
          throw new UserError('`audit` needs one pull request, e.g. `kubernetes/kubernetes#12345`.');
        const ref = parseRefOrThrow(ctx.deps, ctx.args[0]!);
        const repo = watchedRepo(ctx.deps, ref.owner, ref.repo);
        const canonical = repo ? { ...ref, owner: repo.split('/')[0]!, repo: repo.split('/')[1]! } : ref;
        const rows = storeOf(ctx.deps).auditOf(canonical);
        const tz = await ctx.deps.directory.timeZone(ctx.user, ctx.deps.config.timezone);
        return {
          response_type: 'ephemeral',
          ...renderAudit(refKey(canonical), rows, { timezone: tz, url: prUrl(canonical) }),
        };
      },
    },
  ],
};

/** The branch `list` names: undefined for all branches, null when the words are not one release branch. */
function listBranch(ctx: CommandContext): string | undefined | null {
  if (ctx.args.length > 1) return null;
  if (!ctx.args[0]) return undefined;
  const branch = normalizeBranch(ctx.args[0]);
  return new RegExp(cpConfig(ctx.deps).branchPattern).test(branch) ? branch : null;
}

function outcomeReply(o: Outcome): Reply {
  const text = truncate(o.text, 3000);
  return { response_type: 'ephemeral', text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

async function answer(deps: Deps, respond: RespondFn, o: Outcome): Promise<void> {
  try {
    await respond({ ...outcomeReply(o), replace_original: false });
  } catch (err) {
    deps.log.warn({ err }, 'could not answer a cherry-pick button');
  }
}

/** The PR a button names, if it is one relbot watches. */
function refFromValue(deps: Deps, value: string | undefined): PrRef | undefined {
  const ref = value ? keyToRef(value) : undefined;
  return ref && watchedRepo(deps, ref.owner, ref.repo) ? ref : undefined;
}

type ButtonHandler = (deps: Deps, ref: PrRef, user: string) => Promise<Outcome>;

function registerButton(app: App, deps: Deps, actionId: string, handler: ButtonHandler) {
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
    await ack();
    const ref = refFromValue(deps, action.value);
    if (!ref) {
      deps.metrics.commands.inc({ command: actionId, outcome: 'bad_input' });
      return answer(deps, respond, {
        ok: false,
        text: 'That button does not name a pull request relbot watches.',
      });
    }
    let outcome: Outcome;
    try {
      outcome = await handler(deps, ref, body.user.id);
    } catch (err) {
      deps.log.error({ err, action: actionId, pr: refKey(ref) }, 'cherry-pick button failed');
      outcome = {
        ok: false,
        text: `:x: Something went wrong; nothing is reported as done. The error is logged.`,
      };
    }
    deps.metrics.commands.inc({ command: actionId, outcome: outcome.ok ? 'ok' : 'refused' });
    await answer(deps, respond, outcome);
  });
}

export const feature: Feature = {
  name: 'cherrypick',
  register(app, deps) {
    registerCommand(app, deps, spec);
    registerButton(app, deps, ACTIONS.approve, approve);
    registerButton(app, deps, ACTIONS.approveAll, approveAll);
    registerButton(app, deps, ACTIONS.retry, retry);

    app.action<BlockAction<ButtonAction>>(ACTIONS.reject, async ({ ack, body, action, client, respond }) => {
      await ack();
      const ref = refFromValue(deps, action.value);
      const row = ref ? storeOf(deps).get(ref) : undefined;
      if (!ref || !row)
        return answer(deps, respond, {
          ok: false,
          text: 'That button does not name a pull request relbot tracks.',
        });
      if (!(await mayAct(deps, body.user.id)))
        return answer(deps, respond, { ok: false, text: `:no_entry: ${whoCanApprove(deps)}` });
      if (row.state !== 'pending' || row.prState !== 'open')
        return answer(deps, respond, {
          ok: false,
          text: `${escapeEntities(refKey(ref))} is ${row.prState !== 'open' ? row.prState : row.state}; it cannot be rejected now.`,
        });
      try {
        await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(row) as never });
      } catch (err) {
        deps.log.error({ err }, 'could not open the reject modal');
        await answer(deps, respond, {
          ok: false,
          text: 'Slack did not open the form; click *Reject…* again.',
        });
      }
    });

    app.view(REJECT_VIEW, async ({ ack, body, view }) => {
      const reason = (view.state.values[REASON_BLOCK]?.[REASON_ACTION]?.value ?? '').trim();
      const ref = refFromValue(deps, view.private_metadata);
      const user = body.user.id;
      if (!reason)
        return void (await ack({
          response_action: 'errors',
          errors: { [REASON_BLOCK]: 'Give a reason: it is posted on the pull request.' },
        }));
      if (reason.length > REASON_MAX)
        return void (await ack({
          response_action: 'errors',
          errors: { [REASON_BLOCK]: `Keep it under ${REASON_MAX} characters.` },
        }));
      if (!ref)
        return void (await ack({
          response_action: 'errors',
          errors: { [REASON_BLOCK]: 'This form no longer names a pull request.' },
        }));
      if (!(await mayAct(deps, user)))
        return void (await ack({
          response_action: 'errors',
          errors: { [REASON_BLOCK]: truncate(whoCanApprove(deps).replace(/<[^>]*>/g, 'a listed user'), 150) },
        }));
      await ack();
      let outcome: Outcome;
      try {
        outcome = await reject(deps, ref, user, reason);
      } catch (err) {
        deps.log.error({ err, pr: refKey(ref) }, 'cherry-pick rejection failed');
        outcome = {
          ok: false,
          text: ':x: Something went wrong; the rejection is not recorded. The error is logged.',
        };
      }
      deps.metrics.commands.inc({ command: REJECT_VIEW, outcome: outcome.ok ? 'ok' : 'refused' });
      const row = storeOf(deps).get(ref);
      try {
        await deps.outbound.send('chat.postEphemeral', {
          channel: row?.cardChannel ?? channelFor(deps.config, 'cherrypicks'),
          user,
          ...outcomeReply(outcome),
        });
      } catch (err) {
        deps.log.warn({ err }, 'could not tell the rejecter the outcome');
      }
    });
  },
  jobs: (deps) => [defineJob(deps, 'cherrypick-discovery', discover)],
};
