import type { KnownBlock } from '@slack/types';
import type { DateTime } from 'luxon';
import type { Deps } from '../../deps';
import { actions, button, confirmDialog, context, cut, section } from '../../slack/blocks';
import { escapeEntities, escapeMrkdwn, link } from '../../slack/escape';
import { ACTIONS, humanAge, keyOfRow } from '../blocks';
import { mayAct, sameLogin } from '../permissions';
import { cpConfig, gatesOf, storeOf } from '../shared';

/**
 * What the Home tab (src/home/) asks the cherry-picks feature: for an approver, the picks waiting
 * on them, with the card's own buttons. Approve and Reject… carry the same action_id and value as
 * on the channel card (`cherrypick_approve` / `cherrypick_reject`, value `owner/repo#N`), so a
 * click on the Home tab runs the same claim, GitHub writes and audit row as a click on the card.
 * A pick the approver opened themselves is not waiting on them (they cannot approve it).
 */

/** Picks shown on the Home tab (two blocks each); the rest are counted with `/cherrypick list`. */
const SHOWN = 15;

/** "under an hour ago", "5h ago", "3d ago": no minutes, so the tab does not change every minute. */
function opened(iso: string, now: DateTime): string {
  return now.toMillis() - Date.parse(iso) < 3_600_000 ? 'under an hour ago' : `${humanAge(iso, now)} ago`;
}

export async function homePickBlocks(deps: Deps, user: string): Promise<KnownBlock[] | undefined> {
  if (!(await mayAct(deps, user))) return undefined;
  const login = deps.directory.githubLoginFor(user);
  const now = deps.clock.now();
  const label = cpConfig(deps).label;
  const waiting = storeOf(deps)
    .pending()
    .filter((r) => !sameLogin(login, r.snapshot.author));
  const blocks: KnownBlock[] = [
    section(
      waiting.length
        ? `*Cherry-picks waiting for you* (${waiting.length}, oldest first)`
        : '*Cherry-picks waiting for you*\nNone: no pick is waiting for an approver.',
    ),
  ];
  for (const row of waiting.slice(0, SHOWN)) {
    const key = keyOfRow(row);
    const s = row.snapshot;
    const gates = gatesOf(deps, s);
    const state =
      row.state === 'pending'
        ? gates.ok
          ? ':large_green_circle: all gates pass'
          : `:large_yellow_circle: ${escapeEntities(cut(gates.reasons.join('; '), 300))}`
        : row.state === 'failed'
          ? ':warning: the last attempt failed; *Retry* finishes it'
          : ':hourglass_flowing_sand: being decided right now';
    blocks.push(
      section(
        `${link(s.htmlUrl, key)} → \`${escapeEntities(s.base)}\`: ${escapeMrkdwn(cut(s.title, 150))}\n` +
          `by ${escapeMrkdwn(s.author)}, opened ${opened(row.prCreatedAt, now)} · ${state}`,
        { blockId: `home-pick:${key}` },
      ),
    );
    if (row.state === 'pending')
      blocks.push(
        actions(`home-pick-actions:${key}`, [
          button('Approve', ACTIONS.approve, key, {
            style: 'primary',
            confirm: confirmDialog({
              title: 'Approve this cherry-pick?',
              text: `relbot will add \`${escapeEntities(label)}\` to ${escapeEntities(key)} and comment that you approved it from Slack.`,
              confirm: 'Approve',
            }),
          }),
          button('Reject…', ACTIONS.reject, key, { style: 'danger' }),
        ]),
      );
    else if (row.state === 'failed')
      blocks.push(
        actions(`home-pick-actions:${key}`, [button('Retry', ACTIONS.retry, key, { style: 'primary' })]),
      );
  }
  if (waiting.length > SHOWN)
    blocks.push(
      context(`…and ${waiting.length - SHOWN} more. \`/cherrypick list\` shows every pick waiting.`),
    );
  return blocks;
}
