import type { DateTime } from 'luxon';
import type { Deps } from '../deps';
import { UserError } from '../errors';
import { nextPatchCut } from '../schedule/api';
import type { Message } from '../slack/blocks';
import { escapeEntities } from '../slack/escape';
import { when } from './blocks';
import type { Outcome } from './decisions';
import { assertReleaseManager, branchArg } from './freeze-args';
import { cutName, type FreezeItem, freezePreview, nothingToFreeze } from './freeze-blocks';
import {
  confirmAnswer,
  type Done,
  freezeStoreOf,
  postFreezeSummary,
  showOnCard,
  UNFINISHED,
} from './freeze-post';
import { evaluateGates, hasLabel } from './gates';
import { describeGitHubError, fetchStatuses, listBranchPulls, postCommentOnce, removeLabel } from './github';
import { githubName, mayAct, sanitizeForGitHub, whoCanApprove } from './permissions';
import { type PrRef, refKey, rowRef } from './refs';
import { claimsStaleBefore, cpConfig, isDryRun, nowIso, watchedRepos } from './shared';

/**
 * The patch-cut freeze (release-manager handbook): before a patch release is cut, the approved
 * picks on a branch that are not ready to merge lose `cherry-pick-approved`, so Tide merges only
 * what is ready. A preview first; Confirm re-reads GitHub and removes the label PR by PR, each
 * removal claimed in the freeze ledger (freeze-store.ts) before GitHub is called, so concurrent
 * clicks, retries and a restart after a crash remove each label once and comment once.
 */

export const freezeMarker = (freezeId: number) => `<!-- relbot:cherrypick-freeze:${freezeId} -->`;

/** One approved, open pick on the branch as GitHub shows it now, and why it is not ready. */
export interface Checked extends FreezeItem {
  ref: PrRef;
}

/**
 * Readiness for the cut: Prow's gates (lgtm, approved, no failing status, no blocking label such as
 * needs-rebase or do-not-merge/hold), and at least one test result on the head commit (none means
 * the tests are missing). Statuses still running do not make a pick "not ready".
 */
export function freezeReasons(
  pr: { labels: string[]; statuses: Array<{ context: string; state: string }>; base: string },
  deps: Deps,
): { reasons: string[]; running: string[] } {
  const g = evaluateGates(
    {
      owner: '',
      repo: '',
      number: 0,
      title: '',
      body: '',
      author: '',
      base: pr.base,
      headSha: '',
      state: 'open',
      merged: false,
      labels: pr.labels,
      statuses: pr.statuses,
      htmlUrl: '',
      createdAt: '',
      updatedAt: '',
      originals: [],
    },
    cpConfig(deps),
  );
  const reasons = [...g.reasons];
  if (pr.statuses.length === 0) reasons.push('no test results are reported on its head commit');
  return { reasons, running: g.pendingStatuses };
}

/** The approved, open picks on `branch` in every watched repo, read from GitHub now. */
export async function checkBranch(
  deps: Deps,
  branch: string,
): Promise<{ notReady: Checked[]; ready: Checked[] }> {
  const label = cpConfig(deps).label;
  const notReady: Checked[] = [];
  const ready: Checked[] = [];
  for (const repoName of watchedRepos(deps)) {
    for (const p of await listBranchPulls(deps.github, repoName, branch)) {
      if (!hasLabel(p.labels, label)) continue;
      const statuses = await fetchStatuses(deps.github, p, p.headSha);
      const { reasons, running } = freezeReasons({ labels: p.labels, statuses, base: branch }, deps);
      const ref = { owner: p.owner, repo: p.repo, number: p.number };
      const c: Checked = { ref, key: refKey(ref), title: p.title, htmlUrl: p.htmlUrl, reasons, running };
      (reasons.length ? notReady : ready).push(c);
    }
  }
  return { notReady, ready };
}

/**
 * The patch release the next cut makes, from the schedule feature (null when it names none). A
 * freeze happens between a release's cherry-pick deadline and its target date, when
 * `nextCherryPickDeadline` (the next deadline not yet passed) already names the release after; the
 * schedule's `nextPatchCut` answers with the release whose target day is not over yet.
 */
export function nextRelease(deps: Deps, branch: string): string | null {
  return nextCut(deps, branch)?.release ?? null;
}

/** The next cut of `branch` (see nextRelease): its release, cherry-pick deadline and target day. */
export function nextCut(
  deps: Deps,
  branch: string,
): { release: string; deadline: DateTime; target: DateTime } | undefined {
  try {
    return nextPatchCut(deps, branch);
  } catch {
    return undefined;
  }
}

/** `/cherrypick freeze release-1.XX`: the preview (ephemeral), or a UserError that changes nothing. */
export async function previewFreeze(deps: Deps, user: string, args: string[]): Promise<Message> {
  const branch = branchArg(deps, args, 'freeze');
  await assertReleaseManager(deps, user, 'freeze');
  const fs = freezeStoreOf(deps);
  const label = cpConfig(deps).label;
  const active = fs.active(branch);
  const tz = await deps.directory.timeZone(user, deps.config.timezone);
  if (active) {
    const left = fs.prs(active.id).filter((p) => UNFINISHED.includes(p.state));
    if (!left.length || active.liftingAt)
      throw new UserError(
        `\`${escapeEntities(branch)}\` is already frozen for ${cutName(active.release)}: <@${active.actor}> froze it on ${when(active.frozenAt, tz)}${active.liftingAt ? ', and an unfreeze is under way' : ''}.`,
        `After the cut, \`/cherrypick unfreeze ${escapeEntities(branch)}\` puts the labels back. Nothing was changed.`,
      );
    const checked = await readOrThrow(deps, branch);
    const preview = fs.savePreview({
      kind: 'freeze',
      branch,
      freezeId: active.id,
      actor: user,
      keys: checked.notReady.map((c) => c.key),
      createdAt: nowIso(deps),
    });
    return freezePreview({
      ...checked,
      branch,
      release: active.release,
      label,
      previewId: preview.id,
      resume: { left: left.length },
    });
  }
  const checked = await readOrThrow(deps, branch);
  const release = nextRelease(deps, branch);
  if (!checked.notReady.length && !checked.ready.length)
    throw new UserError(
      `No approved pick is open on \`${escapeEntities(branch)}\` (none has \`${escapeEntities(label)}\`), so there is nothing to freeze.`,
      `\`/cherrypick list ${escapeEntities(branch)}\` shows the picks still waiting for approval. Nothing was changed.`,
    );
  if (!checked.notReady.length) return nothingToFreeze(branch, release, label, checked.ready);
  const preview = fs.savePreview({
    kind: 'freeze',
    branch,
    freezeId: null,
    actor: user,
    keys: checked.notReady.map((c) => c.key),
    createdAt: nowIso(deps),
  });
  return freezePreview({ ...checked, branch, release, label, previewId: preview.id });
}

async function readOrThrow(deps: Deps, branch: string) {
  try {
    return await checkBranch(deps, branch);
  } catch (err) {
    throw new UserError(
      `Could not read the picks on \`${escapeEntities(branch)}\` from GitHub: ${escapeEntities(describeGitHubError(err))}.`,
      'Nothing was changed. Try again in a minute.',
    );
  }
}

/** Confirm on a freeze preview: re-check, then remove the label PR by PR (see the file comment). */
export async function confirmFreeze(deps: Deps, user: string, previewId: string): Promise<Outcome> {
  const fs = freezeStoreOf(deps);
  const preview = fs.preview(previewId);
  if (preview?.kind !== 'freeze')
    return {
      ok: false,
      text: 'This preview is no longer known to relbot. Run `/cherrypick freeze release-1.XX` again.',
    };
  const b = `\`${escapeEntities(preview.branch)}\``;
  if (!(await mayAct(deps, user)))
    return { ok: false, text: `:no_entry: ${whoCanApprove(deps)} Nothing was changed.` };
  const active = fs.active(preview.branch);
  const mine = fs.byPreview(previewId);
  if (mine && mine.state === 'lifted')
    return {
      ok: false,
      text: `This freeze of ${b} was lifted already. Run \`/cherrypick freeze ${escapeEntities(preview.branch)}\` for a new preview.`,
    };
  if (active && active.id !== (mine?.id ?? preview.freezeId))
    return {
      ok: false,
      text: `${b} was frozen from another preview (by <@${active.actor}>). Nothing was changed. Run \`/cherrypick freeze ${escapeEntities(preview.branch)}\` for a fresh preview.`,
    };
  if (active?.liftingAt)
    return {
      ok: false,
      text: `An unfreeze of ${b} is under way, so nothing more is frozen. Nothing was changed.`,
    };
  let checked: { notReady: Checked[]; ready: Checked[] };
  try {
    checked = await checkBranch(deps, preview.branch);
  } catch (err) {
    return {
      ok: false,
      text: `:x: Could not read the picks on ${b} from GitHub: ${escapeEntities(describeGitHubError(err))}. Nothing was changed; confirm again in a minute.`,
    };
  }
  const now = nowKeys(checked.notReady);
  // A PR whose label this freeze already removed is no longer "approved" on GitHub: not a change.
  const ours = new Set(
    ((mine ?? active) ? fs.prs((mine ?? active)!.id) : [])
      .filter((r) => r.labelRemoved)
      .map((r) => refKey(rowRef(r))),
  );
  const changed = diffSets(
    preview.keys.filter((k) => !ours.has(k)),
    now,
  );
  const { freeze } = fs.openFreeze(
    {
      branch: preview.branch,
      release: active?.release ?? nextRelease(deps, preview.branch),
      actor: user,
      now: nowIso(deps),
      previewId,
      dryRun: isDryRun(deps),
    },
    checked.notReady.map((c) => ({ ref: c.ref, reasons: c.reasons })),
  );
  const readyNow = new Set(checked.ready.map((c) => c.key));
  const labelled = new Set(now);
  const done: Done[] = [];
  for (const row of fs.prs(freeze.id)) {
    if (!UNFINISHED.includes(row.state)) continue;
    const ref = rowRef(row);
    const key = refKey(ref);
    // Approved and ready now, and its label never came off: nothing to do. Never attempted, and the
    // label was not on it just now: someone else took it off (or the PR closed), not this freeze.
    // Any other PR goes on: one with an earlier attempt may be missing the label because that
    // attempt's DELETE landed and its answer was lost, so a 404 then counts as this freeze's removal.
    const never = row.state === 'pending' && !row.labelRemoved;
    if ((readyNow.has(key) && !row.labelRemoved) || (never && !labelled.has(key))) {
      const note = readyNow.has(key) ? 'ready when confirmed' : 'the label was already off when confirmed';
      if (fs.settle(freeze.id, ref, 'dropped', note)) done.push({ key, what: 'dropped' });
      continue;
    }
    done.push(await removeOne(deps, freeze.id, ref, user, freeze.release, preview.branch));
  }
  await postFreezeSummary(deps, freeze.id, checked.ready.length);
  return confirmAnswer(preview.branch, freeze.release, done, changed, fs.prs(freeze.id));
}

const nowKeys = (c: Checked[]) => c.map((x) => x.key);

function diffSets(before: string[], after: string[]): { added: string[]; gone: string[] } {
  return { added: after.filter((k) => !before.includes(k)), gone: before.filter((k) => !after.includes(k)) };
}

/** Removes the label from one PR of a freeze, once: claim, DELETE (404 = already off), comment once, finish. */
async function removeOne(
  deps: Deps,
  freezeId: number,
  ref: PrRef,
  user: string,
  release: string | null,
  branch: string,
): Promise<Done> {
  const fs = freezeStoreOf(deps);
  const key = refKey(ref);
  const claimId = fs.claim(freezeId, ref, 'remove', user, nowIso(deps), claimsStaleBefore(deps));
  if (!claimId) return { key, what: 'busy' };
  const row = fs.pr(freezeId, ref)!;
  const cfg = cpConfig(deps);
  const dry = isDryRun(deps);
  try {
    const body = await freezeComment(deps, user, row.reasons, release, branch, freezeId);
    if (dry)
      deps.log.info(
        { pr: key, label: cfg.label, comment: body },
        'dry run: would remove the label and comment',
      );
    else {
      if (!row.labelRemoved) {
        // 404 (already off) is this freeze's doing: the label was on when this Confirm read the PR,
        // or an earlier attempt's DELETE landed (Octokit's own retry of a lost answer gets a 404 too).
        await removeLabel(deps.github, ref, cfg.label);
        fs.mark(freezeId, ref, claimId, 'label_removed');
      }
      if (!row.commentDone) {
        await postCommentOnce(deps.github, ref, body, freezeMarker(freezeId), {
          attempts: cfg.retry.attempts,
          backoffMs: cfg.retry.backoffMs,
          mayExist: row.commentAttempts > 0,
          beforePost: () => fs.noteCommentAttempt(freezeId, ref, 'remove'),
        });
        fs.mark(freezeId, ref, claimId, 'comment_done');
      }
    }
    if (dry) fs.mark(freezeId, ref, claimId, 'label_removed');
    fs.finish(freezeId, ref, claimId, 'remove', {
      now: nowIso(deps),
      audit: {
        action: 'frozen',
        detail: `${dry ? 'dry run: ' : ''}label ${cfg.label} removed for ${release ? `the v${release} cut` : 'the next patch cut'}: ${row.reasons.join('; ')}`,
        dryRun: dry,
      },
    });
    await showOnCard(deps, ref);
    return { key, what: 'removed' };
  } catch (err) {
    const reason = describeGitHubError(err);
    deps.log.error({ err, pr: key }, 'freeze: removing the label failed');
    fs.fail(freezeId, ref, claimId, 'remove', nowIso(deps), reason);
    await showOnCard(deps, ref);
    return { key, what: 'failed', note: reason };
  }
}

async function freezeComment(
  deps: Deps,
  user: string,
  reasons: string[],
  release: string | null,
  branch: string,
  freezeId: number,
): Promise<string> {
  const label = cpConfig(deps).label;
  const by = await githubName(deps, user);
  const cutWords = release ? `the v${release} patch release` : 'the next patch release';
  return (
    `The release managers froze \`${branch}\` for ${cutWords}. This cherry-pick is not ready to merge, so relbot removed \`${label}\` (for ${by}, from Slack) and Tide will not merge it before the cut.\n\n` +
    `Not ready:\n${reasons.map((r) => `- ${sanitizeForGitHub(r)}`).join('\n')}\n\n` +
    `How it comes back: after the cut, the release managers put \`${label}\` back on every pick this freeze removed it from. Fix what is listed above meanwhile; then it can merge for the following patch release.\n\n${freezeMarker(freezeId)}`
  );
}
