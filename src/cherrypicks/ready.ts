import type { Deps } from '../deps';
import { channelFor } from '../deps';
import {
  context,
  cut,
  groupRef,
  type KnownBlock,
  lineSections,
  type Message,
  message,
  section,
} from '../slack/blocks';
import { escapeEntities, escapeMrkdwn, link } from '../slack/escape';
import { keyOfRow } from './blocks';
import type { GateResult } from './gates';
import { cpConfig, nowIso, storeOf } from './shared';
import type { PickRow } from './store';

/**
 * "Ready for approval": when a pick that was waiting (on lgtm, approved, tests, or a blocking label
 * such as a hold) passes every gate, the release managers hear it once, mentioning their user group.
 * Notices are queued in SQLite (migration 011) as the gates are re-checked (discovery, a lookup) and
 * flushed after each discovery run, batched per channel: at most one message every
 * `cherrypicks.readyNotice.batchMinutes`. One notice goes in the card's thread; several become one
 * channel message listing them with links to their cards (one ping for a burst, not one thread
 * reply per card). A pick is announced again only after it falls back and recovers. Each batch is
 * one outbox post (`cherrypick-ready:<batch id>`), so a restart never posts it twice.
 */

/** Records a pick's gates as seen now; queues a notice when it turned ready after waiting. */
export function noteReadiness(deps: Deps, row: PickRow, gates: GateResult): void {
  const cfg = cpConfig(deps).readyNotice;
  const now = nowIso(deps);
  const waitingForDecision = row.prState === 'open' && row.state === 'pending';
  const ready = gates.ok && waitingForDecision ? 1 : 0;
  deps.db.transaction(() => {
    const prev = deps.db
      .prepare('SELECT ready, episode FROM cherrypick_ready WHERE repo = ? AND number = ?')
      .get(row.repo, row.number) as { ready: number; episode: number } | undefined;
    if (!prev) {
      // First sight: nothing was waited for yet (the card itself says whether the gates pass).
      deps.db
        .prepare(
          'INSERT INTO cherrypick_ready (repo, number, ready, episode, changed_at) VALUES (?, ?, ?, 0, ?)',
        )
        .run(row.repo, row.number, ready, now);
      return;
    }
    if (prev.ready === ready) return;
    const episode = prev.episode + ready;
    deps.db
      .prepare(
        'UPDATE cherrypick_ready SET ready = ?, episode = ?, changed_at = ? WHERE repo = ? AND number = ?',
      )
      .run(ready, episode, now, row.repo, row.number);
    if (!ready || !cfg.enabled || isMuted(deps, row.base)) return;
    deps.db
      .prepare(
        'INSERT OR IGNORE INTO cherrypick_ready_notices (repo, number, episode, channel, queued_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(row.repo, row.number, episode, row.cardChannel ?? channelFor(deps.config, 'cherrypicks'), now);
  })();
}

export function isMuted(deps: Deps, branch: string): boolean {
  return !!deps.db.prepare('SELECT 1 FROM cherrypick_ready_mutes WHERE branch = ?').get(branch);
}

/** Mutes (or unmutes) a branch's notices; false when it already was (not). */
export function setMuted(deps: Deps, branch: string, muted: boolean, actor: string): boolean {
  const res = muted
    ? deps.db
        .prepare('INSERT OR IGNORE INTO cherrypick_ready_mutes (branch, actor, muted_at) VALUES (?, ?, ?)')
        .run(branch, actor, nowIso(deps))
    : deps.db.prepare('DELETE FROM cherrypick_ready_mutes WHERE branch = ?').run(branch);
  if (muted && res.changes === 1)
    // Queued notices of a branch muted now are not sent.
    deps.db
      .prepare(
        `DELETE FROM cherrypick_ready_notices WHERE batch_id IS NULL AND EXISTS (
           SELECT 1 FROM cherrypicks c WHERE c.repo = cherrypick_ready_notices.repo
             AND c.number = cherrypick_ready_notices.number AND c.base = ?)`,
      )
      .run(branch);
  return res.changes === 1;
}

export function mutedBy(deps: Deps, branch: string): { actor: string; at: string } | undefined {
  const r = deps.db
    .prepare('SELECT actor, muted_at FROM cherrypick_ready_mutes WHERE branch = ?')
    .get(branch) as { actor: string; muted_at: string } | undefined;
  return r ? { actor: r.actor, at: r.muted_at } : undefined;
}

interface Batch {
  id: number;
  channel: string;
  created_at: string;
}

/** Sends what is due: batches a crash left unposted, then one new batch per channel whose window passed. */
export async function flushReadyNotices(deps: Deps): Promise<number> {
  let sent = 0;
  const left = deps.db
    .prepare(
      "SELECT id, channel, created_at FROM cherrypick_ready_batches WHERE state = 'posting' ORDER BY id",
    )
    .all() as Batch[];
  for (const b of left) sent += (await postBatch(deps, b)) ? 1 : 0;
  const channels = deps.db
    .prepare('SELECT DISTINCT channel FROM cherrypick_ready_notices WHERE batch_id IS NULL')
    .all() as Array<{ channel: string }>;
  const windowStart = deps.clock
    .now()
    .minus({ minutes: cpConfig(deps).readyNotice.batchMinutes })
    .toUTC()
    .toISO()!;
  for (const { channel } of channels) {
    const batch = deps.db.transaction(() => {
      const recent = deps.db
        .prepare('SELECT 1 FROM cherrypick_ready_batches WHERE channel = ? AND created_at > ?')
        .get(channel, windowStart);
      if (recent) return undefined;
      // A notice whose pick fell back, was decided or closed before it went out is dropped.
      deps.db
        .prepare(
          `DELETE FROM cherrypick_ready_notices WHERE channel = ? AND batch_id IS NULL AND NOT EXISTS (
             SELECT 1 FROM cherrypick_ready r JOIN cherrypicks c ON c.repo = r.repo AND c.number = r.number
             WHERE r.repo = cherrypick_ready_notices.repo AND r.number = cherrypick_ready_notices.number
               AND r.ready = 1 AND r.episode = cherrypick_ready_notices.episode
               AND c.state = 'pending' AND c.pr_state = 'open')`,
        )
        .run(channel);
      const n = deps.db
        .prepare('SELECT COUNT(*) AS n FROM cherrypick_ready_notices WHERE channel = ? AND batch_id IS NULL')
        .get(channel) as { n: number };
      if (!n.n) return undefined;
      const now = nowIso(deps);
      const id = Number(
        deps.db
          .prepare(
            "INSERT INTO cherrypick_ready_batches (channel, created_at, state) VALUES (?, ?, 'posting')",
          )
          .run(channel, now).lastInsertRowid,
      );
      deps.db
        .prepare('UPDATE cherrypick_ready_notices SET batch_id = ? WHERE channel = ? AND batch_id IS NULL')
        .run(id, channel);
      return { id, channel, created_at: now } satisfies Batch;
    })();
    if (batch) sent += (await postBatch(deps, batch)) ? 1 : 0;
  }
  return sent;
}

async function postBatch(deps: Deps, b: Batch): Promise<boolean> {
  const store = storeOf(deps);
  const picks = (
    deps.db
      .prepare(
        'SELECT repo, number FROM cherrypick_ready_notices WHERE batch_id = ? ORDER BY queued_at, repo, number',
      )
      .all(b.id) as Array<{ repo: string; number: number }>
  )
    .map((n) => store.get({ owner: n.repo.split('/')[0]!, repo: n.repo.split('/')[1]!, number: n.number }))
    .filter((r): r is PickRow => !!r);
  if (!picks.length) {
    deps.db.prepare("UPDATE cherrypick_ready_batches SET state = 'posted' WHERE id = ?").run(b.id);
    return false;
  }
  const mention = mentionOf(deps);
  const single = picks.length === 1 && picks[0]!.cardTs && picks[0]!.cardChannel === b.channel;
  const msg = single ? readyThreadNotice(picks[0]!, mention) : readyBatchNotice(picks, mention);
  try {
    const posted = await deps.outbox.postOnce(`cherrypick-ready:${b.id}`, b.channel, {
      ...msg,
      ...(single ? { thread_ts: picks[0]!.cardTs! } : {}),
      unfurl_links: false,
    });
    deps.db
      .prepare("UPDATE cherrypick_ready_batches SET state = 'posted', ts = ? WHERE id = ?")
      .run(posted.ts, b.id);
    return posted.posted;
  } catch (err) {
    deps.log.error(
      { err, batch: b.id },
      'ready-for-approval notice could not be posted; the next run retries',
    );
    return false;
  }
}

/** Who a notice mentions: the approvers' user groups, else the approvers named one by one. */
function mentionOf(deps: Deps): string {
  const a = cpConfig(deps).approvers;
  if (a.usergroups.length) return a.usergroups.map(groupRef).join(' ');
  if (a.users.length) return a.users.map((u) => `<@${u}>`).join(' ');
  return 'Release managers';
}

const gateWords = 'lgtm, approved, no failing checks, no blocking labels';

export function readyThreadNotice(row: PickRow, mention: string): Message {
  const s = row.snapshot;
  const text = `${mention} :large_green_circle: *Ready for approval*: ${link(s.htmlUrl, keyOfRow(row))} into \`${escapeEntities(s.base)}\` passes every gate now (${gateWords}). Approve or reject it with the buttons on this card.`;
  return message(`Ready for approval: ${keyOfRow(row)} into ${s.base}`, [section(text)]);
}

/** A Slack link to a card message (Slack resolves the workspace from the archive path). */
export const cardLink = (channel: string, ts: string) =>
  `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;

export function readyBatchNotice(rows: PickRow[], mention: string): Message {
  const lines = rows.map((r) => {
    const s = r.snapshot;
    const card = r.cardChannel && r.cardTs ? ` · ${link(cardLink(r.cardChannel, r.cardTs), 'card')}` : '';
    return `• ${link(s.htmlUrl, keyOfRow(r))} \`${escapeEntities(s.base)}\` ${escapeMrkdwn(cut(s.title, 90))}${card}`;
  });
  const blocks: KnownBlock[] = [
    section(
      `${mention} :large_green_circle: *${rows.length} cherry-picks are ready for approval*: each passes every gate now (${gateWords}).`,
    ),
    ...lineSections(lines),
    context(
      'Approve or reject each on its card. `/cherrypick mute release-1.XX` stops these notices for a branch.',
    ),
  ];
  return message(`${rows.length} cherry-picks are ready for approval`, blocks);
}
