import { createHmac, randomBytes } from 'node:crypto';
import { validateMessage, validateView } from './blockkit';
import type { OpenView, SlackEmulator, SlackMessage } from './server';
import { type HomeTab, homeTab } from './views';

/**
 * Plays the Slack side of a conversation with relbot: sends correctly signed slash commands,
 * `block_actions` and `view_submission` payloads to relbot's `/slack/events`, exactly as Slack does
 * (form-urlencoded, `v0` HMAC-SHA256 signature over `v0:timestamp:body`). Used by the e2e tests and
 * by the local sandbox page, so both go through the same path as production.
 */

export interface SlackResponse {
  status: number;
  /** Parsed JSON body, or the raw text when it is not JSON (empty string for a bare ack). */
  body: unknown;
  text: string;
}

export function signSlackRequest(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export interface DriverOptions {
  relbotUrl: string;
  signingSecret: string;
  slack: SlackEmulator;
  teamId?: string;
  /** Seconds since epoch for the signature timestamp; defaults to real time (Bolt checks it against its own clock). */
  nowSec?: () => number;
}

export class SlackDriver {
  constructor(private readonly opts: DriverOptions) {}

  private get slack() {
    return this.opts.slack;
  }

  /** Posts a raw body to /slack/events with the given headers (for forged / replayed request tests). */
  async post(body: string, headers: Record<string, string>): Promise<SlackResponse> {
    const res = await fetch(`${this.opts.relbotUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : '';
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, text };
  }

  /**
   * Signs and sends a form body; `ageSec` makes the timestamp that many seconds old. What relbot
   * answers in the ack (a message, or a modal for response_action update/push) goes through the
   * same Block Kit checks as Web API calls, recorded in the emulator's `violations`.
   */
  async sendSigned(body: string, opts: { ageSec?: number; secret?: string } = {}): Promise<SlackResponse> {
    const ts = Math.floor((this.opts.nowSec?.() ?? Date.now() / 1000) - (opts.ageSec ?? 0));
    const res = await this.post(body, {
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signSlackRequest(opts.secret ?? this.opts.signingSecret, ts, body),
    });
    const ack = res.body as
      | { text?: unknown; blocks?: unknown; response_action?: string; view?: unknown }
      | '';
    if (res.status === 200 && ack && typeof ack === 'object') {
      const errors =
        ack.response_action === 'update' || ack.response_action === 'push'
          ? validateView(ack.view)
          : ack.response_action
            ? []
            : validateMessage(ack);
      if (errors.length) this.slack.violations.push({ method: 'ack', errors });
    }
    return res;
  }

  commandBody(user: string, command: string, text: string, channel = 'C0RELEASE'): string {
    return this.commandRequest(user, command, text, channel).body;
  }

  private commandRequest(user: string, command: string, text: string, channel: string) {
    const u = this.slack.users.get(user);
    const responseUrl = this.slack.issueResponseUrl(channel, user);
    const triggerId = this.slack.issueTrigger(user);
    const body = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: this.opts.teamId ?? 'TSIGREL',
      team_domain: 'sig-release',
      channel_id: channel,
      channel_name: this.slack.channels.get(channel)?.name ?? 'release',
      user_id: user,
      user_name: u?.name ?? user,
      command,
      text,
      api_app_id: 'ARELBOT',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    }).toString();
    return { body, responseId: responseUrl.slice(responseUrl.lastIndexOf('/') + 1), triggerId };
  }

  /**
   * Sends a signed slash command and returns relbot's answer as the person sees it: the ack body
   * when relbot answered in the ack (help, usage errors), otherwise the first message relbot then
   * sent to the command's response_url. A command that opened a modal instead returns the empty
   * ack. (`ack` always holds the raw HTTP answer.)
   */
  async command(
    user: string,
    command: string,
    text = '',
    channel = 'C0RELEASE',
  ): Promise<SlackResponse & { ack: SlackResponse }> {
    const req = this.commandRequest(user, command, text, channel);
    const ack = await this.sendSigned(req.body);
    if (ack.status !== 200 || (ack.body && typeof ack.body === 'object')) return { ...ack, ack };
    const ru = this.slack.responseUrls.get(req.responseId);
    const answered = await this.slack
      .waitFor(() => (ru && ru.bodies.length > 0) || this.slack.triggers.get(req.triggerId)?.used, 20000)
      .catch(() => false);
    if (answered && ru && ru.bodies.length > 0) {
      const body = ru.bodies[0];
      return { status: ack.status, body, text: JSON.stringify(body), ack };
    }
    return { ...ack, ack };
  }

  /** The payload Slack sends when `user` clicks the button `actionId` on `message`. */
  blockActionsPayload(
    user: string,
    message: SlackMessage,
    actionId: string,
    value?: string,
  ): Record<string, unknown> {
    const button = findElement(message.blocks ?? [], actionId);
    if (!button) throw new Error(`no element with action_id ${actionId} on message ${message.ts}`);
    const u = this.slack.users.get(user);
    return {
      type: 'block_actions',
      user: { id: user, username: u?.name ?? user, name: u?.name ?? user, team_id: 'TSIGREL' },
      api_app_id: 'ARELBOT',
      token: 'deprecated-verification-token',
      container: message.ephemeralTo
        ? { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: true }
        : { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      trigger_id: this.slack.issueTrigger(user),
      team: { id: 'TSIGREL', domain: 'sig-release' },
      channel: { id: message.channel, name: this.slack.channels.get(message.channel)?.name ?? 'release' },
      message: message.ephemeralTo
        ? undefined
        : { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks, user: message.user },
      response_url: this.slack.issueResponseUrl(
        message.channel,
        user,
        message.ephemeralTo ? undefined : message.ts,
      ),
      actions: [
        {
          type: button.element.type ?? 'button',
          action_id: actionId,
          block_id: button.blockId,
          value: value ?? button.element.value,
          text: button.element.text,
          action_ts: String(Date.now() / 1000),
        },
      ],
    };
  }

  /** Clicks a button: signs and sends the block_actions payload. */
  click(user: string, message: SlackMessage, actionId: string, value?: string): Promise<SlackResponse> {
    return this.sendInteraction(this.blockActionsPayload(user, message, actionId, value));
  }

  sendInteraction(payload: unknown, opts: { ageSec?: number; secret?: string } = {}): Promise<SlackResponse> {
    return this.sendSigned(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), opts);
  }

  /**
   * Submits an open modal with `values` keyed by block_id (a string for text inputs, a string[] for
   * multi-selects, a value for selects and radio buttons). Returns relbot's ack (errors or close).
   */
  submitView(
    user: string,
    view: OpenView,
    values: Record<string, string | string[] | undefined>,
  ): Promise<SlackResponse> {
    return this.sendInteraction(this.viewSubmissionPayload(user, view, values));
  }

  viewSubmissionPayload(
    user: string,
    view: OpenView,
    values: Record<string, string | string[] | undefined>,
  ): Record<string, unknown> {
    const state: Record<string, Record<string, unknown>> = {};
    const blocks = (view.view.blocks ?? []) as Array<Record<string, unknown>>;
    for (const b of blocks) {
      if (b.type !== 'input') continue;
      const blockId = String(b.block_id);
      const el = b.element as Record<string, unknown>;
      const actionId = String(el.action_id);
      const v = values[blockId];
      state[blockId] = { [actionId]: elementState(el, v) };
    }
    const u = this.slack.users.get(user);
    return {
      type: 'view_submission',
      team: { id: 'TSIGREL', domain: 'sig-release' },
      user: { id: user, username: u?.name ?? user, name: u?.name ?? user, team_id: 'TSIGREL' },
      api_app_id: 'ARELBOT',
      token: 'deprecated-verification-token',
      trigger_id: this.slack.issueTrigger(user),
      view: {
        ...view.view,
        id: view.id,
        hash: view.hash,
        team_id: 'TSIGREL',
        app_id: 'ARELBOT',
        bot_id: 'BRELBOT',
        state: { values: state },
        private_metadata: view.view.private_metadata ?? '',
        callback_id: view.view.callback_id,
      },
      response_urls: [],
    };
  }

  /** The Home tab relbot published for `user`, if any. */
  homeTab(user: string): HomeTab | undefined {
    return homeTab(this.slack, user);
  }

  /**
   * `user` opens relbot's Home tab: the `app_home_opened` event, delivered as the Events API does
   * over HTTP (a JSON `event_callback`, signed like every Slack request). The event carries the
   * view published before, if there is one, as Slack's does.
   */
  async openHome(user: string, tab: 'home' | 'messages' = 'home'): Promise<SlackResponse> {
    const published = homeTab(this.slack, user);
    const now = this.opts.nowSec?.() ?? Date.now() / 1000;
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: this.opts.teamId ?? 'TSIGREL',
      api_app_id: 'ARELBOT',
      event: {
        type: 'app_home_opened',
        user,
        channel: `D${user.slice(1)}`,
        tab,
        event_ts: now.toFixed(6),
        ...(published ? { view: { id: published.id, hash: published.hash, ...published.view } } : {}),
      },
      type: 'event_callback',
      event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
      event_time: Math.floor(now),
      authorizations: [{ team_id: 'TSIGREL', user_id: 'UBOTRELBOT', is_bot: true }],
    });
    const ts = Math.floor(now);
    return this.post(body, {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signSlackRequest(this.opts.signingSecret, ts, body),
    });
  }

  /** Clicks a button on `user`'s Home tab: block_actions from a `home` view, with no response_url (as Slack sends it). */
  clickHome(user: string, actionId: string, value?: string): Promise<SlackResponse> {
    const tab = homeTab(this.slack, user);
    if (!tab) throw new Error(`no Home tab published for ${user}`);
    const blocks = (tab.view.blocks ?? []) as unknown[];
    const found = findElement(blocks, actionId, value);
    if (!found)
      throw new Error(
        `no element with action_id ${actionId}${value ? ` and value ${value}` : ''} on ${user}'s Home tab`,
      );
    const u = this.slack.users.get(user);
    return this.sendInteraction({
      type: 'block_actions',
      user: { id: user, username: u?.name ?? user, name: u?.name ?? user, team_id: 'TSIGREL' },
      api_app_id: 'ARELBOT',
      token: 'deprecated-verification-token',
      container: { type: 'view', view_id: tab.id },
      trigger_id: this.slack.issueTrigger(user),
      team: { id: 'TSIGREL', domain: 'sig-release' },
      view: {
        ...tab.view,
        id: tab.id,
        hash: tab.hash,
        team_id: 'TSIGREL',
        app_id: 'ARELBOT',
        bot_id: 'BRELBOT',
      },
      actions: [
        {
          type: found.element.type ?? 'button',
          action_id: actionId,
          block_id: found.blockId,
          value: found.element.value,
          text: found.element.text,
          action_ts: String(Date.now() / 1000),
        },
      ],
    });
  }

  /** The newest modal opened for `user`. */
  latestView(user: string): OpenView | undefined {
    return [...this.slack.views.values()].filter((v) => v.user === user).at(-1);
  }
}

function elementState(
  el: Record<string, unknown>,
  v: string | string[] | undefined,
): Record<string, unknown> {
  const options = (el.options ?? []) as Array<{ text: unknown; value: string }>;
  const opt = (value: string) =>
    options.find((o) => o.value === value) ?? { text: { type: 'plain_text', text: value }, value };
  switch (el.type) {
    case 'plain_text_input':
      return { type: 'plain_text_input', value: v === undefined ? null : String(v) };
    case 'number_input':
      return { type: 'number_input', value: v === undefined ? null : String(v) };
    case 'static_select':
      return { type: 'static_select', selected_option: v === undefined ? null : opt(String(v)) };
    case 'radio_buttons':
      return { type: 'radio_buttons', selected_option: v === undefined ? null : opt(String(v)) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type: el.type, selected_options: (Array.isArray(v) ? v : v ? [v] : []).map(opt) };
    case 'users_select':
      return { type: 'users_select', selected_user: v ?? null };
    case 'datepicker':
      return { type: 'datepicker', selected_date: v ?? null };
    default:
      return { type: el.type, value: v ?? null };
  }
}

function findElement(
  blocks: unknown[],
  actionId: string,
  value?: string,
): { blockId: string; element: Record<string, unknown> } | undefined {
  for (const b of blocks as Array<Record<string, unknown>>) {
    const els = [...((b.elements as unknown[]) ?? []), ...(b.accessory ? [b.accessory] : [])] as Array<
      Record<string, unknown>
    >;
    for (const e of els) {
      if (e.action_id === actionId && (value === undefined || e.value === value))
        return { blockId: String(b.block_id ?? ''), element: e };
    }
  }
  return undefined;
}
