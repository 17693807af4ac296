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
    // A click on the Home tab has no response_url: its answer goes to the home hooks instead.
    if (isHomeClick(body)) await runHomeHooks(deps, { user: ctx.user, answer, log });
    else if (answer && (answer.text || answer.blocks)) await send(respond, answer, log);
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
    await runHomeHooks(deps, { user: ctx.user, log, submitted: spec.callbackId });
  });
}

// ------------------------------------------------------------------ App Home

/**
 * What runs after a click on the Home tab (which has no response_url, so the click's answer is
 * handed over here) and after a modal submission: the home feature republishes that person's Home
 * tab when what it shows changed. Registered per Deps (one relbot), so tests with several apps in
 * one process keep them apart.
 */
export interface HomeHookContext {
  user: string;
  /** The click's answer (Approve's outcome, …), absent for a modal submission. */
  answer?: ActionAnswer;
  /** The callback_id of the submitted modal. */
  submitted?: string;
  log: Logger;
}
export type HomeHook = (ctx: HomeHookContext) => Promise<void>;

const homeHooks = new WeakMap<object, HomeHook[]>();

export function afterHomeInteraction(deps: Deps, hook: HomeHook): void {
  homeHooks.set(deps, [...(homeHooks.get(deps) ?? []), hook]);
}

function isHomeClick(body: BlockAction<ButtonAction>): boolean {
  return (body.view as { type?: string } | undefined)?.type === 'home' && !body.response_url;
}

async function runHomeHooks(deps: Deps, ctx: HomeHookContext): Promise<void> {
  for (const hook of homeHooks.get(deps) ?? []) {
    try {
      await hook(ctx);
    } catch (err) {
      ctx.log.warn({ err }, 'could not refresh the Home tab after an interaction');
    }
  }
}

// ------------------------------------------------------------------ events

export interface EventContext<E> {
  event: E;
  deps: Deps;
  log: Logger;
}

export interface EventSpec<E> {
  feature: string;
  /** The Events API event type, e.g. `app_home_opened`. */
  event: string;
  /** Runs once Bolt has acked the event (Slack retries an event that is not acked in 3 s). */
  run(ctx: EventContext<E>): Promise<'ok' | 'ignored' | undefined>;
}

/**
 * An Events API listener, registered like buttons and modals: Bolt acks the event before any
 * listener runs; this logs with a `feature` logger and counts the outcome in
 * `relbot_commands_total{command="event:<type>"}`. A failure is logged, never thrown at Bolt.
 */
export function registerEvent<E = Record<string, unknown>>(app: App, deps: Deps, spec: EventSpec<E>): void {
  const log = deps.log.child({ feature: spec.feature });
  const name = `event:${spec.event}`;
  app.event(spec.event, async ({ event }) => {
    let outcome: string;
    try {
      outcome = (await spec.run({ event: event as unknown as E, deps, log })) ?? 'ok';
    } catch (err) {
      log.error({ err, event: spec.event }, 'an event listener failed');
      outcome = 'error';
    }
    deps.metrics.commands.inc({ command: name, outcome });
  });
}
