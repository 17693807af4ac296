// The Slack emulator's App Home: views.publish as real Slack checks it, and the published Home tab of each user.
import { randomBytes } from 'node:crypto';
import { validateHomeView } from './blockkit';
import { SlackApiError, type SlackWorkspace } from './store';

export interface HomeTab {
  id: string;
  user: string;
  view: Record<string, unknown>;
  hash: string;
  /** How many times it was published. */
  publishes: number;
}

const homes = new WeakMap<SlackWorkspace, Map<string, HomeTab>>();

function tabsOf(ws: SlackWorkspace): Map<string, HomeTab> {
  let m = homes.get(ws);
  if (!m) {
    m = new Map();
    homes.set(ws, m);
  }
  return m;
}

/** The Home tab published for `user`, if any. */
export function homeTab(ws: SlackWorkspace, user: string): HomeTab | undefined {
  return tabsOf(ws).get(user);
}

/**
 * views.publish (https://docs.slack.dev/reference/methods/views.publish): `user_id` must be a user
 * of the workspace (user_not_found), the view a valid `home` view (invalid_arguments, with the
 * problems in response_metadata.messages, as for modals), and a `hash`, when given, the hash of the
 * view now published (hash_conflict otherwise).
 */
export function viewsPublish(ws: SlackWorkspace, a: Record<string, unknown>): Record<string, unknown> {
  const user = a.user_id;
  if (typeof user !== 'string' || !ws.users.has(user) || ws.users.get(user)?.is_bot)
    throw new SlackApiError('user_not_found');
  let view = a.view;
  if (typeof view === 'string') {
    try {
      view = JSON.parse(view) as unknown;
    } catch {
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: ['view: invalid JSON'] },
      });
    }
  }
  const errors = validateHomeView(view);
  if (errors.length) {
    ws.violations.push({ method: 'views.publish', errors });
    throw new SlackApiError('invalid_arguments', { response_metadata: { messages: errors } });
  }
  const tabs = tabsOf(ws);
  const current = tabs.get(user);
  if (a.hash !== undefined && a.hash !== '' && a.hash !== current?.hash)
    throw new SlackApiError('hash_conflict');
  const tab: HomeTab = {
    id: current?.id ?? `V${randomBytes(5).toString('hex').toUpperCase()}`,
    user,
    view: view as Record<string, unknown>,
    hash: `${Date.now()}.${randomBytes(4).toString('hex')}`,
    publishes: (current?.publishes ?? 0) + 1,
  };
  tabs.set(user, tab);
  return { ok: true, view: { id: tab.id, hash: tab.hash, ...tab.view } };
}
