import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { Logger } from '../log';

/**
 * Interactions nobody handles (a button from an old message after an upgrade, a forged payload
 * with a made-up action_id) would otherwise wait out Bolt's 3 s timer and answer 404. relbot
 * records which action_ids and callback_ids its features listen for, and answers the rest at once:
 * an ack, and for a button a short ephemeral note.
 */

type Constraint =
  | string
  | RegExp
  | { action_id?: string | RegExp; callback_id?: string | RegExp; block_id?: string | RegExp; type?: string };

export interface InteractionRegistry {
  actions: Constraint[];
  views: Constraint[];
}

/** Wraps `app` so that the action/view constraints features register are remembered. */
export function recordingApp(app: App, registry: InteractionRegistry): App {
  return new Proxy(app, {
    get(target, prop, receiver) {
      if (prop === 'action' || prop === 'view') {
        const list = prop === 'action' ? registry.actions : registry.views;
        return (constraint: Constraint, ...rest: unknown[]) => {
          list.push(constraint);
          return (target[prop] as (...a: unknown[]) => unknown).call(target, constraint, ...rest);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function matches(value: string | undefined, c: string | RegExp | undefined): boolean {
  if (c === undefined) return true;
  if (value === undefined) return false;
  return typeof c === 'string' ? c === value : c.test(value);
}

function matchesAny(
  list: Constraint[],
  id: string | undefined,
  key: 'action_id' | 'callback_id',
  blockId?: string,
): boolean {
  return list.some((c) => {
    if (typeof c === 'string' || c instanceof RegExp) return matches(id, c);
    return matches(id, c[key as 'action_id']) && (key !== 'action_id' || matches(blockId, c.block_id));
  });
}

export function unhandledInteractionGuard(
  registry: InteractionRegistry,
  log: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as {
      type?: string;
      actions?: Array<{ action_id?: string; block_id?: string }>;
      view?: { callback_id?: string };
      response_url?: string;
    };
    const ack = (args as unknown as { ack?: (r?: unknown) => Promise<void> }).ack;
    if (body.type === 'block_actions') {
      const a = body.actions?.[0];
      if (!a || !matchesAny(registry.actions, a.action_id, 'action_id', a.block_id)) {
        log.warn({ action_id: a?.action_id }, 'unhandled button; acked');
        await ack?.();
        const respond = (args as unknown as { respond?: (m: unknown) => Promise<unknown> }).respond;
        await respond?.({
          response_type: 'ephemeral',
          replace_original: false,
          text: ':warning: relbot does not handle this button any more. Run the command again for a fresh message.',
        }).catch(() => {});
        return;
      }
    } else if (
      ['shortcut', 'message_action', 'block_suggestion', 'interactive_message', 'dialog_submission'].includes(
        String(body.type),
      )
    ) {
      // relbot declares no shortcuts, legacy attachments or dialogs.
      log.warn({ type: body.type }, 'unhandled interaction type; acked');
      await ack?.();
      return;
    } else if (body.type === 'view_submission' || body.type === 'view_closed') {
      if (!matchesAny(registry.views, body.view?.callback_id, 'callback_id')) {
        log.warn({ callback_id: body.view?.callback_id }, 'unhandled modal; acked');
        await ack?.();
        return;
      }
    }
    await args.next();
  };
}
