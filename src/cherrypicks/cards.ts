import type { Deps } from '../deps';
import { channelFor } from '../deps';
import { nextCherryPickDeadline } from '../schedule/api';
import { type CardDeadline, cardHash, renderCard } from './blocks';
import { frozenCardLine } from './freeze-blocks';
import { FreezeStore } from './freeze-store';
import { hasLabel, type PullSnapshot } from './gates';
import { noteReadiness } from './ready';
import { type PrRef, refKey, rowRef } from './refs';
import { cpConfig, gatesOf, isDryRun, nowIso, serialised, storeOf } from './shared';
import type { PickRow } from './store';

/** Each tracked pick's one channel card: stored snapshots in, the card posted once and kept current. */

/** Posts the PR's card once, or updates it in place when what it shows changed. */
export async function refreshCard(deps: Deps, ref: PrRef): Promise<void> {
  const key = refKey(ref);
  await serialised(deps, key, async () => {
    const store = storeOf(deps);
    const row = store.get(ref);
    if (!row) return;
    const card = renderCard({
      row,
      gates: gatesOf(deps, row.snapshot),
      siblings: store.siblings(row),
      label: cpConfig(deps).label,
      dryRun: isDryRun(deps),
      deadline: safeDeadline(deps, row.base),
      timezone: deps.config.timezone,
      frozen: frozenOf(deps, ref),
    });
    const hash = cardHash(card);
    try {
      if (!row.cardTs) {
        const posted = await deps.outbox.postOnce(
          `cherrypick-card:${key}`,
          channelFor(deps.config, 'cherrypicks'),
          {
            ...card,
            unfurl_links: false,
          },
        );
        // Adopted (posted earlier, maybe before a crash): bring it up to date as well.
        if (!posted.posted)
          await deps.outbound.send('chat.update', { channel: posted.channel, ts: posted.ts, ...card });
        store.setCard(ref, posted.channel, posted.ts, hash);
      } else if (row.cardHash !== hash) {
        await deps.outbound.send('chat.update', { channel: row.cardChannel, ts: row.cardTs, ...card });
        store.setCard(ref, row.cardChannel!, row.cardTs, hash);
      }
    } catch (err) {
      deps.log.error({ err, pr: key }, 'cherry-pick card could not be posted or updated');
    }
  });
}

/** The card's freeze line while a patch-cut freeze has this pick's label off. */
export function frozenOf(deps: Deps, ref: PrRef): string | undefined {
  const f = new FreezeStore(deps.db).frozenRow(ref);
  return f
    ? frozenCardLine({
        branch: f.branch,
        release: f.release,
        reasons: f.reasons,
        label: cpConfig(deps).label,
      })
    : undefined;
}

/** Refreshes the card of each of `row`'s siblings (picks of the same original on other branches). */
export async function refreshSiblingCards(deps: Deps, row: PickRow): Promise<void> {
  for (const sib of storeOf(deps).siblings(row)) await refreshCard(deps, rowRef(sib));
}

/** The branch's next cherry-pick deadline from the schedule feature, if it knows one. */
export function safeDeadline(deps: Deps, branch: string): CardDeadline | undefined {
  try {
    const d = nextCherryPickDeadline(deps, branch);
    // The schedule's deadlines are dates; its cut-off policy says in which zone that day ends.
    return d
      ? { release: d.release, deadline: d.deadline, zone: deps.config.schedule.cherryPickCutoff.zone }
      : undefined;
  } catch (err) {
    deps.log.warn({ err, branch }, 'no cherry-pick deadline from the schedule feature');
    return undefined;
  }
}

/** Stores a fresh snapshot and refreshes its card and the cards of its siblings. */
export async function track(deps: Deps, s: PullSnapshot): Promise<PickRow> {
  const store = storeOf(deps);
  const ref: PrRef = { owner: s.owner, repo: s.repo, number: s.number };
  store.upsertSnapshot(s, nowIso(deps));
  if (s.state === 'open' && hasLabel(s.labels, cpConfig(deps).label))
    store.markApprovedOnGitHub(ref, nowIso(deps), cpConfig(deps).label);
  const row = store.get(ref)!;
  noteReadiness(deps, row, gatesOf(deps, row.snapshot));
  await refreshCard(deps, ref);
  await refreshSiblingCards(deps, row);
  return store.get(ref)!;
}
