import type { Deps } from '../deps';
import { channelFor } from '../deps';
import { nextCherryPickDeadline } from '../schedule/api';
import { escapeEntities } from '../slack/escape';
import { cardHash, fmtTime, keyOfRow, renderCard } from './blocks';
import type { CherrypicksConfig } from './config';
import { evaluateGates, type GateResult, hasLabel, type PullSnapshot } from './gates';
import {
  addLabel,
  describeGitHubError,
  fetchPull,
  fetchStatuses,
  NotFound,
  postCommentOnce,
  type SearchItem,
  searchPulls,
} from './github';
import { isScriptTitle, type PrRef, parseOriginals, refKey } from './refs';
import { type PickRow, PickStore } from './store';

/**
 * The cherry-pick feature's use cases, entered from the slash command, the card's buttons and the
 * discovery job alike: track a PR and keep its one card current, approve, reject, retry, approve
 * all siblings. Pure rules (gates, parsing) and renderers live in their own modules; this file is
 * where SQLite, GitHub and Slack meet.
 */

export interface Outcome {
  ok: boolean;
  /** mrkdwn for the person who acted (ephemeral). */
  text: string;
}

export const cpConfig = (deps: Deps): CherrypicksConfig => deps.config.cherrypicks;
export const isDryRun = (deps: Deps) => deps.dryRun || cpConfig(deps).dryRun;
export const watchedRepos = (deps: Deps) => cpConfig(deps).repos ?? deps.config.github.repos;
export const storeOf = (deps: Deps) => new PickStore(deps.db);
export const gatesOf = (deps: Deps, s: PullSnapshot): GateResult => evaluateGates(s, cpConfig(deps));

export const APPROVE_MARKER = '<!-- relbot:cherrypick-approve -->';
export const REJECT_MARKER = '<!-- relbot:cherrypick-reject -->';

/** Per-PR serialisation of card posts/updates within this process (one relbot replica). */
const locks = new WeakMap<Deps, Map<string, Promise<unknown>>>();
async function withLock<T>(deps: Deps, key: string, fn: () => Promise<T>): Promise<T> {
  let map = locks.get(deps);
  if (!map) {
    map = new Map();
    locks.set(deps, map);
  }
  const prev = map.get(key) ?? Promise.resolve();
  const next = prev.catch(() => {}).then(fn);
  map.set(key, next);
  try {
    return await next;
  } finally {
    if (map.get(key) === next) map.delete(key);
  }
}

/** The configured spelling of a repo (case-insensitive match), or undefined when not watched. */
export function watchedRepo(deps: Deps, owner: string, repo: string): string | undefined {
  return watchedRepos(deps).find((r) => r.toLowerCase() === `${owner}/${repo}`.toLowerCase());
}

const now = (deps: Deps) => deps.clock.now().toUTC().toISO()!;
const refOf = (r: { repo: string; number: number }): PrRef => {
  const [owner, repo] = r.repo.split('/');
  return { owner: owner!, repo: repo!, number: r.number };
};

// ------------------------------------------------------------------------------------------ card

/** Posts the PR's card once, or updates it in place when what it shows changed. */
export async function refreshCard(deps: Deps, ref: PrRef): Promise<void> {
  const key = refKey(ref);
  await withLock(deps, key, async () => {
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

function safeDeadline(deps: Deps, branch: string) {
  try {
    const d = nextCherryPickDeadline(deps, branch);
    return d ? { release: d.release, deadline: d.deadline } : undefined;
  } catch (err) {
    deps.log.warn({ err, branch }, 'no cherry-pick deadline from the schedule feature');
    return undefined;
  }
}

/** Stores a fresh snapshot and refreshes its card and the cards of its siblings. */
export async function track(deps: Deps, s: PullSnapshot): Promise<PickRow> {
  const store = storeOf(deps);
  const ref: PrRef = { owner: s.owner, repo: s.repo, number: s.number };
  store.upsertSnapshot(s, now(deps));
  if (s.state === 'open' && hasLabel(s.labels, cpConfig(deps).label))
    store.markApprovedOnGitHub(ref, now(deps), cpConfig(deps).label);
  const row = store.get(ref)!;
  await refreshCard(deps, ref);
  for (const sib of store.siblings(row)) await refreshCard(deps, refOf(sib));
  return store.get(ref)!;
}

// ------------------------------------------------------------------------------ /cherrypick <PR>

export class LookupError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Reads a PR named by a person; it must be open and on a release branch. Tracks it (one card). */
export async function lookup(deps: Deps, ref: PrRef): Promise<{ row: PickRow; gates: GateResult }> {
  const repoName = watchedRepo(deps, ref.owner, ref.repo);
  const shown = escapeEntities(refKey(ref));
  if (!repoName)
    throw new LookupError(
      `relbot does not handle cherry-picks for \`${escapeEntities(`${ref.owner}/${ref.repo}`)}\`.`,
      `Watched repositories: ${watchedRepos(deps)
        .map((r) => `\`${r}\``)
        .join(', ')}.`,
    );
  const [owner, repo] = repoName.split('/') as [string, string];
  const canonical = { owner, repo, number: ref.number };
  let s: PullSnapshot;
  try {
    s = await fetchPull(deps.github, canonical, cpConfig(deps).titlePrefix);
  } catch (err) {
    if (err instanceof NotFound)
      throw new LookupError(
        `${shown} does not exist or is not a pull request.`,
        'Check the number and the repository.',
      );
    throw new LookupError(
      `Could not read ${shown} from GitHub: ${escapeEntities(describeGitHubError(err))}.`,
      'Try again in a minute.',
    );
  }
  if (s.merged) throw new LookupError(`${shown} is already merged; there is nothing to approve.`);
  if (s.state !== 'open')
    throw new LookupError(`${shown} is closed; only open cherry-picks can be approved.`);
  if (!new RegExp(cpConfig(deps).branchPattern).test(s.base))
    throw new LookupError(
      `${shown} targets \`${escapeEntities(s.base)}\`, not a release branch (pattern \`${escapeEntities(cpConfig(deps).branchPattern)}\`).`,
      `Cherry-picks are PRs against a release branch. To pick a merged change, run \`hack/cherry_pick_pull.sh upstream/release-1.XX ${ref.number}\` in a kubernetes/kubernetes checkout.`,
    );
  const row = await track(deps, s);
  return { row, gates: gatesOf(deps, row.snapshot) };
}

// ------------------------------------------------------------------------------------- discovery

/**
 * Finds open cherry-picks with two search queries over all watched repos (label, and the
 * script-made title), reads a PR's details only when search says it changed since the last run,
 * and reads commit statuses with ETags (an unchanged answer is a free 304).
 */
export async function discover(deps: Deps): Promise<string> {
  const cfg = cpConfig(deps);
  const repos = watchedRepos(deps);
  const scope = repos.map((r) => `repo:${r}`).join(' ');
  const prefixWords = cfg.titlePrefix.replace(/#\s*$/, '').trim().replace(/"/g, '');
  const byLabel = await searchPulls(
    deps.github,
    `${scope} is:pr is:open label:"${cfg.unapprovedLabel}"`,
    cfg.maxCandidates,
  );
  const byTitle = await searchPulls(
    deps.github,
    `${scope} is:pr is:open in:title "${prefixWords}"`,
    cfg.maxCandidates,
  );
  const seen = new Map<string, SearchItem>();
  for (const i of [...byLabel, ...byTitle]) {
    if (!watchedRepo(deps, i.owner, i.repo)) continue;
    if (!hasLabel(i.labels, cfg.unapprovedLabel) && !isScriptTitle(i.title, cfg.titlePrefix)) continue;
    seen.set(refKey(i), i);
  }
  const store = storeOf(deps);
  const staleBefore = deps.clock.now().minus({ minutes: cfg.claimTimeoutMinutes }).toUTC().toISO()!;
  for (const ref of store.expireClaims(staleBefore, now(deps))) await refreshCard(deps, ref);
  const pattern = new RegExp(cfg.branchPattern);
  let tracked = 0;
  let skipped = 0;
  let failed = 0;
  for (const item of seen.values()) {
    try {
      const row = store.get(item);
      let s: PullSnapshot;
      if (row && row.prUpdatedAt === item.updatedAt && row.snapshot.headSha) {
        // Unchanged since last run: only the statuses may have moved.
        s = { ...row.snapshot, statuses: await fetchStatuses(deps.github, item, row.snapshot.headSha) };
      } else {
        s = await fetchPull(deps.github, item, cfg.titlePrefix);
      }
      if (!pattern.test(s.base)) {
        skipped++;
        continue;
      }
      s.originals = parseOriginals(s.title, s.body, cfg.titlePrefix);
      await track(deps, s);
      tracked++;
    } catch (err) {
      failed++;
      deps.log.warn({ err, pr: refKey(item) }, 'cherry-pick discovery could not read a PR');
    }
  }
  // Tracked picks search no longer returns were closed, merged or approved: read them once more.
  let gone = 0;
  for (const k of store.openKeys()) {
    const ref = refOf(k);
    if (seen.has(refKey(ref))) continue;
    try {
      await track(deps, await fetchPull(deps.github, ref, cfg.titlePrefix));
      gone++;
    } catch (err) {
      failed++;
      deps.log.warn({ err, pr: refKey(ref) }, 'cherry-pick discovery could not re-read a PR');
    }
  }
  const detail = `${seen.size} found, ${tracked} tracked, ${skipped} not on a release branch, ${gone} re-read, ${failed} failed`;
  if (failed > 0 && tracked === 0 && gone === 0 && seen.size > 0)
    throw new Error(`discovery failed: ${detail}`);
  return detail;
}

// -------------------------------------------------------------------------------------- approve

async function slackName(deps: Deps, user: string): Promise<string> {
  try {
    const res = (await deps.slack.users.info({ user })) as { user?: { name?: string; real_name?: string } };
    return res.user?.real_name || res.user?.name || user;
  } catch {
    return user;
  }
}

/** How an actor is named in a GitHub comment (no Slack markup; GitHub login when mapped). */
async function githubName(deps: Deps, user: string): Promise<string> {
  const login = deps.directory.githubLoginFor(user);
  return login ? `@${login}` : `Slack user ${sanitizeForGitHub(await slackName(deps, user))}`;
}

/** Neutralises @-mentions and HTML comments (relbot's markers) in text relbot posts to GitHub. */
export function sanitizeForGitHub(text: string): string {
  return text.replace(/@/g, '@\u200b').replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;');
}

const sameLogin = (a: string | undefined, b: string) => !!a && a.toLowerCase() === b.toLowerCase();

/** Refusal text naming who may approve. */
export function whoCanApprove(deps: Deps): string {
  return `Only ${deps.directory.describe(cpConfig(deps).approvers)} can approve or reject cherry-picks.`;
}

function describeBusy(row: PickRow | undefined, key: string, tz: string): string {
  const shown = escapeEntities(key);
  if (!row) return `relbot does not track ${shown}.`;
  if (row.prState !== 'open') return `${shown} is ${row.prState}; nothing to do.`;
  const who = row.actor ? `<@${row.actor}>` : 'GitHub';
  const at = row.decidedAt ? ` at ${fmtTime(row.decidedAt, tz)}` : '';
  switch (row.state) {
    case 'approving':
      return `${who} is approving ${shown} right now.`;
    case 'rejecting':
      return `${who} is rejecting ${shown} right now.`;
    case 'approved':
      return `${shown} is already approved (by ${who}${at}).`;
    case 'rejected':
      return `${shown} was already rejected by ${who}${at}.`;
    case 'failed':
      return `The last ${row.action === 'reject' ? 'rejection' : 'approval'} of ${shown} failed; use Retry on its card.`;
    default:
      return `${shown} cannot be changed right now.`;
  }
}

/** May `user` act at all? (approvers only) */
export async function mayAct(deps: Deps, user: string): Promise<boolean> {
  return deps.directory.isIn(cpConfig(deps).approvers, user);
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
  if (sameLogin(login, row.snapshot.author))
    return {
      ok: false,
      text: `:no_entry: You opened ${shown}, so you cannot approve it yourself. Another approver must: ${whoCanApprove(deps)}`,
    };
  // Settled or closed: the claim below could not succeed, so say why without trying (repeat clicks
  // on a card that is already decided).
  if (row.prState !== 'open' || row.state === 'approved' || row.state === 'rejected')
    return { ok: false, text: describeBusy(row, key, deps.config.timezone) };
  const staleBefore = deps.clock.now().minus({ minutes: cfg.claimTimeoutMinutes }).toUTC().toISO()!;
  const claimId = store.claim(ref, 'approve', user, now(deps), staleBefore);
  if (!claimId) return { ok: false, text: describeBusy(store.get(ref), key, deps.config.timezone) };
  await refreshCard(deps, ref);
  let claimed = store.get(ref)!;
  try {
    const fresh = await fetchPull(deps.github, ref, cfg.titlePrefix);
    store.upsertSnapshot(fresh, now(deps));
    if (sameLogin(login, fresh.author)) {
      store.release(ref, claimId);
      await refreshCard(deps, ref);
      return { ok: false, text: `:no_entry: You opened ${shown}, so you cannot approve it yourself.` };
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
    store.complete(ref, claimId, { now: now(deps), dryRun: dry, detail });
    await refreshCard(deps, ref);
    for (const sib of store.siblings(store.get(ref)!)) await refreshCard(deps, refOf(sib));
    return {
      ok: true,
      text: dry
        ? `:test_tube: Dry run: ${shown} passes the gates; relbot logged the \`${escapeEntities(cfg.label)}\` label and the comment instead of making them.`
        : `:white_check_mark: Approved ${shown}: \`${escapeEntities(cfg.label)}\` added and a comment posted.`,
    };
  } catch (err) {
    const reason = describeGitHubError(err);
    deps.log.error({ err, pr: key }, 'cherry-pick approval failed');
    store.fail(ref, claimId, { now: now(deps), error: reason });
    await refreshCard(deps, ref);
    return {
      ok: false,
      text: `:x: The approval of ${shown} did *not* complete: ${escapeEntities(reason)}. The card offers *Retry*.`,
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
  const staleBefore = deps.clock.now().minus({ minutes: cfg.claimTimeoutMinutes }).toUTC().toISO()!;
  const claimId = store.claim(ref, 'reject', user, now(deps), staleBefore);
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
    store.complete(ref, claimId, { now: now(deps), dryRun: dry, detail: why });
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
    store.fail(ref, claimId, { now: now(deps), error: reasonText });
    await refreshCard(deps, ref);
    return {
      ok: false,
      text: `:x: The rejection of ${shown} did *not* complete: ${escapeEntities(reasonText)}. The card offers *Retry*.`,
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
    const res = await approve(deps, refOf(t), user);
    allOk &&= res.ok;
    lines.push(`• \`${escapeEntities(t.base)}\` (${escapeEntities(keyOfRow(t))}): ${res.text}`);
  }
  return { ok: allOk, text: `*Approve all* for ${escapeEntities(refKey(ref))}:\n${lines.join('\n')}` };
}
