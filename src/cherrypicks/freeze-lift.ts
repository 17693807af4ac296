import type { Deps } from '../deps';
import { channelFor } from '../deps';
import { UserError } from '../errors';
import type { Message } from '../slack/blocks';
import { escapeEntities } from '../slack/escape';
import type { Outcome } from './decisions';
import { assertReleaseManager, branchArg } from './freeze-args';
import { cutName, unfreezePreview, unfreezeSummary } from './freeze-blocks';
import { freezeStoreOf, itemOf, showOnCard } from './freeze-post';
import type { FreezePr } from './freeze-store';
import { addLabel, describeGitHubError, fetchPull, postCommentOnce } from './github';
import { githubName, mayAct, whoCanApprove } from './permissions';
import { type PrRef, refKey, rowRef } from './refs';
import { claimsStaleBefore, cpConfig, isDryRun, nowIso, serialised } from './shared';

/**
 * `/cherrypick unfreeze release-1.XX`: after the cut, the label goes back on exactly the PRs the
 * branch's active freeze removed it from (the ledger, never a search), if they are still open.
 * Each restore is claimed per (freeze, PR) like a removal; the freeze is lifted once none is left.
 */

export const unfreezeMarker = (freezeId: number) => `<!-- relbot:cherrypick-unfreeze:${freezeId} -->`;

/** Rows whose label may be off (so an unfreeze has to put it back). */
const toRestore = (r: FreezePr) =>
  r.state === 'removed' ||
  r.state === 'restore_failed' ||
  r.state === 'restoring' ||
  r.state === 'removing' ||
  (r.state === 'failed' && r.labelRemoved);

export async function previewUnfreeze(deps: Deps, user: string, args: string[]): Promise<Message> {
  const branch = branchArg(deps, args, 'unfreeze');
  await assertReleaseManager(deps, user, 'unfreeze');
  const fs = freezeStoreOf(deps);
  const active = fs.active(branch);
  if (!active)
    throw new UserError(
      `\`${escapeEntities(branch)}\` is not frozen, so there is nothing to unfreeze.`,
      `\`/cherrypick freeze ${escapeEntities(branch)}\` freezes it before a patch cut. Nothing was changed.`,
    );
  const rows = fs.prs(active.id).filter(toRestore);
  const preview = fs.savePreview({
    kind: 'unfreeze',
    branch,
    freezeId: active.id,
    actor: user,
    keys: rows.map((r) => refKey(rowRef(r))),
    createdAt: nowIso(deps),
  });
  return unfreezePreview({
    branch,
    release: active.release,
    label: cpConfig(deps).label,
    frozenBy: active.actor,
    frozenAt: active.frozenAt,
    timezone: await deps.directory.timeZone(user, deps.config.timezone),
    items: rows.map((r) => itemOf(deps, r)),
    previewId: preview.id,
  });
}

type Done = { key: string; what: 'restored' | 'kept' | 'busy' | 'failed'; note?: string };

export async function confirmUnfreeze(deps: Deps, user: string, previewId: string): Promise<Outcome> {
  const fs = freezeStoreOf(deps);
  const preview = fs.preview(previewId);
  if (preview?.kind !== 'unfreeze' || preview.freezeId === null)
    return {
      ok: false,
      text: 'This preview is no longer known to relbot. Run `/cherrypick unfreeze release-1.XX` again.',
    };
  const b = `\`${escapeEntities(preview.branch)}\``;
  if (!(await mayAct(deps, user)))
    return { ok: false, text: `:no_entry: ${whoCanApprove(deps)} Nothing was changed.` };
  const freeze = fs.get(preview.freezeId);
  if (!freeze)
    return { ok: false, text: `relbot has no record of this freeze of ${b}; nothing was changed.` };
  if (freeze.state === 'lifted') {
    // A click after the unfreeze finished: only the channel summary, if its post had failed, is left.
    await postUnfreezeSummary(deps, freeze.id);
    return { ok: false, text: `${b} is unfrozen already; nothing was changed.` };
  }
  fs.markLifting(freeze.id, user, nowIso(deps));
  const done: Done[] = [];
  for (const row of fs.prs(freeze.id)) {
    const ref = rowRef(row);
    if (!toRestore(row)) {
      // Never removed (it became ready, or failed before the DELETE): nothing to put back.
      if (row.state === 'pending' || row.state === 'failed')
        fs.settle(freeze.id, ref, 'dropped', 'label never removed');
      continue;
    }
    done.push(await restoreOne(deps, freeze.id, ref, user, freeze.release, freeze.branch));
  }
  const lifted = fs.liftIfDone(freeze.id, nowIso(deps));
  if (lifted) await postUnfreezeSummary(deps, freeze.id);
  const list = (w: Done['what']) => done.filter((d) => d.what === w);
  const keys = (d: Done[]) => d.map((x) => escapeEntities(x.key)).join(', ');
  const lines: string[] = [];
  if (list('restored').length)
    lines.push(
      `:white_check_mark: Put the label back on ${keys(list('restored'))} and commented on ${list('restored').length === 1 ? 'it' : 'each'}.`,
    );
  if (list('kept').length)
    lines.push(`:lock: ${keys(list('kept'))}: closed or merged since the freeze, so the label stays off.`);
  for (const f of list('failed'))
    lines.push(`:x: ${escapeEntities(f.key)}: did *not* complete: ${escapeEntities(f.note ?? '')}.`);
  if (list('busy').length)
    lines.push(
      `:hourglass_flowing_sand: ${keys(list('busy'))}: another click is putting the label back right now.`,
    );
  if (!lifted && !list('busy').length)
    lines.push(
      `Confirm again (or run \`/cherrypick unfreeze ${escapeEntities(freeze.branch)}\`) to finish the rest; what is done is not repeated.`,
    );
  if (!done.length) lines.push('No PR needed its label back.');
  const head = lifted
    ? `*${b} is unfrozen* after ${cutName(freeze.release)}.`
    : `*The unfreeze of ${b} did not fully complete yet.*`;
  return { ok: list('failed').length === 0, text: `${head}\n${lines.join('\n')}` };
}

async function restoreOne(
  deps: Deps,
  freezeId: number,
  ref: PrRef,
  user: string,
  release: string | null,
  branch: string,
): Promise<Done> {
  const fs = freezeStoreOf(deps);
  const key = refKey(ref);
  const cfg = cpConfig(deps);
  let pr: Awaited<ReturnType<typeof fetchPull>>;
  try {
    pr = await fetchPull(deps.github, ref, cfg.titlePrefix);
  } catch (err) {
    return { key, what: 'failed', note: describeGitHubError(err) };
  }
  if (pr.merged || pr.state !== 'open') {
    fs.settle(freezeId, ref, 'kept', pr.merged ? 'merged before the unfreeze' : 'closed before the unfreeze');
    await showOnCard(deps, ref);
    return { key, what: 'kept' };
  }
  const claimId = fs.claim(freezeId, ref, 'restore', user, nowIso(deps), claimsStaleBefore(deps));
  if (!claimId) return { key, what: 'busy' };
  const row = fs.pr(freezeId, ref)!;
  const dry = isDryRun(deps);
  try {
    const by = await githubName(deps, user);
    const cutWords = release ? `the v${release} patch release` : 'the patch release';
    const body = `The release managers unfroze \`${branch}\` after ${cutWords}: relbot put \`${cfg.label}\` back (for ${by}, from Slack), as the freeze had removed it.\n\n${unfreezeMarker(freezeId)}`;
    if (dry)
      deps.log.info(
        { pr: key, label: cfg.label, comment: body },
        'dry run: would add the label back and comment',
      );
    else {
      if (!row.labelRestored) {
        await addLabel(deps.github, ref, cfg.label);
        fs.mark(freezeId, ref, claimId, 'label_restored');
      }
      if (!row.restoreCommentDone) {
        await postCommentOnce(deps.github, ref, body, unfreezeMarker(freezeId), {
          attempts: cfg.retry.attempts,
          backoffMs: cfg.retry.backoffMs,
          mayExist: row.restoreCommentAttempts > 0,
          beforePost: () => fs.noteCommentAttempt(freezeId, ref, 'restore'),
        });
        fs.mark(freezeId, ref, claimId, 'restore_comment_done');
      }
    }
    fs.finish(freezeId, ref, claimId, 'restore', {
      now: nowIso(deps),
      audit: {
        action: 'unfrozen',
        detail: `${dry ? 'dry run: ' : ''}label ${cfg.label} put back after ${cutName(release).replace(/`/g, '')}`,
        dryRun: dry,
      },
    });
    await showOnCard(deps, ref);
    return { key, what: 'restored' };
  } catch (err) {
    const reason = describeGitHubError(err);
    deps.log.error({ err, pr: key }, 'unfreeze: putting the label back failed');
    fs.fail(freezeId, ref, claimId, 'restore', nowIso(deps), reason);
    return { key, what: 'failed', note: reason };
  }
}

async function postUnfreezeSummary(deps: Deps, freezeId: number): Promise<void> {
  const key = `cherrypick-unfreeze:${freezeId}`;
  await serialised(deps, key, async () => {
    const fs = freezeStoreOf(deps);
    const freeze = fs.get(freezeId)!;
    const rows = fs.prs(freezeId);
    const msg = unfreezeSummary({
      branch: freeze.branch,
      release: freeze.release,
      label: cpConfig(deps).label,
      actor: freeze.liftedBy ?? freeze.actor,
      restored: rows.filter((r) => r.state === 'restored').map((r) => itemOf(deps, r)),
      kept: rows.filter((r) => r.state === 'kept').map((r) => itemOf(deps, r)),
      dryRun: freeze.dryRun,
    });
    try {
      await deps.outbox.postOnce(key, channelFor(deps.config, 'cherrypicks'), {
        ...msg,
        unfurl_links: false,
      });
    } catch (err) {
      deps.log.error({ err, freeze: freezeId }, 'unfreeze: the channel summary could not be posted');
    }
  });
}
