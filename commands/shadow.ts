import type { App, BlockAction, ButtonAction, RespondArguments, RespondFn } from '@slack/bolt';
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
import { publishDecisions } from '../src/shadows/publish';
import { decideFromButton, reviewPage, reviewRole } from '../src/shadows/review';
import { exportRoster } from '../src/shadows/roster-export';
import type { Message } from '../src/slack/blocks';
import { type CommandSpec, errorReply, type Reply, registerCommand } from '../src/slack/command';

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
              ctx.deps.log.warn({ err }, 'shadows: views.open failed');
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
      summary: 'Release Team Lead: publish the decisions (each applicant gets a DM, once)',
      run: async (ctx) => ephemeral(await publishDecisions(ctx.deps, ctx.user)),
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

async function answer(respond: RespondFn, reply: Reply, replace: boolean) {
  await respond({
    response_type: 'ephemeral',
    replace_original: replace,
    ...reply,
  } as RespondArguments);
}

async function answerError(deps: Deps, respond: RespondFn, err: unknown) {
  const reply =
    err instanceof UserError
      ? errorReply(err.message, undefined, err.hint)
      : errorReply(
          `Sorry, that failed: ${String((err as Error).message).slice(0, 200)}. Try again in a minute.`,
        );
  if (!(err instanceof UserError)) deps.log.error({ err }, 'shadows: interaction failed');
  await answer(respond, reply, false).catch((e) => deps.log.warn({ err: e }, 'shadows: could not answer'));
}

function registerInteractions(app: App, deps: Deps) {
  // The Apply button on the announcement: ack, then open the modal at once (single-use trigger).
  app.action<BlockAction<ButtonAction>>(ACTION.apply, async ({ ack, body, respond }) => {
    await ack();
    const check = checkCanApply(deps, body.user.id);
    if (!check.ok) return answerError(deps, respond, new UserError(check.message));
    try {
      await openApplicationModal(deps, body.user.id, body.trigger_id, check, body.channel?.id);
    } catch (err) {
      await answerError(deps, respond, err);
    }
  });

  const decisions = [
    [ACTION.accept, 'accepted'],
    [ACTION.waitlist, 'waitlisted'],
    [ACTION.decline, 'declined'],
  ] as const;
  for (const [actionId, decision] of decisions) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      try {
        const reply = await decideFromButton(deps, body.user.id, action.value, decision);
        await answer(respond, ephemeral(reply), true);
      } catch (err) {
        await answerError(deps, respond, err);
      }
    });
  }

  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${ACTION.page}_`),
    async ({ ack, body, action, respond }) => {
      await ack();
      try {
        await answer(respond, ephemeral(await reviewPage(deps, body.user.id, action.value)), true);
      } catch (err) {
        await answerError(deps, respond, err);
      }
    },
  );

  // The application modal: field-level errors in the modal, nothing stored unless all is valid.
  app.view(CALLBACK_APPLICATION, async ({ ack, body, view }) => {
    const user = body.user.id;
    let saved: ReturnType<typeof submitApplication>;
    try {
      saved = submitApplication(deps, user, view.private_metadata ?? '', view.state.values);
    } catch (err) {
      deps.log.error({ err, user }, 'shadows: saving an application failed');
      await ack({
        response_action: 'errors',
        errors: { role1: 'Saving failed on our side; nothing was saved. Please try again.' },
      });
      return;
    }
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: saved.errors });
      return;
    }
    await ack();
    await afterSave(deps, user, saved);
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
