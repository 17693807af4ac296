import type { Option, PlainTextOption, StaticSelect } from '@slack/types';
import { DateTime } from 'luxon';
import {
  actions,
  button,
  channelRef,
  context,
  cutMrkdwn,
  divider,
  header,
  input,
  type KnownBlock,
  type Message,
  type ModalView,
  message,
  modal,
  option,
  plain,
  section,
} from '../slack/blocks';
import { escapeEntities, escapeMrkdwn, truncate } from '../slack/escape';
import type { RoleConfig } from './config';
import {
  type Application,
  balanceLine,
  type Cycle,
  FIELD,
  HISTORICAL_ROLES,
  MAX_WHY,
  type Outcome,
  offsetLabel,
  type PastService,
  REVIEW_USAGE,
  type ReviewEntry,
  type ReviewList,
  type RoleCount,
  rosterContradiction,
} from './rules';

/** Block Kit renderers of shadow sign-up, built with the shared kit: pure functions of their inputs. */

export const ACTION = {
  apply: 'shadow_apply',
  accept: 'shadow_accept',
  waitlist: 'shadow_waitlist',
  decline: 'shadow_decline',
  page: 'shadow_review_page',
} as const;
export const CALLBACK_APPLICATION = 'shadow_application';

/** People named in the review's "accepted for another role" line; the rest are counted. */
const ELSEWHERE_SHOWN = 30;

/** `Thu 10 Dec 2026 AoE (Fri 11 Dec 12:00 UTC)` */
export function closeText(cycle: Pick<Cycle, 'closeDate' | 'closesAt'>, zone?: string): string {
  const at = DateTime.fromISO(cycle.closesAt, { zone: 'utc' });
  const day = DateTime.fromISO(cycle.closeDate).toFormat('ccc d LLL yyyy');
  const local = zone && zone !== 'UTC' ? `, ${at.setZone(zone).toFormat('ccc d LLL HH:mm')} your time` : '';
  return `${day} AoE (${at.toFormat('ccc d LLL HH:mm')} UTC${local})`;
}

export function announcement(cycle: Cycle, roles: RoleConfig[]): Message {
  const roleLines = roles
    .filter((r) => r.capacity > 0)
    .map((r) => `• *${escapeMrkdwn(r.name)}* (up to ${r.capacity} shadows)`)
    .join('\n');
  const text = `Kubernetes v${cycle.version} Release Team shadow applications are open until ${closeText(cycle)}.`;
  return message(text, [
    header(`Kubernetes v${cycle.version} Release Team: apply to shadow`),
    section(
      `Shadow applications for the v${cycle.version} Release Team are open until *${closeText(cycle)}*.\n` +
        'Pick up to two roles in order of preference. Role leads and the Release Team Lead choose the shadows after the close.',
    ),
    section(roleLines || 'No roles are configured.'),
    actions('shadow_apply', [button('Apply', ACTION.apply, cycle.version, { style: 'primary' })]),
    context(
      'You can also type `/shadow apply`; `/shadow status` shows your application, `/shadow withdraw` withdraws it.',
    ),
  ]);
}

export interface ModalDefaults {
  github?: string;
  timeZone?: string;
}

/** The option among `options` whose value is `value`, as an `initial_option`. */
const preselect = <O extends Option>(value: string | undefined, options: O[]): { initial_option?: O } => {
  const o = value ? options.find((x) => x.value === value) : undefined;
  return o ? { initial_option: o } : {};
};

const roleSelect = (options: PlainTextOption[], initial: string | undefined): StaticSelect => ({
  type: 'static_select',
  action_id: 'value',
  placeholder: plain('Pick a role', 150),
  options,
  ...preselect(initial, options),
});

/** The application modal; prefilled from an existing application or from Slack. */
export function applicationModal(
  cycle: Cycle,
  roles: RoleConfig[],
  existing: Application | undefined,
  defaults: ModalDefaults,
  channel: string | undefined,
): ModalView {
  const open = roles.filter((r) => r.capacity > 0);
  const roleOptions = open.map((r) => option(r.name));
  const servedOptions = [...new Set([...roles.map((r) => r.name), ...HISTORICAL_ROLES])].map((name) =>
    option(name),
  );
  const live = existing && !existing.withdrawnAt ? existing : undefined;
  const yesNo = [option('No, this would be my first time', 'no'), option('Yes, I have served before', 'yes')];
  const github = live?.github ?? defaults.github;
  const tz = live?.timeZone ?? defaults.timeZone;
  return modal({
    callbackId: CALLBACK_APPLICATION,
    privateMetadata: JSON.stringify({ cycle: cycle.id, channel: channel ?? null }),
    title: `v${cycle.version} shadow`,
    submit: live ? 'Save changes' : 'Apply',
    close: 'Cancel',
    blocks: [
      section(
        `${live ? '*Editing your application.* ' : ''}Applications close *${closeText(cycle, tz)}*. ` +
          'You can edit or withdraw until then.',
      ),
      input(FIELD.role1, 'First choice role', roleSelect(roleOptions, live?.choices[0])),
      // Slack itself shows "(optional)" after an optional input's label.
      input(FIELD.role2, 'Second choice role', roleSelect(roleOptions, live?.choices[1]), {
        optional: true,
      }),
      input(FIELD.github, 'GitHub handle', {
        type: 'plain_text_input',
        action_id: 'value',
        max_length: 100,
        placeholder: plain('e.g. tico88612', 150),
        ...(github ? { initial_value: github } : {}),
      }),
      input(
        FIELD.tz,
        'Time zone (IANA name)',
        {
          type: 'plain_text_input',
          action_id: 'value',
          max_length: 64,
          ...(tz ? { initial_value: tz } : {}),
        },
        { hint: 'Prefilled from your Slack profile, e.g. Europe/Berlin or Asia/Kolkata.' },
      ),
      input(FIELD.hours, 'Hours per week you can give', {
        type: 'number_input',
        action_id: 'value',
        is_decimal_allowed: false,
        min_value: '1',
        max_value: '60',
        ...(live ? { initial_value: String(live.hoursPerWeek) } : {}),
      }),
      input(FIELD.served, 'Have you served on a Kubernetes Release Team before?', {
        type: 'radio_buttons',
        action_id: 'value',
        options: yesNo,
        ...(live ? preselect(live.servedBefore ? 'yes' : 'no', yesNo) : {}),
      }),
      input(
        FIELD.servedRole,
        'If yes: in which role (most recent)?',
        roleSelect(servedOptions, live?.servedRole),
        {
          optional: true,
        },
      ),
      input(FIELD.why, 'Why do you want this role?', {
        type: 'plain_text_input',
        action_id: 'value',
        multiline: true,
        max_length: MAX_WHY,
        ...(live ? { initial_value: live.why } : {}),
      }),
    ],
  });
}

function pastText(past: PastService[]): string {
  const p = past[0];
  if (!p) return '';
  const more = past.length > 1 ? ` +${past.length - 1} more` : '';
  return `v${p.version} ${p.role} ${p.position}${more}`;
}

/** `:warning: answered "first time", but the v1.37 roster lists @x as Docs shadow`, or ''. */
export function contradictionText(app: Application, past: PastService[]): string {
  const p = rosterContradiction(app, past);
  return p
    ? `:warning: answered "first time", but the v${p.version} roster lists @${escapeMrkdwn(app.github)} as ${escapeMrkdwn(p.role)} ${p.position}`
    : '';
}

function applicantLine(e: ReviewEntry, index: number, now: DateTime): string {
  const a = e.app;
  // The roster entry is named right before it, so the warning only says what the answer was.
  const contradiction = rosterContradiction(a, e.returning) ? ':warning: but answered "first time"' : '';
  const status =
    e.decision === 'accepted'
      ? ':white_check_mark: *accepted*'
      : e.decision === 'waitlisted'
        ? ':hourglass: *waitlisted*'
        : e.decision === 'declined'
          ? ':x: declined'
          : ':new: pending';
  const returning = e.returning.length
    ? `:leftwards_arrow_with_hook: returning (${pastText(e.returning)})${contradiction ? ` · ${contradiction}` : ''}`
    : a.servedBefore
      ? `:leftwards_arrow_with_hook: says served before${a.servedRole ? ` (${escapeMrkdwn(a.servedRole)})` : ''}`
      : 'new to the Release Team';
  const other = a.choices.find((r) => r !== (e.choice === 1 ? a.choices[0] : a.choices[1]));
  const choice = e.choice === 1 ? '1st choice' : '2nd choice';
  const why = escapeMrkdwn(truncate(a.why.replace(/\s+/g, ' '), 160));
  return (
    `*${index}.* <@${a.user}> · <https://github.com/${a.github}|@${escapeMrkdwn(a.github)}> · ${status}\n` +
    `${choice}${other ? ` (other: ${escapeMrkdwn(other)})` : ''} · ${returning} · ` +
    `${escapeMrkdwn(a.timeZone)} (${offsetLabel(a.timeZone, now)}) · ${a.hoursPerWeek} h/week\n> ${why}`
  );
}

export interface ReviewView {
  cycle: Cycle;
  list: ReviewList;
  page: number;
  pageSize: number;
  now: DateTime;
  notice?: string;
}

/** The review of one role: balance line, then each applicant with Accept / Waitlist / Decline. */
export function reviewMessage(v: ReviewView): Message {
  const { cycle, list, now } = v;
  const pages = Math.max(1, Math.ceil(list.entries.length / v.pageSize));
  const page = Math.min(Math.max(1, v.page), pages);
  const start = (page - 1) * v.pageSize;
  const shown = list.entries.slice(start, start + v.pageSize);
  const free = Math.max(0, list.capacity - list.accepted);
  const waitlisted = list.entries.filter((e) => e.decision === 'waitlisted');
  const final = cycle.state === 'published';
  const blocks: KnownBlock[] = [header(`${list.role}: v${cycle.version} shadow applicants`)];
  if (v.notice) blocks.push(section(v.notice));
  let seats = `*Seats:* ${list.accepted}/${list.capacity} accepted, ${free} free.`;
  if (final) seats += ' The decisions were published and are final.';
  else {
    if (free > 0 && waitlisted.length)
      seats += ` Waitlisted: ${waitlisted.map((e) => `<@${e.app.user}>`).join(', ')}. Press Accept to offer one of them a seat.`;
    if (free === 0) seats += ' The role is full. Decline an accepted shadow to free a seat.';
    if (cycle.state === 'open') seats += ` Applications are still open. They close ${closeText(cycle)}.`;
  }
  blocks.push(section(seats));
  blocks.push(context(`*Balance:* ${balanceLine(list, now)}`));
  if (list.acceptedElsewhere.length) {
    const n = list.acceptedElsewhere.length;
    const shownElsewhere = list.acceptedElsewhere.slice(0, ELSEWHERE_SHOWN);
    const rest = n - shownElsewhere.length;
    blocks.push(
      context(
        cutMrkdwn(
          `${n} accepted for another role (not pending here): ${shownElsewhere
            .map((x) => `<@${x.app.user}> (${escapeMrkdwn(x.role)})`)
            .join(', ')}${rest ? `, and ${rest} more (see their roles' reviews)` : ''}.`,
          2900,
        ),
      ),
    );
  }
  blocks.push(divider());
  shown.forEach((e, i) => {
    blocks.push(section(applicantLine(e, start + i + 1, now), { blockId: `app_${e.app.id}` }));
    if (final) return;
    const value = JSON.stringify({ c: cycle.id, a: e.app.id, r: list.role, p: page });
    const buttons = [];
    if (e.decision !== 'accepted') buttons.push(button('Accept', ACTION.accept, value, { style: 'primary' }));
    if (e.decision !== 'waitlisted') buttons.push(button('Waitlist', ACTION.waitlist, value));
    if (e.decision !== 'declined')
      buttons.push(button('Decline', ACTION.decline, value, { style: 'danger' }));
    blocks.push(actions(`act_${e.app.id}`, buttons));
  });
  if (list.entries.length === 0) blocks.push(section('_No applicants for this role._'));
  if (pages > 1) {
    const nav = [];
    if (page > 1)
      nav.push(
        button('Previous', `${ACTION.page}_prev`, JSON.stringify({ c: cycle.id, r: list.role, p: page - 1 })),
      );
    if (page < pages)
      nav.push(
        button('Next', `${ACTION.page}_next`, JSON.stringify({ c: cycle.id, r: list.role, p: page + 1 })),
      );
    const to = Math.min(start + v.pageSize, list.entries.length);
    const where = [
      page > 1 ? `\`/shadow review ${escapeMrkdwn(list.role)} ${page - 1}\` for the previous` : '',
      page < pages ? `\`/shadow review ${escapeMrkdwn(list.role)} ${page + 1}\` for the next` : '',
    ].filter(Boolean);
    blocks.push(
      context(
        `Page ${page} of ${pages}: applicants ${start + 1}–${to} of ${list.entries.length}. ` +
          `Use the buttons below, or ${where.join(' and ')}.`,
      ),
    );
    blocks.push(actions('pages', nav));
  }
  const text = `${list.role}: ${list.accepted}/${list.capacity} accepted; ${balanceLine(list, now)}`;
  return message(v.notice ? `${v.notice}\n${text}` : text, blocks);
}

export function countsMessage(cycle: Cycle, counts: { total: number; roles: RoleCount[] }): Message {
  const lines = counts.roles.map(
    (r) => `• *${escapeMrkdwn(r.role)}*: ${r.first} first choice, ${r.second} second choice`,
  );
  const text = `Kubernetes v${cycle.version} shadow applications are closed: ${applications(counts.total)}.`;
  return message(text, [
    section(`:lock: ${text}`),
    section(lines.join('\n') || 'No roles.'),
    context(
      `Role leads: review with ${REVIEW_USAGE}. The Release Team Lead publishes with \`/shadow publish\`.`,
    ),
  ]);
}

/** `1 application`, `5 applications`. */
export const applications = (n: number) => `${n} application${n === 1 ? '' : 's'}`;
/** `1 applicant`, `5 applicants`. */
export const applicants = (n: number) => `${n} applicant${n === 1 ? '' : 's'}`;

/** An applicant's outcome DM. `channel` is the shadows channel, where the next round is announced. */
export function outcomeMessage(cycle: Cycle, outcome: Outcome, channel: string): Message {
  let text: string;
  switch (outcome.kind) {
    case 'accepted':
      text =
        `:tada: Congratulations! You have been selected as a *${escapeMrkdwn(outcome.role)}* shadow on the Kubernetes v${cycle.version} Release Team. ` +
        'Your role lead will reach out with onboarding details.';
      break;
    case 'waitlisted':
      text =
        `Thank you for applying to the Kubernetes v${cycle.version} Release Team. You are on the waitlist for ` +
        `*${outcome.roles.map(escapeMrkdwn).join('* and *')}*: if a seat frees up, the role lead will contact you.`;
      break;
    default: {
      const crowded = outcome.crowded.map(
        (d) =>
          `${escapeMrkdwn(d.role)} had ${applicants(d.applicants)} for ${d.seats} seat${d.seats === 1 ? '' : 's'}.`,
      );
      text =
        `Thank you for applying to the Kubernetes v${cycle.version} Release Team. You were not selected this time. ` +
        (crowded.length ? `${crowded.join(' ')} ` : '') +
        `Please apply again next cycle. The next round is announced in ${channelRef(channel)}.`;
    }
  }
  return message(text, [section(text)]);
}

/** The confirmation DM after an application is saved (new or edited). */
export function savedMessage(cycle: Cycle, app: Application, created: boolean): Message {
  const text =
    `${created ? ':white_check_mark: Your application' : ':pencil2: Your edited application'} for the Kubernetes v${cycle.version} Release Team is saved: ` +
    `${app.choices.map((r, i) => `${i + 1}. *${escapeMrkdwn(r)}*`).join(', ')}. ` +
    `You can edit it with \`/shadow apply\` or withdraw with \`/shadow withdraw\` until ${closeText(cycle, app.timeZone)}.`;
  return message(text, [section(text)]);
}

export function statusReply(
  cycle: Cycle | undefined,
  app: Application | undefined,
  outcome: Outcome | undefined,
  zone: string,
  isOpen: boolean,
  channel: string,
  audit?: string,
): Message {
  if (!cycle) return { text: 'No shadow applications have been opened yet.' };
  const lines: string[] = [];
  lines.push(
    `*Kubernetes v${cycle.version} shadow applications* are ${
      isOpen
        ? `open until ${closeText(cycle, zone)}`
        : cycle.state === 'published'
          ? 'closed, and the decisions were published'
          : 'closed'
    }.`,
  );
  if (audit) lines.push(audit);
  if (!app)
    lines.push(
      isOpen ? 'You have not applied. Apply with `/shadow apply`.' : 'You did not apply this cycle.',
    );
  else if (app.withdrawnAt)
    lines.push(`You withdrew your application.${isOpen ? ' `/shadow apply` applies again.' : ''}`);
  else {
    lines.push(
      `*Your application:* ${app.choices.map((r, i) => `${i + 1}. ${escapeMrkdwn(r)}`).join('  ')}\n` +
        `GitHub @${escapeMrkdwn(app.github)} · ${escapeMrkdwn(app.timeZone)} · ${app.hoursPerWeek} h/week · ` +
        `${app.servedBefore ? `served before${app.servedRole ? ` (${escapeMrkdwn(app.servedRole)})` : ''}` : 'first time'}`,
    );
    if (isOpen) lines.push('Edit it with `/shadow apply`, or withdraw with `/shadow withdraw`.');
    if (outcome) lines.push(`*Outcome:* ${outcomeMessage(cycle, outcome, channel).text}`);
    else if (!isOpen)
      lines.push('The leads are reviewing applications. You will get a DM when the decisions are published.');
  }
  const text = lines.join('\n');
  return message(text, [section(text)]);
}

/** Room kept below a section's 3,000 characters for the code fence around a chunk. */
const CODE_CHUNK = 2800;

/**
 * A long text (markdown or CSV) as code blocks, split to fit sections and the message limits. When
 * it does not fit even as plain text, it is cut at a line and `whenCut` (what the cut left out, and
 * how to get it) is said after it.
 */
export function codeReply(title: string, body: string, whenCut = ''): Message {
  const escaped = escapeEntities(body);
  const chunks: string[] = [];
  let current = '';
  for (const line of escaped.split('\n')) {
    if (current.length + line.length + 1 > CODE_CHUNK && current) {
      chunks.push(current);
      current = '';
    }
    current += `${line.slice(0, CODE_CHUNK)}\n`;
  }
  if (current.trim()) chunks.push(current);
  const text = `${title}\n\`\`\`\n${escaped}\n\`\`\``;
  const total = chunks.reduce((n, c) => n + c.length + 8, title.length);
  if (total > 11000 || chunks.length > 45) {
    if (text.length <= 39000) return { text };
    const lines = escaped.split('\n');
    let kept = '';
    let n = 0;
    while (n < lines.length && kept.length + lines[n]!.length + 1 < 36000) kept += `${lines[n++]}\n`;
    return {
      text: `${title}\n\`\`\`\n${kept}\`\`\`\n:scissors: Cut after line ${n} of ${lines.length}: too long for one Slack message. ${whenCut}`.slice(
        0,
        39500,
      ),
    };
  }
  return message(text, [section(title), ...chunks.map((c) => section(`\`\`\`\n${c}\`\`\``))]);
}
