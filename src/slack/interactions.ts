import type { App, BlockAction, ButtonAction, RespondArguments, RespondFn, ViewOutput } from '@slack/bolt';
import type { Deps } from '../deps';
import { UserError } from '../errors';
import type { Logger } from '../log';
import { errorReply, type Reply } from './command';

/**
 * Buttons and modals are registered here, the way slash commands are in `command.ts`: one place
 * acks, turns a `UserError` into an ephemeral answer, counts the outcome in
 * `relbot_commands_total{command=<name>}` and logs with a `feature` child logger. A feature's
 * `commands/<name>.ts` says only what a click or a submission means.
 */

export interface ActionContext {
  user: string;
  /** The channel the clicked message is in (absent for modals and App Home). */
  channel?: string;
  /** The clicked element's `value`. */
  value?: string;
  actionId: string;
  triggerId: string;
  body: BlockAction<ButtonAction>;
  deps: Deps;
  log: Logger;
}

/** What a click answers: an ephemeral message (optionally replacing the clicked one), or nothing. */
export interface ActionAnswer extends Reply {
  /** Replace the clicked message instead of adding one (Slack's `replace_original`). */
  replace?: boolean;
  /** How the click is counted in `relbot_commands_total` (default `ok`). */
  outcome?: 'ok' | 'refused' | 'bad_input' | 'error';
}

export interface ActionSpec {
  feature: string;
  /** The `action_id` (or a pattern of them) this handler answers. */
  actionId: string | RegExp;
  /** Name in metrics and logs; defaults to the action_id. */
  name?: string;
  /** Answer for an unexpected failure (nothing is reported as done). */
  failure?: string;
  /** Runs after the ack; its answer goes to the clicker through response_url. */
  run(ctx: ActionContext): Promise<ActionAnswer | undefined>;
}

const FAILURE = ':x: Something went wrong; nothing is reported as done. The error is logged.';

export function registerAction(app: App, deps: Deps, spec: ActionSpec): void {
  const fixedName = spec.name ?? (typeof spec.actionId === 'string' ? spec.actionId : undefined);
  const log = deps.log.child({ feature: spec.feature });
  app.action<BlockAction<ButtonAction>>(spec.actionId, async ({ ack, body, action, respond }) => {
    await ack();
    const name = fixedName ?? action.action_id;
    const ctx: ActionContext = {
      user: body.user.id,
      channel: body.channel?.id,
      value: action.value,
      actionId: action.action_id,
      triggerId: body.trigger_id,
      body,
      deps,
      log,
    };
    let answer: ActionAnswer | undefined;
    try {
      answer = await spec.run(ctx);
    } catch (err) {
      if (err instanceof UserError)
        answer = { ...errorReply(err.message, undefined, err.hint), outcome: 'refused' };
      else {
        log.error({ err, action: name }, 'a button failed');
        answer = { ...errorReply(spec.failure ?? FAILURE), outcome: 'error' };
      }
    }
    deps.metrics.commands.inc({ command: name, outcome: answer?.outcome ?? 'ok' });
    if (answer && (answer.text || answer.blocks)) await send(respond, answer, log);
  });
}

async function send(respond: RespondFn, answer: ActionAnswer, log: Logger): Promise<void> {
  const { replace, outcome: _o, afterAck: _a, ...reply } = answer;
  try {
    await respond({
      response_type: 'ephemeral',
      ...reply,
      replace_original: replace ?? false,
    } as RespondArguments);
  } catch (err) {
    log.warn({ err }, 'could not answer a button');
  }
}

export interface ViewContext {
  user: string;
  view: ViewOutput;
  /** `view.private_metadata`. */
  metadata: string;
  deps: Deps;
  log: Logger;
}

/**
 * What a submission answers, in the ack: field errors keep the modal open (keyed by block_id);
 * otherwise the modal closes and `after` runs once the ack has gone.
 */
export type ViewAnswer =
  | { errors: Record<string, string>; outcome?: 'bad_input' | 'refused' | 'error' }
  | {
      errors?: undefined;
      outcome?: 'ok' | 'refused' | 'error';
      after?: () => Promise<'ok' | 'refused' | undefined>;
    };

export interface ViewSpec {
  feature: string;
  callbackId: string;
  /** Block that carries an unexpected failure's message when it happens before the ack. */
  errorBlock: string;
  submit(ctx: ViewContext): Promise<ViewAnswer>;
}

export function registerView(app: App, deps: Deps, spec: ViewSpec): void {
  const log = deps.log.child({ feature: spec.feature });
  app.view(spec.callbackId, async ({ ack, body, view }) => {
    const ctx: ViewContext = { user: body.user.id, view, metadata: view.private_metadata ?? '', deps, log };
    let answer: ViewAnswer;
    try {
      answer = await spec.submit(ctx);
    } catch (err) {
      if (err instanceof UserError)
        answer = { errors: { [spec.errorBlock]: err.message }, outcome: 'refused' };
      else {
        log.error({ err, view: spec.callbackId }, 'a modal submission failed');
        answer = {
          errors: { [spec.errorBlock]: 'Saving failed on our side; nothing was saved. Please try again.' },
          outcome: 'error',
        };
      }
    }
    if (answer.errors) {
      deps.metrics.commands.inc({ command: spec.callbackId, outcome: answer.outcome ?? 'bad_input' });
      await ack({ response_action: 'errors', errors: answer.errors });
      return;
    }
    await ack();
    try {
      const outcome = (await answer.after?.()) ?? answer.outcome ?? 'ok';
      deps.metrics.commands.inc({ command: spec.callbackId, outcome });
    } catch (err) {
      deps.metrics.commands.inc({ command: spec.callbackId, outcome: 'error' });
      log.error({ err, view: spec.callbackId }, 'work after a modal submission failed');
    }
  });
}
