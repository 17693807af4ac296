import type { Deps } from '../deps';
import { escapeEntities } from '../slack/escape';
import { keyOfRow, when } from './blocks';
import { refreshCard, refreshSiblingCards } from './cards';
import { hasLabel } from './gates';
import { addLabel, describeGitHubError, fetchPull, postCommentOnce } from './github';
import { githubName, mayAct, ownPrRefusal, sameLogin, sanitizeForGitHub, whoCanApprove } from './permissions';
import { type PrRef, refKey, rowRef } from './refs';
import { claimsStaleBefore, cpConfig, gatesOf, isDryRun, nowIso, storeOf } from './shared';
import type { PickRow } from './store';

/** Decisions on a pick (approve, approve all, reject, retry), each through the store's claim state machine. */

export interface Outcome {
  ok: boolean;
  /** mrkdwn for the person who acted (ephemeral). */
  text: string;
}

export const APPROVE_MARKER = '<!-- relbot:cherrypick-approve -->';
export const REJECT_MARKER = '<!-- relbot:cherrypick-reject -->';

function describeBusy(row: PickRow | undefined, key: string, tz: string): string {
  const shown = escapeEntities(key);
  if (!row) return `relbot does not track ${shown}.`;
  if (row.prState !== 'open') return `${shown} was ${row.prState}, so there is nothing left to decide.`;
  const who = row.actor ? `<@${row.actor}>` : 'GitHub';
  const at = row.decidedAt ? ` on ${when(row.decidedAt, tz)}` : '';
  switch (row.state) {
    case 'approving':
      return `${who} is approving ${shown} right now.`;
    case 'rejecting':
      return `${who} is rejecting ${shown} right now.`;
    case 'approved':
      return row.actor
        ? `${shown} was already approved by ${who}${at}.`
        : `${shown} was already approved on GitHub${at}.`;
    case 'rejected':
      return `${shown} was already rejected by ${who}${at}.`;
    case 'failed':
      return `The last ${row.action === 'reject' ? 'rejection' : 'approval'} of ${shown} failed. Use *Retry* on its card to finish it.`;
    default:
      return `${shown} cannot be changed right now.`;
  }
}

/**
 * Approves a pick: claims the transition in SQLite, re-reads the PR, checks the gates, adds the
 * label, posts the comment (once), records the approval and updates the card. `retry` resumes a
 * failed approval where it stopped.
 */
export async function approve(deps: Deps, ref: PrRef, user: string): Promise<Outcome> {
  const cfg = cpConfig(deps);
  const store = storeOf(deps);
  const key = refKey(ref);
  const shown = escapeEntities(key);
  const row = store.get(ref);
  if (!row) return { ok: false, text: `relbot does not track ${shown}; run \`/cherrypick ${shown}\` first.` };
  if (!(await mayAct(deps, user))) return { ok: false, text: `:no_entry: ${whoCanApprove(deps)}` };
  const login = deps.directory.githubLoginFor(user);
  if (sameLogin(login, row.snapshot.author)) return { ok: false, text: ownPrRefusal(deps, shown) };
  // Settled or closed: the claim below could not succeed, so say why without trying (repeat clicks
  // on a card that is already decided).
  if (row.prState !== 'open' || row.state === 'approved' || row.state === 'rejected')
    return { ok: false, text: describeBusy(row, key, deps.config.timezone) };
  const staleBefore = claimsStaleBefore(deps);
  const claimId = store.claim(ref, 'approve', user, nowIso(deps), staleBefore);
  if (!claimId) return { ok: false, text: describeBusy(store.get(ref), key, deps.config.timezone) };
  await refreshCard(deps, ref);
  let claimed = store.get(ref)!;
  try {
    const fresh = await fetchPull(deps.github, ref, cfg.titlePrefix);
    store.upsertSnapshot(fresh, nowIso(deps));
    if (sameLogin(login, fresh.author)) {
      store.release(ref, claimId);
      await refreshCard(deps, ref);
      return { ok: false, text: ownPrRefusal(deps, shown) };
    }
    const gates = gatesOf(deps, fresh);
    if (!claimed.labelDone && hasLabel(fresh.labels, cfg.label)) {
      // The label is there already (an earlier attempt whose answer was lost, or someone on GitHub).
      store.markLabel(ref, claimId);
    } else if (!claimed.labelDone && !gates.ok) {
      store.release(ref, claimId);
      await refreshCard(deps, ref);
      return {
        ok: false,
        text: `:x: ${shown} cannot be approved yet:\n${gates.reasons.map((r) => `• ${escapeEntities(r)}`).join('\n')}\nNothing was changed.`,
      };
    }
    claimed = store.get(ref)!;
    const dry = isDryRun(deps);
    const approver = await githubName(deps, user);
    const body =
      `Cherry-pick approved by ${approver} from Slack, via relbot.\n\n` +
      `At approval: \`lgtm\` and \`approved\` present, no failing status checks, none of the blocking labels.\n\n${APPROVE_MARKER}`;
    if (dry) {
      deps.log.info({ pr: key, label: cfg.label, comment: body }, 'dry run: would add the label and comment');
    } else {
      if (!claimed.labelDone) {
        await addLabel(deps.github, ref, cfg.label);
        store.markLabel(ref, claimId);
      }
      if (!claimed.commentDone) {
        await postCommentOnce(deps.github, ref, body, APPROVE_MARKER, {
          attempts: cfg.retry.attempts,
          backoffMs: cfg.retry.backoffMs,
          mayExist: claimed.commentAttempts > 0,
          beforePost: () => store.noteCommentAttempt(ref),
        });
        store.markComment(ref, claimId);
      }
    }
    const detail = dry
      ? `dry run: label ${cfg.label} and comment not made`
      : `label ${cfg.label} added, comment posted`;
    store.complete(ref, claimId, { now: nowIso(deps), dryRun: dry, detail });
    await refreshCard(deps, ref);
    await refreshSiblingCards(deps, store.get(ref)!);
    return {
      ok: true,
      text: dry
        ? `:test_tube: Dry run: ${shown} passes the gates; relbot logged the \`${escapeEntities(cfg.label)}\` label and the comment instead of making them.`
        : `:white_check_mark: Approved ${shown}: \`${escapeEntities(cfg.label)}\` added and a comment posted.`,
    };
  } catch (err) {
    const reason = describeGitHubError(err);
    deps.log.error({ err, pr: key }, 'cherry-pick approval failed');
    store.fail(ref, claimId, { now: nowIso(deps), error: reason });
    await refreshCard(deps, ref);
    return {
      ok: false,
      text: `:x: The approval of ${shown} did *not* complete: ${escapeEntities(reason)}. Use *Retry* on its card to finish it.`,
    };
  }
}

// --------------------------------------------------------------------------------------- reject

export async function reject(deps: Deps, ref: PrRef, user: string, reason: string): Promise<Outcome> {
  const cfg = cpConfig(deps);
  const store = storeOf(deps);
  const key = refKey(ref);
  const shown = escapeEntities(key);
  if (!store.get(ref)) return { ok: false, text: `relbot does not track ${shown}.` };
  if (!(await mayAct(deps, user))) return { ok: false, text: `:no_entry: ${whoCanApprove(deps)}` };
  const staleBefore = claimsStaleBefore(deps);
  const claimId = store.claim(ref, 'reject', user, nowIso(deps), staleBefore);
  if (!claimId) return { ok: false, text: describeBusy(store.get(ref), key, deps.config.timezone) };
  if (reason) store.setReason(ref, claimId, reason);
  await refreshCard(deps, ref);
  const claimed = store.get(ref)!;
  const why = claimed.reason ?? reason;
  try {
    const dry = isDryRun(deps);
    const by = await githubName(deps, user);
    const quoted = sanitizeForGitHub(why)
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n');
    const body = `Cherry-pick rejected by ${by} from Slack, via relbot:\n\n${quoted}\n\n${REJECT_MARKER}`;
    if (dry) deps.log.info({ pr: key, comment: body }, 'dry run: would comment the rejection');
    else if (!claimed.commentDone) {
      await postCommentOnce(deps.github, ref, body, REJECT_MARKER, {
        attempts: cfg.retry.attempts,
        backoffMs: cfg.retry.backoffMs,
        mayExist: claimed.commentAttempts > 0,
        beforePost: () => store.noteCommentAttempt(ref),
      });
      store.markComment(ref, claimId);
    }
    store.complete(ref, claimId, { now: nowIso(deps), dryRun: dry, detail: why });
    await refreshCard(deps, ref);
    return {
      ok: true,
      text: dry
        ? `:test_tube: Dry run: ${shown} marked rejected; the PR comment was logged, not posted.`
        : `:no_entry: Rejected ${shown}; the reason was posted on the PR.`,
    };
  } catch (err) {
    const reasonText = describeGitHubError(err);
    deps.log.error({ err, pr: key }, 'cherry-pick rejection failed');
    store.fail(ref, claimId, { now: nowIso(deps), error: reasonText });
    await refreshCard(deps, ref);
    return {
      ok: false,
      text: `:x: The rejection of ${shown} did *not* complete: ${escapeEntities(reasonText)}. Use *Retry* on its card to finish it.`,
    };
  }
}

/** Retry finishes the failed action (approve, or reject with its recorded reason). */
export async function retry(deps: Deps, ref: PrRef, user: string): Promise<Outcome> {
  const row = storeOf(deps).get(ref);
  if (!row) return { ok: false, text: `relbot does not track ${escapeEntities(refKey(ref))}.` };
  if (row.state !== 'failed')
    return { ok: false, text: describeBusy(row, refKey(ref), deps.config.timezone) };
  return row.action === 'reject' ? reject(deps, ref, user, row.reason ?? '') : approve(deps, ref, user);
}

/** Approves this pick and every pending sibling on other branches, each with its own checks. */
export async function approveAll(deps: Deps, ref: PrRef, user: string): Promise<Outcome> {
  const store = storeOf(deps);
  const row = store.get(ref);
  if (!row) return { ok: false, text: `relbot does not track ${escapeEntities(refKey(ref))}.` };
  if (!(await mayAct(deps, user))) return { ok: false, text: `:no_entry: ${whoCanApprove(deps)}` };
  const targets = [row, ...store.siblings(row).filter((s) => s.prState === 'open' && s.state === 'pending')];
  const lines: string[] = [];
  let allOk = true;
  for (const t of targets) {
    const res = await approve(deps, rowRef(t), user);
    allOk &&= res.ok;
    lines.push(`• \`${escapeEntities(t.base)}\` (${escapeEntities(keyOfRow(t))}): ${res.text}`);
  }
  return { ok: allOk, text: `*Approve all* for ${escapeEntities(refKey(ref))}:\n${lines.join('\n')}` };
}
