import type { App, BlockAction, ButtonAction, RespondArguments, RespondFn } from '@slack/bolt';
import type { Deps } from '../src/deps';
import type { Feature } from '../src/feature';
import { defineJob } from '../src/jobs/runner';
import { ACTION, CALLBACK_APPLICATION } from '../src/shadows/blocks';
import { type ViewStateValues, validateApplication } from '../src/shadows/rules';
import {
  afterSave,
  announceCommand,
  canReview,
  checkCanApply,
  closeCommand,
  type DecisionRequest,
  decideCommand,
  importCommand,
  openApplicationModal,
  openCycle,
  publishCommand,
  renderReview,
  requireRole,
  reviewCommand,
  rosterCommand,
  runCloseJob,
  saveApplication,
  statusCommand,
  store,
  withdrawCommand,
} from '../src/shadows/service';
import { type CommandSpec, errorReply, registerCommand, UserError } from '../src/slack/command';

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
      run: (ctx) => statusCommand(ctx.deps, ctx.user),
    },
    {
      name: 'withdraw',
      usage: 'withdraw',
      summary: 'withdraw your application (until applications close)',
      run: (ctx) => withdrawCommand(ctx.deps, ctx.user),
    },
    {
      name: 'review',
      usage: 'review <role> [page]',
      summary:
        "role leads, the Release Team Lead and admins: a role's applicants with Accept / Waitlist / Decline",
      run: (ctx) => reviewCommand(ctx.deps, ctx.user, ctx.args),
    },
    {
      name: 'publish',
      usage: 'publish',
      summary: 'Release Team Lead: publish the decisions (each applicant gets a DM, once)',
      run: (ctx) => publishCommand(ctx.deps, ctx.user),
    },
    {
      name: 'roster',
      usage: 'roster [csv]',
      summary: 'the new team as a release-team.md table (or CSV)',
      run: (ctx) => rosterCommand(ctx.deps, ctx.user, ctx.args),
    },
    {
      name: 'open',
      usage: 'open <version> closes <YYYY-MM-DD>',
      summary: 'admins: open applications for a cycle until the end of that day AoE, and announce them',
      run: (ctx) => openCycle(ctx.deps, ctx.user, ctx.args),
    },
    {
      name: 'close',
      usage: 'close',
      summary: 'admins: close applications now and post the per-role counts',
      run: (ctx) => closeCommand(ctx.deps, ctx.user),
    },
    {
      name: 'announce',
      usage: 'announce',
      summary: 'admins: post the announcement with the Apply button (once per cycle)',
      run: (ctx) => announceCommand(ctx.deps, ctx.user),
    },
    {
      name: 'import',
      usage: 'import',
      summary: 'admins: read the configured past rosters to recognise returning applicants',
      run: (ctx) => importCommand(ctx.deps, ctx.user),
    },
  ],
};

function parseValue(raw: string | undefined): DecisionRequest | undefined {
  try {
    const v = JSON.parse(raw ?? '') as { c?: unknown; a?: unknown; r?: unknown; p?: unknown };
    if (typeof v.c !== 'number' || typeof v.r !== 'string') return undefined;
    return {
      cycleId: v.c,
      applicationId: typeof v.a === 'number' ? v.a : 0,
      role: v.r,
      page: typeof v.p === 'number' ? v.p : 1,
    };
  } catch {
    return undefined;
  }
}

async function answer(respond: RespondFn, reply: { text: string; blocks?: unknown[] }, replace: boolean) {
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
        const req = parseValue(action.value);
        if (!req?.applicationId)
          throw new UserError('That button is damaged; run `/shadow review <role>` again.');
        const reply = await decideCommand(deps, body.user.id, req, decision);
        await answer(respond, reply, true);
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
        const req = parseValue(action.value);
        if (!req) throw new UserError('That button is damaged; run `/shadow review <role>` again.');
        const role = requireRole(deps, req.role);
        if (!(await canReview(deps, body.user.id, role)))
          throw new UserError(`You cannot review ${role.name}.`);
        const cycle = store(deps).cycle(req.cycleId);
        if (!cycle) throw new UserError('That application round no longer exists.');
        await answer(respond, renderReview(deps, cycle, role, req.page), true);
      } catch (err) {
        await answerError(deps, respond, err);
      }
    },
  );

  // The application modal: field-level errors in the modal, nothing stored unless all is valid.
  app.view(CALLBACK_APPLICATION, async ({ ack, body, view }) => {
    const user = body.user.id;
    let meta: { cycle?: number; channel?: string | null } = {};
    try {
      meta = JSON.parse(view.private_metadata || '{}') as typeof meta;
    } catch {
      /* treated as missing */
    }
    if (typeof meta.cycle !== 'number') {
      await ack({
        response_action: 'errors',
        errors: { role1: 'This form is damaged; run `/shadow apply` again.' },
      });
      return;
    }
    const valid = validateApplication(
      view.state.values as unknown as ViewStateValues,
      deps.config.shadows.roles.filter((r) => r.capacity > 0),
    );
    if (!valid.ok) {
      await ack({ response_action: 'errors', errors: valid.errors });
      return;
    }
    let saved: ReturnType<typeof saveApplication>;
    try {
      saved = saveApplication(deps, user, meta.cycle, valid.input);
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
