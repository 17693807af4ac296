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
  slackDate,
} from '../slack/blocks';
import { escapeEntities, escapeMrkdwn, link } from '../slack/escape';
import type { GateResult, PullSnapshot } from './gates';
import { tidyGitHubReason } from './github';
import { type AuditRow, compareBranches, type PickRow } from './store';

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
  deadline?: CardDeadline;
  /** The zone of fallback texts (the channel's, or the reader's for a private preview). */
  timezone: string;
  /** Script hint for the original PR on branches without a pick. */
  supportedBranches?: string[];
  /** A patch-cut freeze removed the label from this pick (freeze-blocks.ts `frozenCardLine`). */
  frozen?: string;
}

/** The next cherry-pick deadline of the card's branch, and the zone the schedule's date is in. */
export interface CardDeadline {
  release: string;
  /** The cut-off instant. */
  deadline: DateTime;
  /** The zone of the schedule's date-only deadline ('AoE' = UTC-12, or an IANA zone). */
  zone: string;
}

const toDateTime = (iso: string | DateTime) =>
  typeof iso === 'string' ? DateTime.fromISO(iso, { zone: 'utc' }) : iso;

/** An instant as plain words in `zone`, naming the zone: "Wed 1 Jul 2026 09:00 UTC". */
export function fmtTime(iso: string | DateTime, zone: string): string {
  return toDateTime(iso).setZone(zone).toFormat('ccc d LLL yyyy HH:mm ZZZZ', { locale: 'en-GB' });
}

/**
 * An instant every reader sees in their own zone (Slack's date token); clients that cannot show
 * the token show `fmtTime` in `fallbackZone`, which names its zone.
 */
export function when(iso: string | DateTime, fallbackZone: string): string {
  const dt = toDateTime(iso);
  return slackDate(dt, '{date_short} at {time}', fmtTime(dt, fallbackZone));
}

/**
 * The deadline as the schedule names it, then in the reader's zone: the schedule gives a date
 * (Fri 10 Jul 2026) that ends at midnight AoE, which is Sat 11 Jul 12:00 UTC; saying "2026-07-11
 * 12:00 UTC" names a day the schedule never did. So: "*Fri 10 Jul, end of day AoE* (<local> your time)".
 */
export function deadlineWords(d: CardDeadline, fallbackZone: string): string {
  const zone = d.zone === 'AoE' ? 'UTC-12' : d.zone;
  const local = d.deadline.setZone(zone);
  const zoneName = d.zone === 'AoE' ? 'AoE' : local.toFormat('ZZZZ', { locale: 'en-GB' });
  const endOfDay = local.hour === 0 && local.minute === 0 && local.second === 0;
  const day = (endOfDay ? local.minus({ milliseconds: 1 }) : local).toFormat('ccc d LLL', {
    locale: 'en-GB',
  });
  const named = endOfDay
    ? `${day}, end of day ${zoneName}`
    : `${day}, ${local.toFormat('HH:mm')} ${zoneName}`;
  const yours = slackDate(d.deadline, '{date_short} at {time}', fmtTime(d.deadline, fallbackZone));
  return `*${named}* (${yours} your time)`;
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

/** Whether the card still asks for a decision: open, and not rejected (a rejection is final). */
const actionable = (row: PickRow) => row.prState === 'open' && row.state !== 'rejected';

/** What the card says about the decision, in the past tense for what is over. */
function statusLine(input: CardInput): string {
  const { row } = input;
  const who = row.actor ? `<@${row.actor}>` : 'someone';
  const dry = row.dryRun ? ' _(dry run: no label or comment was made on GitHub)_' : '';
  const at = row.decidedAt ? ` on ${when(row.decidedAt, input.timezone)}` : '';
  const pr = row.prState === 'merged' ? 'was merged' : 'was closed';
  const ended = row.prState !== 'open' ? `\n:lock: The pull request ${pr} afterwards.` : '';
  switch (row.state) {
    case 'approved':
      if (!row.actor)
        return `:white_check_mark: *Approved on GitHub*: the \`${escapeEntities(input.label)}\` label was added there.${ended}`;
      return `:white_check_mark: *Approved* by ${who}${at}.${dry}${ended}`;
    case 'rejected':
      return `:no_entry: *Rejected* by ${who}${at}.${dry}${ended}\n>${escapeMrkdwn(
        cut(row.reason ?? '', 1500),
      ).replace(/\n/g, '\n>')}`;
    case 'approving':
      return `:hourglass_flowing_sand: ${who} is approving this now…`;
    case 'rejecting':
      return `:hourglass_flowing_sand: ${who} is rejecting this now…`;
    case 'failed': {
      const what = row.action === 'reject' ? 'rejection' : 'approval';
      if (row.prState !== 'open')
        return `:lock: The pull request ${pr} before the ${what} by ${who} could be finished. Nothing more is needed here.`;
      const done: string[] = [];
      if (row.labelDone) done.push(`the \`${escapeEntities(input.label)}\` label was added`);
      if (row.commentDone) done.push('the comment was posted');
      const reason = escapeMrkdwn(tidyGitHubReason(row.error ?? 'an unknown error'));
      return `:warning: *The ${what} by ${who} failed*: ${reason}. ${
        done.length ? `So far ${done.join(' and ')}.` : 'Nothing was changed on GitHub.'
      } Use *Retry* to finish it.`;
    }
    default:
      if (row.prState !== 'open')
        return `:lock: The pull request ${pr} before anyone decided on it. Nothing is left to approve.`;
      return input.gates.ok
        ? ':large_green_circle: *Waiting for a release manager*: all gates pass.'
        : `:large_yellow_circle: *Waiting*: ${escapeEntities(input.gates.reasons.join('; '))}.`;
  }
}

const SIBLINGS_SHOWN = 15;

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
  // A closed, merged or rejected pick asks nothing more: no gate marks, no deadline to meet.
  const live = actionable(row);
  if (live) blocks.push(section(`*Gates:* ${gateLine(gates)}`));
  const ctx: string[] = [];
  if (live && input.deadline)
    ctx.push(
      `:calendar: Next cherry-pick deadline for ${escapeEntities(s.base)} (${escapeEntities(input.deadline.release)}): ${deadlineWords(input.deadline, input.timezone)}`,
    );
  if (live && gates.pendingStatuses.length)
    ctx.push(`:hourglass: Still running: ${escapeMrkdwn(cut(gates.pendingStatuses.join(', '), 500))}`);
  if (ctx.length) blocks.push(context(...ctx));
  if (input.siblings.length) {
    const parts = input.siblings.slice(0, SIBLINGS_SHOWN).map((sib) => {
      const st = sib.prState !== 'open' ? sib.prState : sib.state;
      return `${link(sib.snapshot.htmlUrl, `#${sib.number}`)} → \`${escapeEntities(sib.base)}\` (${st})`;
    });
    const more = input.siblings.length - SIBLINGS_SHOWN;
    blocks.push(
      context(
        `*Sibling picks:* ${parts.join(', ')}${more > 0 ? `, and ${more} more on other branches (\`/cherrypick list\` shows them)` : ''}`,
      ),
    );
  }
  blocks.push(section(statusLine(input)));
  if (input.frozen && row.prState === 'open') blocks.push(section(input.frozen));
  if (input.dryRun && live && row.state !== 'approved')
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

/** How many picks `/cherrypick list` shows; beyond it the answer names what it left out. */
export const LIST_SHOWN = 40;
/** How many audit entries `/cherrypick audit` shows (the latest); the older ones are summed up. */
export const AUDIT_SHOWN = 40;

/** Counts by branch, newest branch first. */
function byBranch(rows: PickRow[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.base, (counts.get(r.base) ?? 0) + 1);
  return [...counts].sort((a, b) => compareBranches(b[0], a[0]));
}

/** GitHub's search for the open picks of a branch still without approval. */
function searchLink(branch: string, gh: { repos: string[]; unapprovedLabel: string }): string {
  const q = `is:pr is:open base:${branch} label:"${gh.unapprovedLabel}" ${gh.repos.map((r) => `repo:${r}`).join(' ')}`;
  return link(
    `https://github.com/search?type=pullrequests&q=${encodeURIComponent(q)}`,
    `GitHub's search for unapproved picks on ${branch}`,
  );
}

export function renderList(
  rows: Array<{ row: PickRow; gates: GateResult }>,
  opts: { now: DateTime; branch?: string; github?: { repos: string[]; unapprovedLabel: string } },
): Message {
  const where = opts.branch ? ` on \`${escapeEntities(opts.branch)}\`` : '';
  if (rows.length === 0) {
    const text = `No cherry-picks are waiting for approval${where}.`;
    return message(text, [section(text)]);
  }
  const shown = rows.slice(0, LIST_SHOWN);
  const lines = shown.map(({ row, gates }) => {
    const s = row.snapshot;
    const gate = gates.ok
      ? ':white_check_mark: gates pass'
      : `:x: ${escapeEntities(gates.reasons.join('; '))}`;
    const state =
      row.state === 'failed'
        ? ' :warning: the last attempt failed'
        : row.state === 'approving'
          ? ' (an approval is in progress)'
          : row.state === 'rejecting'
            ? ' (a rejection is in progress)'
            : '';
    return `• ${link(s.htmlUrl, keyOfRow(row))} \`${escapeEntities(s.base)}\` · ${humanAge(s.createdAt, opts.now)} old · ${escapeMrkdwn(
      cut(s.title, 90),
    )}\n    ${gate}${state}`;
  });
  const title = `*${rows.length} cherry-pick${rows.length === 1 ? '' : 's'} waiting for approval${where}* (oldest first)`;
  const blocks: KnownBlock[] = [section(title)];
  const left = rows.length - shown.length;
  const all = byBranch(rows.map((r) => r.row));
  const shownCounts = new Map(byBranch(shown.map((r) => r.row)));
  if (left > 0 && !opts.branch)
    blocks.push(section(`*By branch:* ${all.map(([b, n]) => `\`${escapeEntities(b)}\` ${n}`).join(' · ')}`));
  blocks.push(...lineSections(lines));
  if (left > 0) {
    const head = `Showing the oldest ${shown.length} of ${rows.length}${where}.`;
    if (!opts.branch) {
      const notShown = all
        .map(([b, n]) => [b, n - (shownCounts.get(b) ?? 0)] as const)
        .filter(([, n]) => n > 0);
      blocks.push(
        context(
          `${head} Not shown: ${notShown.map(([b, n]) => `${n} on \`${escapeEntities(b)}\``).join(', ')}. ` +
            `To see one branch, use \`/cherrypick list ${escapeEntities(notShown[0]![0])}\`.`,
        ),
      );
    } else {
      const rest = left === 1 ? 'The newest one is not shown.' : `The ${left} newest are not shown.`;
      const more = opts.github ? ` ${searchLink(opts.branch, opts.github)} lists them all.` : '';
      blocks.push(context(`${head} ${rest}${more}`));
    }
  }
  return message(title.replace(/\*/g, ''), blocks);
}

const AUDIT_WORDS: Record<string, string> = {
  approved: 'approved it',
  rejected: 'rejected it',
  approve_failed: 'tried to approve it, and it failed',
  reject_failed: 'tried to reject it, and it failed',
  approved_on_github: 'approved it (the label was added there)',
};
/** Audit actions counted in the summary of entries not shown. */
const AUDIT_NOUNS: Record<string, [string, string]> = {
  approved: ['approval', 'approvals'],
  rejected: ['rejection', 'rejections'],
  approve_failed: ['failed approval', 'failed approvals'],
  reject_failed: ['failed rejection', 'failed rejections'],
  approved_on_github: ['approval on GitHub', 'approvals on GitHub'],
};

export function renderAudit(key: string, rows: AuditRow[], opts: { timezone: string; url: string }): Message {
  if (rows.length === 0) {
    const text = `relbot has no record of actions on ${escapeEntities(key)}.`;
    return message(text, [section(text)]);
  }
  const shown = rows.slice(-AUDIT_SHOWN);
  const lines = shown.map((r) => {
    const who = r.actor ? `<@${r.actor}>` : 'GitHub';
    const what = AUDIT_WORDS[r.action] ?? escapeEntities(r.action);
    const text = r.detail ? escapeMrkdwn(cut(tidyGitHubReason(r.detail).replace(/\s*\n\s*/g, ' '), 300)) : '';
    // A rejection's detail is the rejecter's reason: quoted, so it reads as their words.
    const detail = text ? (r.action === 'rejected' ? `: “${text}”` : `: ${text}`) : '';
    return `• ${when(r.at, opts.timezone)}: ${who} ${what}${detail}${r.dryRun ? ' _(dry run)_' : ''}`;
  });
  const title = `*Audit of ${link(opts.url, key)}*`;
  const blocks: KnownBlock[] = [section(title)];
  const older = rows.slice(0, rows.length - shown.length);
  if (older.length) {
    const counts = new Map<string, number>();
    for (const r of older) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
    const parts = [...counts].map(([a, n]) => {
      const noun = AUDIT_NOUNS[a];
      return `${n} ${noun ? noun[n === 1 ? 0 : 1] : escapeEntities(a)}`;
    });
    blocks.push(
      context(
        `Showing the latest ${shown.length} of ${rows.length} entries. ` +
          `The ${older.length} older ones, from ${when(older[0]!.at, opts.timezone)} to ${when(older.at(-1)!.at, opts.timezone)}, are ${parts.join(', ')}. ` +
          `Every label and comment relbot made is also on ${link(opts.url, "the pull request's timeline")}.`,
      ),
    );
  }
  blocks.push(...lineSections(lines));
  return message(`Audit of ${key}`, blocks);
}
