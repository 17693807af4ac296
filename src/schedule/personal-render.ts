import type { KnownBlock } from '@slack/types';
import type { DateTime } from 'luxon';
import {
  actions,
  button,
  confirmDialog,
  context,
  input,
  type Message,
  type ModalView,
  message,
  modal,
  option,
  section,
} from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import type { Milestone } from './model';
import {
  leadWords,
  MAX_SUBSCRIPTIONS,
  type PlannedDm,
  parseTargetKey,
  SELECTORS,
  type Subscription,
} from './personal';
import { formatLocal, milestoneLine, relative } from './render';

/**
 * Pure renderers of personal reminders: the DM (with its Stop button), the answers of
 * `/schedule remind`, the "Add a reminder" modal and the Home tab's part. Times are in the
 * person's own zone (and UTC), as in every /schedule answer.
 */

export const REMIND_OFF_ACTION = 'schedule_remind_off';
export const REMIND_ADD_ACTION = 'schedule_remind_add';
export const REMIND_VIEW = 'schedule_remind_add';
export const TARGET_BLOCK = 'remind_target';
export const LEAD_BLOCK = 'remind_lead';

/** What a subscription is for, in words: "every Code Freeze", "*Docs Freeze* (v1.37)". */
export function targetLabel(key: string, milestones: Milestone[]): string {
  const t = parseTargetKey(key);
  if (!t) return escapeMrkdwn(key);
  if (t.type === 'kind') return t.selector.label;
  const m = milestones.find((x) => x.id === t.id);
  if (!m) return `${escapeMrkdwn(t.id)} (no longer in the schedule)`;
  return `*${escapeMrkdwn(m.name)}*${m.cycle && m.source === 'cycle' ? ` (v${m.cycle})` : ''}`;
}

/** The words that make the subscription again: `code-freeze 2d`. */
export function commandWords(s: Subscription): string {
  const t = parseTargetKey(s.target);
  const what = !t ? s.target : t.type === 'kind' ? t.selector.word : t.id;
  return `${what} ${s.lead}`;
}

export interface DmOptions {
  now: DateTime;
  /** The person's zone. */
  tz: string;
  late: boolean;
  /** The job's last finished run before this one, when relbot was down at the due time. */
  offline?: { from?: DateTime; to: DateTime };
}

/** The DM's text: the milestone, when it is in the person's zone and UTC, why it came, late or not. */
/** A milestone as /schedule says it, without the "in 2 days" at its end (said where it is true). */
function milestoneWhen(m: Milestone, now: DateTime, tz: string): string {
  return milestoneLine(m, now, tz).replace(/ · _[^_]*_$/, '');
}

export function dmText(p: PlannedDm, opts: DmOptions): string {
  // On time it is the lead the person asked for; late, the time actually left.
  const left = opts.late ? relative(p.milestoneAt, opts.now) : `in ${leadWords(p.lead)}`;
  const lines = [
    `:alarm_clock: ${left.charAt(0).toUpperCase()}${left.slice(1)}: ${milestoneWhen(p.milestone, opts.now, opts.tz)}`,
  ];
  if (opts.late) {
    const due = formatLocal(p.dueAt, opts.tz);
    const off = opts.offline;
    lines.push(
      off?.from && off.from < p.dueAt
        ? `_Sent late: relbot was offline from ${formatLocal(off.from, opts.tz)} to ${formatLocal(off.to, opts.tz)}. This reminder was due ${due}._`
        : `_Sent late: this reminder was due ${due}, when relbot could not send it._`,
    );
  }
  lines.push(
    `_You asked for this with \`/schedule remind ${escapeMrkdwn(commandWords(p.subscription))}\`. Times in ${opts.tz}._`,
  );
  return lines.join('\n');
}

function offButton(subId: number, label: string): ReturnType<typeof button> {
  return button(label, REMIND_OFF_ACTION, String(subId), {
    confirm: confirmDialog({
      title: 'Stop this reminder?',
      text: 'relbot will not send you this personal reminder any more. `/schedule remind` adds it again.',
      confirm: 'Stop it',
    }),
  });
}

/** The DM as sent: its text and a Stop button for the subscription (`personal_reminder` DMs). */
export function dmMessage(text: string, subId: number): Message {
  return message(text, [
    section(text),
    actions(`remind-dm:${subId}`, [offButton(subId, 'Stop this reminder')]),
  ]);
}

export interface SubscriptionLine {
  subscription: Subscription;
  next?: PlannedDm;
}

function subscriptionLine(l: SubscriptionLine, milestones: Milestone[], tz: string): string {
  const s = l.subscription;
  const head = `\`${s.id}\` ${targetLabel(s.target, milestones)}, ${leadWords(s.lead)} ahead`;
  const kind = s.target.startsWith('kind:');
  const next = l.next
    ? ` — next DM ${formatLocal(l.next.dueAt, tz)}${kind ? `, for ${escapeMrkdwn(l.next.milestone.name)}` : ''}`
    : ' — nothing ahead in the stored schedule yet';
  return `${head}${next}`;
}

/** `/schedule remind list`. */
export function listMessage(lines: SubscriptionLine[], milestones: Milestone[], tz: string): Message {
  if (!lines.length) {
    const text = `You have no personal reminders. ${USAGE_LINE}`;
    return message(text, [section(text)]);
  }
  const body = lines.map((l) => `• ${subscriptionLine(l, milestones, tz)}`);
  const text = `*Your personal reminders* (${lines.length} of at most ${MAX_SUBSCRIPTIONS}; times in ${tz})\n${body.join('\n')}`;
  return message(text, [
    section(text),
    context('`/schedule remind off &lt;id&gt;` stops one, `/schedule remind off all` stops them all.'),
  ]);
}

export const USAGE_LINE =
  'Add one with `/schedule remind &lt;milestone or kind&gt; &lt;lead time&gt;`, e.g. `/schedule remind code-freeze 2d`.';

/** The answer to a new subscription (or one the person already had). */
export function subscribedMessage(
  line: SubscriptionLine,
  milestones: Milestone[],
  tz: string,
  existed: boolean,
): Message {
  const s = line.subscription;
  const what = `${targetLabel(s.target, milestones)}, ${leadWords(s.lead)} ahead`;
  const head = existed
    ? `:information_source: You already have this reminder: ${what}.`
    : `:white_check_mark: relbot will DM you for ${what}.`;
  const next = line.next
    ? `The next one comes ${formatLocal(line.next.dueAt, tz)}, for ${milestoneWhen(line.next.milestone, line.next.dueAt, tz)}.`
    : 'Nothing of it is ahead in the stored schedule yet: the DMs start once a cycle page that has it is imported.';
  const text = `${head}\n${next}\n_\`/schedule remind list\` shows your reminders; \`/schedule remind off ${s.id}\` stops this one._`;
  return message(text, [section(text)]);
}

export function removedMessage(removed: Subscription[], milestones: Milestone[]): Message {
  const lines = removed.map((s) => `• ${targetLabel(s.target, milestones)}, ${leadWords(s.lead)} ahead`);
  const text = `:white_check_mark: Stopped ${removed.length === 1 ? 'this reminder' : `${removed.length} reminders`}:\n${lines.join('\n')}`;
  return message(text, [section(text)]);
}

/** The "Add a reminder" modal: a kind or a milestone ahead, and a lead time. */
export function addModal(ahead: Milestone[]): ModalView {
  const kinds = SELECTORS.map((s) => option(`Kind: ${s.label}`, `kind:${s.word}`));
  const shown = ahead.slice(0, 100 - kinds.length);
  const one = shown.map((m) =>
    option(`${m.cycle && m.source === 'cycle' ? `v${m.cycle} ` : ''}${m.name}`, `milestone:${m.id}`),
  );
  return modal({
    callbackId: REMIND_VIEW,
    title: 'Add a reminder',
    submit: 'Add',
    close: 'Cancel',
    blocks: [
      input(TARGET_BLOCK, 'Remind me of', {
        type: 'static_select',
        action_id: TARGET_BLOCK,
        placeholder: { type: 'plain_text', text: 'A kind of milestone, or one milestone' },
        options: [...kinds, ...one],
      }),
      input(
        LEAD_BLOCK,
        'How long before',
        {
          type: 'plain_text_input',
          action_id: LEAD_BLOCK,
          placeholder: { type: 'plain_text', text: '2d' },
          max_length: 10,
        },
        { hint: '30m, 6h, 2d or 1w: from 15 minutes to 4 weeks.' },
      ),
    ],
  });
}

/** The Home tab's "Next milestones" section (the same for everyone in one zone, in one minute). */
export function nextMilestonesText(next: Milestone[], now: DateTime, tz: string): string {
  const coming = next.map((m) => `• ${milestoneLine(m, now, tz)}`);
  return `*Next milestones* (times in ${tz} and UTC)\n${coming.length ? coming.join('\n') : '_Nothing ahead in the stored schedule._'}`;
}

/** The Home tab's part: the next milestones, and the person's reminders with Remove buttons. */
export function homeBlocks(opts: {
  nextText: string;
  lines: SubscriptionLine[];
  milestones: Milestone[];
  tz: string;
}): KnownBlock[] {
  const { tz } = opts;
  const blocks: KnownBlock[] = [section(opts.nextText)];
  blocks.push(
    section(
      opts.lines.length
        ? `*Your reminders* (${opts.lines.length} of at most ${MAX_SUBSCRIPTIONS}), sent to you as DMs`
        : '*Your reminders*\nYou have none. Add one here, or with `/schedule remind code-freeze 2d`.',
    ),
  );
  for (const l of opts.lines)
    blocks.push(
      section(subscriptionLine(l, opts.milestones, tz), {
        blockId: `home-remind:${l.subscription.id}`,
        accessory: offButton(l.subscription.id, 'Remove'),
      }),
    );
  blocks.push(actions('home-remind-add', [button('Add a reminder', REMIND_ADD_ACTION, 'add')]));
  return blocks;
}
