import { createHash } from 'node:crypto';
import type { Button } from '@slack/types';
import { DateTime, Duration } from 'luxon';
import {
  actions,
  button,
  confirmDialog,
  context,
  cut,
  header,
  input,
  type KnownBlock,
  lineSections,
  type Message,
  type ModalView,
  message,
  modal,
  section,
} from '../slack/blocks';
import { escapeEntities, escapeMrkdwn, link } from '../slack/escape';
import type { GateResult, PullSnapshot } from './gates';
import type { AuditRow, PickRow } from './store';

/**
 * Pure Block Kit renderers, built with the shared kit (src/slack/blocks.ts): the channel card, the
 * reject modal, `/cherrypick list` and `/cherrypick audit`. Everything that came from GitHub or a
 * person is escaped here.
 */

export const ACTIONS = {
  approve: 'cherrypick_approve',
  reject: 'cherrypick_reject',
  approveAll: 'cherrypick_approve_all',
  retry: 'cherrypick_retry',
} as const;
export const REJECT_VIEW = 'cherrypick_reject';
export const REASON_BLOCK = 'reason';
export const REASON_ACTION = 'reason';
export const REASON_MAX = 2000;

/** A card: its notification text and blocks (always well under Slack's 50). */
export interface Card {
  text: string;
  blocks: KnownBlock[];
}

export interface CardInput {
  row: PickRow;
  gates: GateResult;
  siblings: PickRow[];
  label: string;
  /** Dry run in force now (the card says GitHub writes are only logged). */
  dryRun: boolean;
  deadline?: { release: string; deadline: DateTime };
  timezone: string;
  /** Script hint for the original PR on branches without a pick. */
  supportedBranches?: string[];
}

export function fmtTime(iso: string | DateTime, zone: string): string {
  const dt = typeof iso === 'string' ? DateTime.fromISO(iso, { zone: 'utc' }) : iso;
  return dt.setZone(zone).toFormat('yyyy-MM-dd HH:mm ZZZZ');
}

export const keyOfRow = (r: { repo: string; number: number }) => `${r.repo}#${r.number}`;
const prLink = (s: PullSnapshot, label?: string) => link(s.htmlUrl, label ?? `#${s.number}`);
const origLink = (s: PullSnapshot, n: number) =>
  link(`https://github.com/${s.owner}/${s.repo}/pull/${n}`, `#${n}`);

function gateLine(g: GateResult): string {
  const icon = (ok: boolean) => (ok ? ':white_check_mark:' : ':x:');
  return g.gates
    .filter((x) => x.id !== 'open' || !x.ok)
    .map((x) => `${icon(x.ok)} ${x.id === 'branch' ? 'release branch' : escapeMrkdwn(x.text)}`)
    .join('   ');
}

/** What the card says about the decision. */
function statusLine(input: CardInput): string {
  const { row } = input;
  const who = row.actor ? `<@${row.actor}>` : 'someone';
  const dry = row.dryRun ? ' _(dry run: no label or comment was made on GitHub)_' : '';
  switch (row.state) {
    case 'approved':
      if (!row.actor)
        return `:white_check_mark: *Approved on GitHub* (the \`${escapeEntities(input.label)}\` label is present)`;
      return `:white_check_mark: *Approved* by ${who} at ${fmtTime(row.decidedAt!, input.timezone)}${dry}`;
    case 'rejected':
      return `:no_entry: *Rejected* by ${who} at ${fmtTime(row.decidedAt!, input.timezone)}${dry}\n>${escapeMrkdwn(
        cut(row.reason ?? '', 1500),
      ).replace(/\n/g, '\n>')}`;
    case 'approving':
      return `:hourglass_flowing_sand: ${who} is approving this now…`;
    case 'rejecting':
      return `:hourglass_flowing_sand: ${who} is rejecting this now…`;
    case 'failed': {
      const what = row.action === 'reject' ? 'Rejection' : 'Approval';
      const done: string[] = [];
      if (row.labelDone) done.push(`the \`${escapeEntities(input.label)}\` label was added`);
      if (row.commentDone) done.push('the comment was posted');
      return `:warning: *${what} by ${who} failed*: ${escapeMrkdwn(row.error ?? 'unknown error')}. ${
        done.length ? `So far ${done.join(' and ')}; ` : 'Nothing was changed on GitHub; '
      }use *Retry* to finish it.`;
    }
    default:
      if (input.row.prState !== 'open') return `:lock: The pull request is ${input.row.prState}.`;
      return input.gates.ok
        ? ':large_green_circle: *Waiting for a release manager*: all gates pass.'
        : `:large_yellow_circle: *Waiting*: ${escapeEntities(input.gates.reasons.join('; '))}.`;
  }
}

export function renderCard(input: CardInput): Card {
  const { row, gates } = input;
  const s = row.snapshot;
  const key = keyOfRow(row);
  const blocks: KnownBlock[] = [];
  blocks.push(header(`Cherry-pick ${key} → ${s.base}`));
  const originals = s.originals.length
    ? s.originals.map((n) => origLink(s, n)).join(', ')
    : '_not named in the title or body_';
  blocks.push(
    section(
      `*${prLink(s, cut(s.title, 250))}*\n` +
        `*Author:* ${escapeMrkdwn(s.author)}   *Target branch:* \`${escapeEntities(s.base)}\`\n` +
        `*Original PR${s.originals.length > 1 ? 's' : ''}:* ${originals}`,
    ),
  );
  blocks.push(section(`*Gates:* ${gateLine(gates)}`));
  const ctx: string[] = [];
  if (input.deadline)
    ctx.push(
      `:calendar: Next cherry-pick deadline for ${escapeEntities(s.base)}: *${fmtTime(input.deadline.deadline, input.timezone)}* (for ${escapeEntities(input.deadline.release)})`,
    );
  if (gates.pendingStatuses.length)
    ctx.push(`:hourglass: Still running: ${escapeMrkdwn(cut(gates.pendingStatuses.join(', '), 500))}`);
  if (ctx.length) blocks.push(context(...ctx));
  if (input.siblings.length) {
    const parts = input.siblings.slice(0, 15).map((sib) => {
      const st = sib.prState !== 'open' ? sib.prState : sib.state;
      return `${link(sib.snapshot.htmlUrl, `#${sib.number}`)} → \`${escapeEntities(sib.base)}\` (${st})`;
    });
    blocks.push(context(`*Sibling picks:* ${parts.join(', ')}${input.siblings.length > 15 ? ', …' : ''}`));
  }
  blocks.push(section(statusLine(input)));
  if (input.dryRun && row.state !== 'approved' && row.state !== 'rejected')
    blocks.push(context(':test_tube: Dry run: relbot logs GitHub writes instead of making them.'));

  const open = row.prState === 'open';
  const buttons: Button[] = [];
  if (open && row.state === 'pending') {
    const confirm = confirmDialog({
      title: 'Approve this cherry-pick?',
      text: `relbot will add \`${escapeEntities(input.label)}\` to ${escapeEntities(key)} and comment that you approved it from Slack.`,
      confirm: 'Approve',
    });
    buttons.push(
      button('Approve', ACTIONS.approve, key, { style: 'primary', confirm }),
      button('Reject…', ACTIONS.reject, key, { style: 'danger' }),
    );
    const pendingSiblings = input.siblings.filter((x) => x.prState === 'open' && x.state === 'pending');
    if (pendingSiblings.length)
      buttons.push(button(`Approve all ${pendingSiblings.length + 1} branches`, ACTIONS.approveAll, key));
  } else if (open && row.state === 'failed') {
    buttons.push(button('Retry', ACTIONS.retry, key, { style: 'primary' }));
  }
  if (buttons.length) blocks.push(actions(`cherrypick:${key}`, buttons));
  const text = `Cherry-pick ${key} into ${s.base}: ${escapeMrkdwn(cut(s.title, 200))}`;
  return { text, blocks };
}

/** A stable hash of what a card shows, so unchanged cards are not updated. */
export function cardHash(card: { text: string; blocks: unknown[] }): string {
  return createHash('sha256').update(JSON.stringify(card)).digest('hex').slice(0, 32);
}

export function rejectModal(row: PickRow): ModalView {
  const s = row.snapshot;
  return modal({
    callbackId: REJECT_VIEW,
    privateMetadata: keyOfRow(row),
    title: 'Reject cherry-pick',
    submit: 'Reject',
    close: 'Cancel',
    blocks: [
      section(
        `${prLink(s, `${keyOfRow(row)}`)} → \`${escapeEntities(s.base)}\`\n${escapeMrkdwn(cut(s.title, 500))}`,
      ),
      input(
        REASON_BLOCK,
        'Why is it rejected?',
        { type: 'plain_text_input', action_id: REASON_ACTION, multiline: true, max_length: REASON_MAX },
        { hint: 'Posted as a comment on the pull request, shown on the card and kept in the audit log.' },
      ),
    ],
  });
}

/**
 * How long ago `fromIso` was, in one unit: minutes below an hour, hours below two days, then days
 * ('45m', '24h', '3d'). Luxon's narrow English unit format writes it; the thresholds are ours.
 */
export function humanAge(fromIso: string, now: DateTime): string {
  const mins = Math.max(
    0,
    Math.floor(now.diff(DateTime.fromISO(fromIso, { zone: 'utc' }), 'minutes').minutes),
  );
  const hours = Math.floor(mins / 60);
  const age = mins < 60 ? { minutes: mins } : hours < 48 ? { hours } : { days: Math.floor(hours / 24) };
  return Duration.fromObject(age, { locale: 'en-US' }).toHuman({ unitDisplay: 'narrow', useGrouping: false });
}

export function renderList(
  rows: Array<{ row: PickRow; gates: GateResult }>,
  opts: { now: DateTime; branch?: string },
): Message {
  const where = opts.branch ? ` on \`${escapeEntities(opts.branch)}\`` : '';
  if (rows.length === 0) {
    const text = `No cherry-picks are waiting for approval${where}.`;
    return message(text, [section(text)]);
  }
  const shown = rows.slice(0, 40);
  const lines = shown.map(({ row, gates }) => {
    const s = row.snapshot;
    const gate = gates.ok
      ? ':white_check_mark: gates pass'
      : `:x: ${escapeEntities(gates.reasons.join('; '))}`;
    const state =
      row.state === 'failed'
        ? ' :warning: last attempt failed'
        : row.state === 'pending'
          ? ''
          : ` (${row.state})`;
    return `• ${link(s.htmlUrl, keyOfRow(row))} \`${escapeEntities(s.base)}\` · ${humanAge(s.createdAt, opts.now)} old · ${escapeMrkdwn(
      cut(s.title, 90),
    )}\n    ${gate}${state}`;
  });
  const title = `*${rows.length} cherry-pick${rows.length === 1 ? '' : 's'} waiting for approval${where}* (oldest first)`;
  const blocks: KnownBlock[] = [section(title), ...lineSections(lines)];
  if (rows.length > shown.length) blocks.push(context(`…and ${rows.length - shown.length} more.`));
  return message(title.replace(/\*/g, ''), blocks);
}

const AUDIT_WORDS: Record<string, string> = {
  approved: 'approved',
  rejected: 'rejected',
  approve_failed: 'tried to approve; it failed',
  reject_failed: 'tried to reject; it failed',
  approved_on_github: 'approved on GitHub',
};

export function renderAudit(key: string, rows: AuditRow[], opts: { timezone: string; url: string }): Message {
  if (rows.length === 0) {
    const text = `relbot has no record of actions on ${escapeEntities(key)}.`;
    return message(text, [section(text)]);
  }
  const lines = rows.slice(-40).map((r) => {
    const who = r.actor ? `<@${r.actor}>` : 'GitHub';
    const what = AUDIT_WORDS[r.action] ?? escapeEntities(r.action);
    const detail = r.detail ? ` — ${escapeMrkdwn(cut(r.detail, 300))}` : '';
    return `• ${fmtTime(r.at, opts.timezone)} — ${who} ${what}${detail}${r.dryRun ? ' _(dry run)_' : ''}`;
  });
  const title = `*Audit of ${link(opts.url, key)}*`;
  return message(`Audit of ${key}`, [section(title), ...lineSections(lines)]);
}
