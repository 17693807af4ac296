import type { App } from '@slack/bolt';
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
  assertKnownBranch,
  confirmFreeze,
  confirmUnfreeze,
  cpConfig,
  discover,
  FREEZE_ACTIONS,
  FREEZE_PREVIEW_ACTION,
  frozenOf,
  gatesOf,
  isDryRun,
  LookupError,
  lookup,
  mayAct,
  muteBranch,
  notAnApproverPlain,
  type Outcome,
  previewFreeze,
  previewUnfreeze,
  reject,
  retry,
  safeDeadline,
  storeOf,
  watchedRepo,
  watchedRepos,
  whoCanApprove,
} from '../src/cherrypicks/service';
import type { Deps } from '../src/deps';
import { channelFor } from '../src/deps';
import { UserError } from '../src/errors';
import type { Feature } from '../src/feature';
import { defineJob } from '../src/jobs/runner';
import { channelRef, cut, cutMrkdwn, LIMITS, type Message, section } from '../src/slack/blocks';
import {
  type CommandContext,
  type CommandSpec,
  type Reply,
  registerCommand,
  type Subcommand,
} from '../src/slack/command';
import { escapeEntities } from '../src/slack/escape';
import { type ActionAnswer, registerAction, registerView, type ViewAnswer } from '../src/slack/interactions';

/**
 * `/cherrypick`, the whole Slack surface of cherry-picks: look up a PR (and post its card), list
 * pending picks, show a PR's audit trail; the card's buttons (Approve, Approve all, Retry, and
 * Reject… which opens the reject modal), the modal's submission, and the discovery job. The
 * feature (src/cherrypicks/) returns outcomes and typed errors; this file turns them into answers.
 */

const FEATURE = 'cherrypick';

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
          deadline: safeDeadline(ctx.deps, row.base),
          timezone: await ctx.deps.directory.timeZone(ctx.user, ctx.deps.config.timezone),
          frozen: frozenOf(ctx.deps, ref),
        });
        const channel = row.cardChannel ?? channelFor(ctx.deps.config, 'cherrypicks');
        const intro = `The card for ${escapeEntities(refKey(ref))} is in ${channelRef(channel)}; approve or reject it there.`;
        return {
          response_type: 'ephemeral',
          text: `${intro}\n${card.text}`,
          blocks: [section(intro), ...card.blocks.filter((b) => b.type !== 'actions')],
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
            `\`${escapeEntities(cut(normalizeBranch(ctx.args[0]!), 60))}\` is not a release branch.`,
            'Use a branch such as `release-1.36` (or just `1.36`).',
          );
        // A typo must not read as "nothing waiting": a branch relbot does not know is an error.
        if (branch) assertKnownBranch(ctx.deps, branch);
        // Kept for the rest of the minute while no pick changes, so asking again is answered in the ack.
        const stamp = ctx.deps.answers.stamp('cherrypicks');
        const now = ctx.deps.clock.now();
        const rows = storeOf(ctx.deps)
          .pending(branch)
          .map((row) => ({ row, gates: gatesOf(ctx.deps, row.snapshot) }));
        const github = { repos: watchedRepos(ctx.deps), unapprovedLabel: cpConfig(ctx.deps).unapprovedLabel };
        const reply: Reply = { response_type: 'ephemeral', ...renderList(rows, { now, branch, github }) };
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
    ...freezeSubcommands(),
  ],
};

// ------------------------------------------------------- patch-cut freeze and ready notices

/** `freeze`, `unfreeze`, `mute`, `unmute` (release managers): each answers privately. */
function freezeSubcommands(): Subcommand[] {
  const ephemeral = (m: Message): Reply => ({ response_type: 'ephemeral', ...m });
  return [
    {
      name: 'freeze',
      usage: 'freeze release-1.XX',
      summary:
        'release managers, before a patch cut: preview, then remove the approval label from picks not ready to merge',
      run: async (ctx) => ephemeral(await previewFreeze(ctx.deps, ctx.user, ctx.args)),
    },
    {
      name: 'unfreeze',
      usage: 'unfreeze release-1.XX',
      summary:
        'release managers, after the cut: put the label back on exactly the picks the freeze removed it from',
      run: async (ctx) => ephemeral(await previewUnfreeze(ctx.deps, ctx.user, ctx.args)),
    },
    {
      name: 'mute',
      usage: 'mute release-1.XX',
      summary: 'release managers: stop the ready-for-approval notices for a branch',
      run: async (ctx) => ephemeral(say(await muteBranch(ctx.deps, ctx.user, ctx.args, true))),
    },
    {
      name: 'unmute',
      usage: 'unmute release-1.XX',
      summary: "release managers: turn a branch's ready-for-approval notices on again",
      run: async (ctx) => ephemeral(say(await muteBranch(ctx.deps, ctx.user, ctx.args, false))),
    },
  ];
}

/** The freeze preview's buttons: Confirm (freeze or unfreeze) answers with what was done; Cancel replaces the preview. */
function registerFreezeButtons(app: App, deps: Deps): void {
  const confirm = (
    actionId: string,
    run: (deps: Deps, user: string, previewId: string) => Promise<Outcome>,
  ) =>
    registerAction(app, deps, {
      feature: FEATURE,
      actionId,
      async run(ctx) {
        if (!ctx.value || ctx.value.length > 64)
          return { ...say('That button does not name a freeze preview.'), outcome: 'bad_input' };
        return outcomeAnswer(await run(ctx.deps, ctx.user, ctx.value));
      },
    });
  confirm(FREEZE_ACTIONS.confirm, confirmFreeze);
  confirm(FREEZE_ACTIONS.unfreezeConfirm, confirmUnfreeze);
  // The patch-cut reminder's "Preview … freeze": the same preview as `/cherrypick freeze`, for the clicker.
  registerAction(app, deps, {
    feature: FEATURE,
    actionId: FREEZE_PREVIEW_ACTION,
    name: 'cherrypick_freeze_preview',
    run: async (ctx) => ({ ...(await previewFreeze(ctx.deps, ctx.user, [ctx.value ?? ''])) }),
  });
  registerAction(app, deps, {
    feature: FEATURE,
    actionId: FREEZE_ACTIONS.cancel,
    run: async () => ({ ...say('Cancelled. Nothing was changed.'), replace: true }),
  });
}

/** The branch `list` names: undefined for all branches, null when the words are not one release branch. */
function listBranch(ctx: CommandContext): string | undefined | null {
  if (ctx.args.length > 1) return null;
  if (!ctx.args[0]) return undefined;
  const branch = normalizeBranch(ctx.args[0]);
  return new RegExp(cpConfig(ctx.deps).branchPattern).test(branch) ? branch : null;
}

/** Why Reject… does nothing on a pick that is not pending, in the tense of what happened. */
function notRejectable(prState: string, state: string, shown: string): string {
  if (prState !== 'open') return `${shown} was ${prState}, so there is nothing left to reject.`;
  const past: Record<string, string> = {
    approved: 'was already approved',
    rejected: 'was already rejected',
    approving: 'is being approved right now',
    rejecting: 'is being rejected right now',
  };
  if (state === 'failed') return `The last attempt on ${shown} failed. Use *Retry* on its card to finish it.`;
  return `${shown} ${past[state] ?? `is ${state}`}, so it cannot be rejected now.`;
}

/** An ephemeral answer: the mrkdwn text, in one section. */
function say(mrkdwnText: string): Message {
  const text = cutMrkdwn(mrkdwnText, LIMITS.sectionText);
  return { text, blocks: [section(text)] };
}

/** A decision's outcome as the clicker's answer, counted `ok` or `refused`. */
const outcomeAnswer = (o: Outcome): ActionAnswer => ({ ...say(o.text), outcome: o.ok ? 'ok' : 'refused' });

/** The PR a button (or the modal's metadata) names, if it is one relbot watches. */
function refFromValue(deps: Deps, value: string | undefined): PrRef | undefined {
  const ref = value ? keyToRef(value) : undefined;
  return ref && watchedRepo(deps, ref.owner, ref.repo) ? ref : undefined;
}

type Decision = (deps: Deps, ref: PrRef, user: string) => Promise<Outcome>;

/** A card button that decides at once (Approve, Approve all, Retry); the outcome is the answer. */
function registerDecision(app: App, deps: Deps, actionId: string, decide: Decision): void {
  registerAction(app, deps, {
    feature: FEATURE,
    actionId,
    async run(ctx) {
      const ref = refFromValue(ctx.deps, ctx.value);
      if (!ref)
        return { ...say('That button does not name a pull request relbot watches.'), outcome: 'bad_input' };
      try {
        return outcomeAnswer(await decide(ctx.deps, ref, ctx.user));
      } catch (err) {
        ctx.log.error({ err, action: actionId, pr: refKey(ref) }, 'cherry-pick button failed');
        return outcomeAnswer({
          ok: false,
          text: ':x: Something went wrong; nothing is reported as done. The error is logged.',
        });
      }
    },
  });
}

/**
 * Reject…: opens the reject modal for an approver while the pick is pending. Counted as
 * `cherrypick_reject_open`, apart from the modal's submissions (callback id `cherrypick_reject`).
 */
function registerRejectButton(app: App, deps: Deps): void {
  registerAction(app, deps, {
    feature: FEATURE,
    actionId: ACTIONS.reject,
    name: `${ACTIONS.reject}_open`,
    async run(ctx) {
      const ref = refFromValue(ctx.deps, ctx.value);
      const row = ref ? storeOf(ctx.deps).get(ref) : undefined;
      if (!ref || !row)
        return { ...say('That button does not name a pull request relbot tracks.'), outcome: 'bad_input' };
      if (!(await mayAct(ctx.deps, ctx.user)))
        return { ...say(`:no_entry: ${whoCanApprove(ctx.deps)}`), outcome: 'refused' };
      if (row.state !== 'pending' || row.prState !== 'open')
        return {
          ...say(notRejectable(row.prState, row.state, escapeEntities(refKey(ref)))),
          outcome: 'refused',
        };
      try {
        await ctx.deps.slack.views.open({ trigger_id: ctx.triggerId, view: rejectModal(row) });
      } catch (err) {
        ctx.log.error({ err }, 'could not open the reject modal');
        return { ...say('Slack did not open the form; click *Reject…* again.'), outcome: 'error' };
      }
      return undefined;
    },
  });
}

/**
 * The reject modal: a missing, overlong or unauthorised reason is answered on the field in the
 * ack; a valid one closes the modal, rejects, and tells the rejecter the outcome ephemerally.
 */
function registerRejectModal(app: App, deps: Deps): void {
  const fieldError = (text: string, outcome: 'bad_input' | 'refused' = 'bad_input'): ViewAnswer => ({
    errors: { [REASON_BLOCK]: text },
    outcome,
  });
  registerView(app, deps, {
    feature: FEATURE,
    callbackId: REJECT_VIEW,
    errorBlock: REASON_BLOCK,
    async submit({ view, metadata, user, deps, log }) {
      const reason = (view.state.values[REASON_BLOCK]?.[REASON_ACTION]?.value ?? '').trim();
      const ref = refFromValue(deps, metadata);
      if (!reason) return fieldError('Give a reason: it is posted on the pull request.');
      if (reason.length > REASON_MAX) return fieldError(`Keep it under ${REASON_MAX} characters.`);
      if (!ref) return fieldError('This form no longer names a pull request.');
      if (!(await mayAct(deps, user))) return fieldError(notAnApproverPlain, 'refused');
      return {
        async after() {
          let outcome: Outcome;
          try {
            outcome = await reject(deps, ref, user, reason);
          } catch (err) {
            log.error({ err, pr: refKey(ref) }, 'cherry-pick rejection failed');
            outcome = {
              ok: false,
              text: ':x: Something went wrong; the rejection is not recorded. The error is logged.',
            };
          }
          const row = storeOf(deps).get(ref);
          try {
            await deps.outbound.send('chat.postEphemeral', {
              channel: row?.cardChannel ?? channelFor(deps.config, 'cherrypicks'),
              user,
              ...say(outcome.text),
            });
          } catch (err) {
            log.warn({ err }, 'could not tell the rejecter the outcome');
          }
          return outcome.ok ? 'ok' : 'refused';
        },
      };
    },
  });
}

export const feature: Feature = {
  name: FEATURE,
  register(app, deps) {
    registerCommand(app, deps, spec);
    registerDecision(app, deps, ACTIONS.approve, approve);
    registerDecision(app, deps, ACTIONS.approveAll, approveAll);
    registerDecision(app, deps, ACTIONS.retry, retry);
    registerRejectButton(app, deps);
    registerRejectModal(app, deps);
    registerFreezeButtons(app, deps);
  },
  jobs: (deps) => [defineJob(deps, 'cherrypick-discovery', discover)],
};
