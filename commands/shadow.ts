import type { App } from '@slack/bolt';
import type { Deps } from '../src/deps';
import { UserError } from '../src/errors';
import type { Feature } from '../src/feature';
import { defineJob } from '../src/jobs/runner';
import {
  afterSave,
  applicationStatus,
  checkCanApply,
  openApplicationModal,
  submitApplication,
  withdrawApplication,
} from '../src/shadows/applications';
import { ACTION, CALLBACK_APPLICATION } from '../src/shadows/blocks';
import { closeNow, openCycle, postAnnouncement, runCloseJob } from '../src/shadows/cycle';
import { importConfiguredRosters } from '../src/shadows/past-rosters';
import { declineUndecidedAndPublish, publishDecisions } from '../src/shadows/publish';
import { ACTION_DECLINE_UNDECIDED } from '../src/shadows/publish-blocks';
import { decideFromButton, reviewPage, reviewRole } from '../src/shadows/review';
import { exportRoster } from '../src/shadows/roster-export';
import { FIELD } from '../src/shadows/rules';
import { confirmPrs, previewFromButton, previewPrs } from '../src/shadows/write-back';
import { ACTION_PRS } from '../src/shadows/write-back-blocks';
import type { Message } from '../src/slack/blocks';
import { type CommandSpec, errorReply, type Reply, registerCommand } from '../src/slack/command';
import { registerAction, registerView } from '../src/slack/interactions';

/** An answer only the asker sees. */
const ephemeral = (m: Message): Reply => ({ response_type: 'ephemeral', ...m });

/**
 * `/shadow`: Release Team shadow applications. Admins open and close a cycle; contributors apply
 * through a modal; role leads review and decide with buttons; the Release Team Lead publishes; the
 * roster comes out in the release-team.md format.
 */
export const spec: CommandSpec = {
  command: '/shadow',
  summary: 'Release Team shadow applications and selection',
  subcommands: [
    {
      name: 'apply',
      usage: 'apply',
      summary: 'apply to shadow a role (up to 2 roles), or edit your application',
      async run(ctx) {
        const check = checkCanApply(ctx.deps, ctx.user);
        if (!check.ok) throw new UserError(check.message);
        return {
          text: '',
          afterAck: async () => {
            try {
              await openApplicationModal(ctx.deps, ctx.user, ctx.triggerId, check, ctx.channel);
              return undefined;
            } catch (err) {
              ctx.log.warn({ err }, 'shadows: views.open failed');
              return errorReply(
                `The application form could not be opened (${String((err as Error).message).slice(0, 100)}). Please run \`/shadow apply\` again.`,
              );
            }
          },
        };
      },
    },
    {
      name: 'status',
      usage: 'status',
      summary: 'your application and, once published, its outcome',
      run: async (ctx) => ephemeral(await applicationStatus(ctx.deps, ctx.user)),
    },
    {
      name: 'withdraw',
      usage: 'withdraw',
      summary: 'withdraw your application (until applications close)',
      run: async (ctx) => ephemeral(await withdrawApplication(ctx.deps, ctx.user)),
    },
    {
      name: 'review',
      usage: 'review <role> [page]',
      summary:
        "role leads, the Release Team Lead and admins: a role's applicants with Accept / Waitlist / Decline",
      run: async (ctx) => ephemeral(await reviewRole(ctx.deps, ctx.user, ctx.args)),
    },
    {
      name: 'publish',
      usage: 'publish',
      summary:
        'Release Team Lead: publish the decisions (each applicant gets one DM); first shows anyone still undecided',
      run: async (ctx) => ephemeral(await publishDecisions(ctx.deps, ctx.user)),
    },
    {
      name: 'prs',
      usage: 'prs [dry-run]',
      summary:
        'Release Team Lead, after publish: preview, then open or update, the release-team.md and user-group pull requests (`dry-run` writes nothing)',
      run: async (ctx) => ephemeral(await previewPrs(ctx.deps, ctx.user, ctx.args)),
    },
    {
      name: 'roster',
      usage: 'roster [csv]',
      summary: 'the new team as a release-team.md table (or CSV)',
      run: async (ctx) => ephemeral(await exportRoster(ctx.deps, ctx.user, ctx.args)),
    },
    {
      name: 'open',
      usage: 'open <version> closes <YYYY-MM-DD>',
      summary: 'admins: open applications for a cycle until the end of that day AoE, and announce them',
      run: async (ctx) => ephemeral(await openCycle(ctx.deps, ctx.user, ctx.args)),
    },
    {
      name: 'close',
      usage: 'close',
      summary: 'admins: close applications now and post the per-role counts',
      run: async (ctx) => ephemeral(await closeNow(ctx.deps, ctx.user)),
    },
    {
      name: 'announce',
      usage: 'announce',
      summary: 'admins: post the announcement with the Apply button (once per cycle)',
      run: async (ctx) => ephemeral(await postAnnouncement(ctx.deps, ctx.user)),
    },
    {
      name: 'import',
      usage: 'import',
      summary: 'admins: read the configured past rosters to recognise returning applicants',
      run: async (ctx) => ephemeral(await importConfiguredRosters(ctx.deps, ctx.user)),
    },
  ],
};

const DECISIONS = [
  [ACTION.accept, 'accepted'],
  [ACTION.waitlist, 'waitlisted'],
  [ACTION.decline, 'declined'],
] as const;

/** The buttons and the modal that /shadow's messages carry. */
function registerInteractions(app: App, deps: Deps) {
  // The Apply button on the announcement: acked, then the modal opens at once (single-use trigger).
  registerAction(app, deps, {
    feature: 'shadow',
    actionId: ACTION.apply,
    async run(ctx) {
      const check = checkCanApply(ctx.deps, ctx.user);
      if (!check.ok) throw new UserError(check.message);
      await openApplicationModal(ctx.deps, ctx.user, ctx.triggerId, check, ctx.channel);
      return undefined;
    },
  });

  // Accept / Waitlist / Decline: the review is redrawn in place with a notice on top.
  for (const [actionId, decision] of DECISIONS)
    registerAction(app, deps, {
      feature: 'shadow',
      actionId,
      async run(ctx) {
        return {
          ...ephemeral(await decideFromButton(ctx.deps, ctx.user, ctx.value, decision)),
          replace: true,
        };
      },
    });

  // Previous / Next on a review (shadow_review_page_prev, _next).
  registerAction(app, deps, {
    feature: 'shadow',
    actionId: new RegExp(`^${ACTION.page}_`),
    name: ACTION.page,
    async run(ctx) {
      return { ...ephemeral(await reviewPage(ctx.deps, ctx.user, ctx.value)), replace: true };
    },
  });

  // "Decline the undecided and publish" under the pre-publish check (behind Slack's confirm dialog).
  registerAction(app, deps, {
    feature: 'shadow',
    actionId: ACTION_DECLINE_UNDECIDED,
    async run(ctx) {
      return {
        ...ephemeral(await declineUndecidedAndPublish(ctx.deps, ctx.user, ctx.value)),
        replace: true,
      };
    },
  });

  // The roster and user-group pull requests: preview and dry run (publish answer, preview), and
  // Confirm / Retry (behind Slack's confirm dialog), answered in place of the clicked message.
  for (const [actionId, dryRun] of [
    [ACTION_PRS.preview, false],
    [ACTION_PRS.dryRun, true],
  ] as const)
    registerAction(app, deps, {
      feature: 'shadow',
      actionId,
      async run(ctx) {
        return ephemeral(await previewFromButton(ctx.deps, ctx.user, ctx.value, dryRun));
      },
    });
  registerAction(app, deps, {
    feature: 'shadow',
    actionId: ACTION_PRS.confirm,
    failure:
      ':x: Something went wrong while writing the pull requests. Run `/shadow prs` to see where they stand; running it again finishes what is missing.',
    async run(ctx) {
      return { ...ephemeral(await confirmPrs(ctx.deps, ctx.user, ctx.value)), replace: true };
    },
  });

  // The application modal: field errors keep it open, nothing is stored unless all is valid.
  registerView(app, deps, {
    feature: 'shadow',
    callbackId: CALLBACK_APPLICATION,
    errorBlock: FIELD.role1,
    async submit(ctx) {
      const saved = submitApplication(ctx.deps, ctx.user, ctx.metadata, ctx.view.state.values);
      if (!saved.ok) return { errors: saved.errors };
      return {
        after: async () => {
          await afterSave(ctx.deps, ctx.user, saved);
          return 'ok';
        },
      };
    },
  });
}

export const feature: Feature = {
  name: 'shadow',
  register(app, deps) {
    registerCommand(app, deps, spec);
    registerInteractions(app, deps);
  },
  jobs: (deps) => [defineJob(deps, 'shadows-close', (d) => runCloseJob(d))],
};
