import type { App } from '@slack/bolt';
import type { Deps } from '../src/deps';
import { UserError } from '../src/errors';
import { defineJob, type Job } from '../src/jobs/runner';
import { LEAD_HINT, parseTargetKey } from '../src/schedule/personal';
import {
  addModal,
  LEAD_BLOCK,
  REMIND_ADD_ACTION,
  REMIND_OFF_ACTION,
  REMIND_VIEW,
  TARGET_BLOCK,
  USAGE_LINE,
} from '../src/schedule/personal-render';
import {
  checkSubscription,
  listReminders,
  milestonesOf,
  PERSONAL_JOB,
  runPersonalReminders,
  storeSubscription,
  subscribe,
  unsubscribe,
  unsubscribeById,
} from '../src/schedule/personal-service';
import { isPast } from '../src/schedule/render';
import type { Message } from '../src/slack/blocks';
import type { Reply, Subcommand } from '../src/slack/command';
import { registerAction, registerView, type ViewAnswer } from '../src/slack/interactions';

/**
 * `/schedule remind`: personal reminders as DMs. The subcommand, the Stop / Remove button (on the DM
 * and on the Home tab), the "Add a reminder" button and its modal, and the job that sends the DMs.
 * commands/schedule.ts lists the subcommand and calls `registerPersonalReminders`.
 */

const FEATURE = 'schedule';
const answer = (m: Message): Reply => ({ response_type: 'ephemeral', ...m });

export const remindSubcommand: Subcommand = {
  name: 'remind',
  usage: 'remind <milestone | kind> <lead>',
  summary:
    'DM reminders for yourself, e.g. `/schedule remind code-freeze 2d` or `remind rc 1d`; `remind list` shows yours, `remind off <id | all>` stops them',
  async run({ deps, user, args }) {
    const [first, ...rest] = args;
    const word = first?.toLowerCase();
    if (!word || word === 'list') {
      if (rest.length) throw new UserError('`/schedule remind list` takes no more words.');
      return answer(await listReminders(deps, user));
    }
    if (word === 'off') {
      if (rest.length !== 1)
        throw new UserError(
          'Say which reminder to stop: `/schedule remind off &lt;id&gt;`, a milestone or kind, or `all`.',
          '`/schedule remind list` shows your reminders and their ids.',
        );
      return answer(unsubscribe(deps, user, rest[0]!));
    }
    if (rest.length !== 1)
      throw new UserError(`Give a milestone (or kind) and a lead time. ${USAGE_LINE}`, LEAD_HINT);
    return answer(await subscribe(deps, user, first!, rest[0]!));
  },
};

function registerOffButton(app: App, deps: Deps): void {
  registerAction(app, deps, {
    feature: FEATURE,
    actionId: REMIND_OFF_ACTION,
    async run(ctx) {
      return { ...unsubscribeById(ctx.deps, ctx.user, ctx.value), outcome: 'ok' };
    },
  });
}

function registerAddButton(app: App, deps: Deps): void {
  registerAction(app, deps, {
    feature: FEATURE,
    actionId: REMIND_ADD_ACTION,
    async run(ctx) {
      const now = ctx.deps.clock.now();
      const ahead = milestonesOf(ctx.deps).filter(
        (m) => !isPast(m, now, ctx.deps.config.schedule.allDayZone),
      );
      try {
        await ctx.deps.slack.views.open({ trigger_id: ctx.triggerId, view: addModal(ahead) });
      } catch (err) {
        ctx.log.error({ err }, 'could not open the add-a-reminder modal');
        return { text: 'Slack did not open the form; click *Add a reminder* again.', outcome: 'error' };
      }
      return undefined;
    },
  });
}

/** A lead-time problem goes on the lead field; anything else about the choice on the first field. */
const LEAD_WORDS = /lead time|sooner than/i;

function registerAddModal(app: App, deps: Deps): void {
  registerView(app, deps, {
    feature: FEATURE,
    callbackId: REMIND_VIEW,
    errorBlock: TARGET_BLOCK,
    async submit({ view, user, deps }): Promise<ViewAnswer> {
      const fail = (
        block: string,
        text: string,
        outcome: 'bad_input' | 'refused' = 'bad_input',
      ): ViewAnswer => ({
        errors: { [block]: text },
        outcome,
      });
      const values = view.state.values;
      const key = values[TARGET_BLOCK]?.[TARGET_BLOCK]?.selected_option?.value ?? '';
      const leadWord = (values[LEAD_BLOCK]?.[LEAD_BLOCK]?.value ?? '').trim();
      const target = parseTargetKey(key);
      if (!target) return fail(TARGET_BLOCK, 'Choose what to be reminded of.');
      if (!leadWord) return fail(LEAD_BLOCK, 'Give a lead time, such as 2d.');
      let lead: { lead: string; minutes: number };
      try {
        lead = checkSubscription(deps, target, leadWord);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        // The field's own hint already says what a lead time looks like.
        const hint = err.hint?.startsWith('A lead time') ? '' : (err.hint ?? '');
        const text = `${err.message} ${hint}`.replace(/[*`_]/g, '').trim();
        return fail(LEAD_WORDS.test(text) ? LEAD_BLOCK : TARGET_BLOCK, text);
      }
      try {
        storeSubscription(deps, user, target, lead);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        return fail(TARGET_BLOCK, err.message.replace(/[*`_]/g, ''), 'refused');
      }
      return { outcome: 'ok' };
    },
  });
}

export function registerPersonalReminders(app: App, deps: Deps): void {
  registerOffButton(app, deps);
  registerAddButton(app, deps);
  registerAddModal(app, deps);
}

export const personalReminderJobs = (deps: Deps): Job[] => [
  defineJob(deps, PERSONAL_JOB, runPersonalReminders),
];
