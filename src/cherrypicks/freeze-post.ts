import type { Deps } from '../deps';
import { channelFor } from '../deps';
import { escapeEntities } from '../slack/escape';
import { refreshCard, track } from './cards';
import type { Outcome } from './decisions';
import { cutName, type FreezeItem, freezeSummary } from './freeze-blocks';
import { type FreezePr, FreezeStore } from './freeze-store';
import { fetchPull } from './github';
import { type PrRef, prUrl, refKey, rowRef } from './refs';
import { cpConfig, serialised, storeOf } from './shared';

/** What the freeze and the unfreeze share: the ledger, the cards, the channel summary, the answer. */

export const freezeStoreOf = (deps: Deps) => new FreezeStore(deps.db);

/** PR states a freeze has not finished with. */
export const UNFINISHED: FreezePr['state'][] = ['pending', 'removing', 'failed'];

/** What one Confirm did to each PR (for its answer). */
export type Done = { key: string; what: 'removed' | 'busy' | 'failed' | 'dropped'; note?: string };

/** The pick's card shows the freeze (a pick relbot did not track yet is tracked, so it has one). */
export async function showOnCard(deps: Deps, ref: PrRef): Promise<void> {
  try {
    if (storeOf(deps).get(ref)) await refreshCard(deps, ref);
    else await track(deps, await fetchPull(deps.github, ref, cpConfig(deps).titlePrefix));
  } catch (err) {
    deps.log.warn({ err, pr: refKey(ref) }, 'freeze: could not show the freeze on the card');
  }
}

/**
 * The freeze's one channel post (outbox key `cherrypick-freeze:<id>`), once no PR of it is left
 * unfinished; a later confirm that changes what it says updates it in place.
 */
export async function postFreezeSummary(deps: Deps, freezeId: number, stayed: number): Promise<void> {
  const key = `cherrypick-freeze:${freezeId}`;
  await serialised(deps, key, async () => {
    const fs = freezeStoreOf(deps);
    const freeze = fs.get(freezeId)!;
    const rows = fs.prs(freezeId);
    if (rows.some((r) => UNFINISHED.includes(r.state))) return;
    const removed = rows.filter((r) => r.labelRemoved).map((r) => itemOf(deps, r));
    const msg = freezeSummary({
      branch: freeze.branch,
      release: freeze.release,
      label: cpConfig(deps).label,
      actor: freeze.actor,
      removed,
      stayed,
      dryRun: freeze.dryRun,
    });
    try {
      const prior = deps.outbox.find(key);
      const posted = await deps.outbox.postOnce(key, channelFor(deps.config, 'cherrypicks'), {
        ...msg,
        unfurl_links: false,
      });
      if (prior && removed.length)
        await deps.outbound.send('chat.update', { channel: posted.channel, ts: posted.ts, ...msg });
    } catch (err) {
      deps.log.error({ err, freeze: freezeId }, 'freeze: the channel summary could not be posted');
    }
  });
}

/** A ledger row as a list item: the title from the tracked pick when relbot has it. */
export function itemOf(deps: Deps, r: FreezePr): FreezeItem {
  const ref = rowRef(r);
  const pick = storeOf(deps).get(ref);
  return {
    key: refKey(ref),
    title: pick?.snapshot.title ?? '',
    htmlUrl: pick?.snapshot.htmlUrl ?? prUrl(ref),
    reasons: r.reasons,
    running: [],
  };
}

export function confirmAnswer(
  branch: string,
  release: string | null,
  done: Done[],
  changed: { added: string[]; gone: string[] },
  rows: FreezePr[],
): Outcome {
  const b = `\`${escapeEntities(branch)}\``;
  const list = (what: Done['what']) => done.filter((d) => d.what === what);
  const lines: string[] = [];
  const removed = list('removed');
  const failed = list('failed');
  const busy = list('busy');
  if (changed.added.length || changed.gone.length) {
    const parts: string[] = [];
    if (changed.added.length) parts.push(`${changed.added.map(escapeEntities).join(', ')} became not ready`);
    if (changed.gone.length)
      parts.push(
        `${changed.gone.map(escapeEntities).join(', ')} ${changed.gone.length === 1 ? 'is' : 'are'} ready or no longer approved`,
      );
    lines.push(
      `:information_source: The list changed since the preview: ${parts.join('; ')}. relbot acted on the list as it is now.`,
    );
  }
  if (removed.length)
    lines.push(
      `:snowflake: Removed the label from ${removed.map((d) => escapeEntities(d.key)).join(', ')} and commented on ${removed.length === 1 ? 'it' : 'each'}.`,
    );
  for (const f of failed)
    lines.push(`:x: ${escapeEntities(f.key)}: did *not* complete: ${escapeEntities(f.note ?? '')}.`);
  if (busy.length)
    lines.push(
      `:hourglass_flowing_sand: ${busy.map((d) => escapeEntities(d.key)).join(', ')}: another click is removing ${busy.length === 1 ? 'it' : 'them'} right now.`,
    );
  const left = rows.filter(
    (r) => UNFINISHED.includes(r.state) && !busy.some((d) => d.key === refKey(rowRef(r))),
  );
  if (failed.length || left.length)
    lines.push(
      `Confirm again (or run \`/cherrypick freeze ${escapeEntities(branch)}\`) to finish the rest; what is done is not repeated.`,
    );
  if (!removed.length && !failed.length && !busy.length) {
    const all = rows.filter((r) => r.labelRemoved).length;
    lines.push(
      `Nothing was left to do: the freeze of ${b} for ${cutName(release)} is complete (${all} label${all === 1 ? '' : 's'} removed).`,
    );
  }
  const head = failed.length
    ? `*The freeze of ${b} did not fully complete.*`
    : `*${b} is frozen for ${cutName(release)}.*`;
  return { ok: failed.length === 0, text: `${head}\n${lines.join('\n')}` };
}
