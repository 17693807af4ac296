// The Slack emulator's Web API methods (chat.*, conversations.*, users.*, usergroups.*, views.*, auth and apps), with Block Kit checks.
import { randomBytes } from 'node:crypto';
import { validateMessage, validateView } from './blockkit';
import { callFilesMethod } from './files';
import {
  BOT_ID,
  BOT_USER,
  type OpenView,
  SlackApiError,
  type SlackMessage,
  type SlackWorkspace,
  TEAM,
} from './store';
import { viewsPublish } from './views';

type Args = Record<string, unknown>;

function checkMessage(ws: SlackWorkspace, method: string, args: { text?: unknown; blocks?: unknown }) {
  const errors = validateMessage(args);
  if (errors.length) {
    ws.violations.push({ method, errors });
    throw new SlackApiError('invalid_blocks', { response_metadata: { messages: errors } });
  }
}

function checkView(ws: SlackWorkspace, method: string, view: unknown) {
  const errors = validateView(view);
  if (errors.length) {
    ws.violations.push({ method, errors });
    throw new SlackApiError('invalid_arguments', { response_metadata: { messages: errors } });
  }
}

/** A channel id as Slack resolves it: a user id becomes the DM with them; unknown ids throw channel_not_found. */
function resolveChannel(ws: SlackWorkspace, channel: unknown): string {
  if (typeof channel !== 'string' || !channel) throw new SlackApiError('channel_not_found');
  if (/^[UW]/.test(channel)) {
    if (!ws.users.has(channel)) throw new SlackApiError('channel_not_found');
    return `D${channel.slice(1)}`;
  }
  if (/^[CGD]/.test(channel)) {
    if (channel.startsWith('D') || ws.channels.has(channel)) return channel;
  }
  throw new SlackApiError('channel_not_found');
}

/** Runs one Web API method against the workspace; throws SlackApiError for an `ok: false` answer. */
export function callMethod(ws: SlackWorkspace, method: string, a: Args): Record<string, unknown> {
  switch (method) {
    case 'api.test':
      return { ok: true };
    case 'auth.test':
      return {
        ok: true,
        url: 'https://sig-release.slack.example/',
        team: 'SIG Release',
        user: 'relbot',
        team_id: TEAM,
        user_id: BOT_USER,
        bot_id: BOT_ID,
      };
    case 'apps.connections.open': {
      return {
        ok: true,
        url: `${ws.url.replace('http', 'ws')}/socket?ticket=${randomBytes(4).toString('hex')}`,
      };
    }
    case 'chat.postMessage': {
      const channel = resolveChannel(ws, a.channel);
      checkMessage(ws, method, a);
      const msg: SlackMessage = {
        channel,
        ts: ws.nextTs(),
        text: a.text as string | undefined,
        blocks: a.blocks as unknown[] | undefined,
        metadata: a.metadata as SlackMessage['metadata'],
        thread_ts: a.thread_ts as string | undefined,
        user: BOT_USER,
        edits: 0,
      };
      ws.messages.push(msg);
      return { ok: true, channel, ts: msg.ts, message: { ...msg, bot_id: BOT_ID, type: 'message' } };
    }
    case 'chat.update': {
      const channel = resolveChannel(ws, a.channel);
      const msg = ws.messages.find((m) => m.channel === channel && m.ts === a.ts && !m.ephemeralTo);
      if (!msg) throw new SlackApiError('message_not_found');
      checkMessage(ws, method, a);
      if (a.text !== undefined) msg.text = a.text as string;
      if (a.blocks !== undefined) msg.blocks = a.blocks as unknown[];
      if (a.metadata !== undefined) msg.metadata = a.metadata as SlackMessage['metadata'];
      msg.edits += 1;
      return { ok: true, channel, ts: msg.ts, text: msg.text };
    }
    case 'chat.postEphemeral': {
      const channel = resolveChannel(ws, a.channel);
      if (typeof a.user !== 'string' || !ws.users.has(a.user)) throw new SlackApiError('user_not_found');
      checkMessage(ws, method, a);
      const ts = ws.nextTs();
      ws.messages.push({
        channel,
        ts,
        text: a.text as string,
        blocks: a.blocks as unknown[] | undefined,
        user: BOT_USER,
        edits: 0,
        ephemeralTo: a.user,
      });
      return { ok: true, message_ts: ts };
    }
    case 'chat.delete': {
      const channel = resolveChannel(ws, a.channel);
      const i = ws.messages.findIndex((m) => m.channel === channel && m.ts === a.ts);
      if (i < 0) throw new SlackApiError('message_not_found');
      ws.messages.splice(i, 1);
      return { ok: true, channel, ts: a.ts };
    }
    case 'conversations.open': {
      const users = String(a.users ?? '')
        .split(',')
        .filter(Boolean);
      if (users.length !== 1 || !ws.users.has(users[0]!)) throw new SlackApiError('user_not_found');
      return { ok: true, channel: { id: `D${users[0]!.slice(1)}` } };
    }
    case 'conversations.info': {
      const ch = ws.channels.get(String(a.channel));
      if (!ch) throw new SlackApiError('channel_not_found');
      return { ok: true, channel: { id: ch.id, name: ch.name, is_channel: true, is_member: true } };
    }
    case 'conversations.history': {
      const channel = resolveChannel(ws, a.channel);
      const oldest = a.oldest ? Number(a.oldest) : 0;
      const latest = a.latest ? Number(a.latest) : Number.POSITIVE_INFINITY;
      const limit = Math.min(Number(a.limit ?? 100) || 100, 1000);
      const offset = a.cursor ? Number(Buffer.from(String(a.cursor), 'base64').toString()) : 0;
      const all = ws.messages
        .filter(
          (m) => m.channel === channel && !m.ephemeralTo && Number(m.ts) >= oldest && Number(m.ts) <= latest,
        )
        .sort((x, y) => Number(y.ts) - Number(x.ts));
      const page = all.slice(offset, offset + limit);
      const more = offset + limit < all.length;
      const withMeta = a.include_all_metadata === true || a.include_all_metadata === 'true';
      return {
        ok: true,
        messages: page.map((m) => ({
          type: 'message',
          ts: m.ts,
          text: m.text,
          blocks: m.blocks,
          user: m.user,
          bot_id: BOT_ID,
          ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
          ...('files' in m ? { files: m.files } : {}),
        })),
        has_more: more,
        response_metadata: {
          next_cursor: more ? Buffer.from(String(offset + limit)).toString('base64') : '',
        },
      };
    }
    case 'users.info': {
      const u = ws.users.get(String(a.user));
      if (!u) throw new SlackApiError('user_not_found');
      return { ok: true, user: { ...u, profile: { real_name: u.real_name, display_name: u.name } } };
    }
    case 'usergroups.users.list': {
      const g = ws.usergroups.get(String(a.usergroup));
      if (!g) throw new SlackApiError('no_such_subteam');
      return { ok: true, users: [...g.users] };
    }
    case 'usergroups.users.update': {
      const g = ws.usergroups.get(String(a.usergroup));
      if (!g) throw new SlackApiError('no_such_subteam');
      const users = String(a.users ?? '')
        .split(',')
        .filter(Boolean);
      if (users.length === 0) throw new SlackApiError('no_users_provided');
      g.users = users;
      return { ok: true, usergroup: { id: a.usergroup, handle: g.handle, users } };
    }
    case 'views.open':
    case 'views.push': {
      const trigger = ws.triggers.get(String(a.trigger_id));
      if (!trigger) throw new SlackApiError('invalid_trigger_id');
      if (trigger.used) throw new SlackApiError('trigger_exchanged');
      checkView(ws, method, a.view);
      trigger.used = true;
      const id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
      const v: OpenView = {
        id,
        user: trigger.user,
        view: a.view as Record<string, unknown>,
        hash: randomBytes(4).toString('hex'),
        triggerId: String(a.trigger_id),
      };
      ws.views.set(id, v);
      return { ok: true, view: { id, hash: v.hash, ...v.view } };
    }
    case 'views.update': {
      const v = ws.views.get(String(a.view_id));
      if (!v) throw new SlackApiError('not_found');
      if (a.hash && a.hash !== v.hash) throw new SlackApiError('hash_conflict');
      checkView(ws, method, a.view);
      v.view = a.view as Record<string, unknown>;
      v.hash = randomBytes(4).toString('hex');
      return { ok: true, view: { id: v.id, hash: v.hash, ...v.view } };
    }
    case 'views.publish':
      return viewsPublish(ws, a);
    default: {
      const files = callFilesMethod(ws, method, a);
      if (files) return files;
      throw new SlackApiError('unknown_method');
    }
  }
}
