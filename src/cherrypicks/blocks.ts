import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { escapeEntities, escapeMrkdwn, link, truncate } from '../slack/escape';
import type { GateResult, PullSnapshot } from './gates';
import type { AuditRow, PickRow } from './store';

/**
 * Pure Block Kit renderers: the channel card, the reject modal, `/cherrypick list` and
 * `/cherrypick audit`. Everything that came from GitHub or a person is escaped here.
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

type Block = Record<string, unknown>;

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

const mrkdwn = (text: string): Block => ({ type: 'mrkdwn', text });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(truncate(text, 3000)) });
const context = (...texts: string[]): Block => ({
  type: 'context',
  elements: texts.slice(0, 10).map((t) => mrkdwn(truncate(t, 3000))),
});
const button = (text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Block => ({
  type: 'button',
  text: { type: 'plain_text', text: truncate(text, 75) },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});

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
        truncate(row.reason ?? '', 1500),
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

export function renderCard(input: CardInput): { text: string; blocks: Block[] } {
  const { row, gates } = input;
  const s = row.snapshot;
  const key = keyOfRow(row);
  const blocks: Block[] = [];
  blocks.push({
    type: 'header',
    text: { type: 'plain_text', text: truncate(`Cherry-pick ${key} → ${s.base}`, 150) },
  });
  const originals = s.originals.length
    ? s.originals.map((n) => origLink(s, n)).join(', ')
    : '_not named in the title or body_';
  blocks.push(
    section(
      `*${prLink(s, truncate(s.title, 250))}*\n` +
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
    ctx.push(`:hourglass: Still running: ${escapeMrkdwn(truncate(gates.pendingStatuses.join(', '), 500))}`);
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
  const buttons: Block[] = [];
  if (open && row.state === 'pending') {
    const approve = button('Approve', ACTIONS.approve, key, 'primary');
    approve.confirm = {
      title: { type: 'plain_text', text: 'Approve this cherry-pick?' },
      text: mrkdwn(
        truncate(
          `relbot will add \`${escapeEntities(input.label)}\` to ${escapeEntities(key)} and comment that you approved it from Slack.`,
          300,
        ),
      ),
      confirm: { type: 'plain_text', text: 'Approve' },
      deny: { type: 'plain_text', text: 'Cancel' },
    };
    buttons.push(approve, button('Reject…', ACTIONS.reject, key, 'danger'));
    const pendingSiblings = input.siblings.filter((x) => x.prState === 'open' && x.state === 'pending');
    if (pendingSiblings.length)
      buttons.push(button(`Approve all ${pendingSiblings.length + 1} branches`, ACTIONS.approveAll, key));
  } else if (open && row.state === 'failed') {
    buttons.push(button('Retry', ACTIONS.retry, key, 'primary'));
  }
  if (buttons.length)
    blocks.push({ type: 'actions', block_id: `cherrypick:${key}`.slice(0, 255), elements: buttons });
  const text = `Cherry-pick ${key} into ${s.base}: ${escapeMrkdwn(truncate(s.title, 200))}`;
  return { text, blocks };
}

/** A stable hash of what a card shows, so unchanged cards are not updated. */
export function cardHash(card: { text: string; blocks: unknown[] }): string {
  return createHash('sha256').update(JSON.stringify(card)).digest('hex').slice(0, 32);
}

export function rejectModal(row: PickRow): Block {
  const s = row.snapshot;
  return {
    type: 'modal',
    callback_id: REJECT_VIEW,
    private_metadata: keyOfRow(row),
    title: { type: 'plain_text', text: 'Reject cherry-pick' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `${prLink(s, `${keyOfRow(row)}`)} → \`${escapeEntities(s.base)}\`\n${escapeMrkdwn(truncate(s.title, 500))}`,
      ),
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: { type: 'plain_text', text: 'Why is it rejected?' },
        hint: {
          type: 'plain_text',
          text: 'Posted as a comment on the pull request, shown on the card and kept in the audit log.',
        },
        element: {
          type: 'plain_text_input',
          action_id: REASON_ACTION,
          multiline: true,
          max_length: REASON_MAX,
        },
      },
    ],
  };
}

export function humanAge(fromIso: string, now: DateTime): string {
  const mins = Math.max(
    0,
    Math.floor(now.diff(DateTime.fromISO(fromIso, { zone: 'utc' }), 'minutes').minutes),
  );
  if (mins < 60) return `${mins}m`;
  const hours = Math.floor(mins / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

export function renderList(
  rows: Array<{ row: PickRow; gates: GateResult }>,
  opts: { now: DateTime; branch?: string },
): { text: string; blocks: Block[] } {
  const where = opts.branch ? ` on \`${escapeEntities(opts.branch)}\`` : '';
  if (rows.length === 0) {
    const text = `No cherry-picks are waiting for approval${where}.`;
    return { text, blocks: [section(text)] };
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
      truncate(s.title, 90),
    )}\n    ${gate}${state}`;
  });
  const header = `*${rows.length} cherry-pick${rows.length === 1 ? '' : 's'} waiting for approval${where}* (oldest first)`;
  const blocks: Block[] = [section(header), ...lineSections(lines)];
  if (rows.length > shown.length) blocks.push(context(`…and ${rows.length - shown.length} more.`));
  return { text: header.replace(/\*/g, ''), blocks };
}

/** Lines packed into as few sections as fit Slack's 3,000 characters per section. */
function lineSections(lines: string[]): Block[] {
  const out: Block[] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const l of lines) {
    if (size + l.length > 2800 && chunk.length) {
      out.push(section(chunk.join('\n')));
      chunk = [];
      size = 0;
    }
    chunk.push(l);
    size += l.length + 1;
  }
  if (chunk.length) out.push(section(chunk.join('\n')));
  return out;
}

const AUDIT_WORDS: Record<string, string> = {
  approved: 'approved',
  rejected: 'rejected',
  approve_failed: 'tried to approve; it failed',
  reject_failed: 'tried to reject; it failed',
  approved_on_github: 'approved on GitHub',
};

export function renderAudit(
  key: string,
  rows: AuditRow[],
  opts: { timezone: string; url: string },
): { text: string; blocks: Block[] } {
  if (rows.length === 0) {
    const text = `relbot has no record of actions on ${escapeEntities(key)}.`;
    return { text, blocks: [section(text)] };
  }
  const lines = rows.slice(-40).map((r) => {
    const who = r.actor ? `<@${r.actor}>` : 'GitHub';
    const what = AUDIT_WORDS[r.action] ?? escapeEntities(r.action);
    const detail = r.detail ? ` — ${escapeMrkdwn(truncate(r.detail, 300))}` : '';
    return `• ${fmtTime(r.at, opts.timezone)} — ${who} ${what}${detail}${r.dryRun ? ' _(dry run)_' : ''}`;
  });
  const header = `*Audit of ${link(opts.url, key)}*`;
  const blocks: Block[] = [section(header), ...lineSections(lines)];
  return { text: `Audit of ${key}`, blocks };
}
