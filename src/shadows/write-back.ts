import { DateTime } from 'luxon';
import type { Deps } from '../deps';
import { UserError } from '../errors';
import { viewerLogin } from '../github/pulls';
import type { Message } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { canPublish, describeUsers, releaseTeamLeads, requireCycle } from './access';
import { nowIso, store } from './common';
import type { WriteBackConfig } from './config';
import type { Cycle } from './rules';
import { dryRunMessage, previewMessage, resultMessage } from './write-back-blocks';
import { fullName, planWriteBack, writeBackConfig } from './write-back-plan';
import { type RunOptions, runTarget, type TargetResult } from './write-back-run';
import { WriteBackStore } from './write-back-store';

/**
 * The roster and user-group pull requests of a published cycle (`/shadow prs`, and the buttons on
 * the publish answer): a preview of each diff with Confirm, a dry run, and the audited, claimed
 * run that opens or updates them. The Slack user group itself is left to Tempelis.
 */

/** A claim older than this belongs to a run that died (a crash): the next Confirm takes it over. */
const CLAIM_MINUTES = 10;

async function requireLead(deps: Deps, user: string): Promise<void> {
  if (!(await canPublish(deps, user)))
    throw new UserError(
      `Only the Release Team Lead (${describeUsers(releaseTeamLeads(deps))}) can open the roster and user-group pull requests.`,
    );
}

function requireConfig(deps: Deps): WriteBackConfig {
  const wb = writeBackConfig(deps);
  if (!wb)
    throw new UserError(
      'Roster and user-group pull requests are not set up here.',
      'An admin adds `shadows.writeBack` (at least `fork:`, the GitHub account that holds the forks) to relbot.yaml.',
    );
  return wb;
}

function requirePublished(cycle: Cycle): void {
  if (cycle.state !== 'published')
    throw new UserError(
      `The v${cycle.version} decisions are not published yet, so there is no roster to propose.`,
      'Publish them first with `/shadow publish`.',
    );
}

function parseValue(raw: string | undefined): { cycleId: number; fingerprint?: string } {
  try {
    const v = JSON.parse(raw ?? '') as { c?: unknown; f?: unknown };
    if (typeof v.c === 'number')
      return { cycleId: v.c, ...(typeof v.f === 'string' ? { fingerprint: v.f } : {}) };
  } catch {
    // fall through
  }
  throw new UserError('That button is damaged.', 'Run `/shadow prs` for a fresh preview.');
}

function cycleOf(deps: Deps, cycleId: number): Cycle {
  const cycle = store(deps).cycle(cycleId);
  if (!cycle) throw new UserError('That application round no longer exists.');
  const current = store(deps).currentCycle();
  if (current && current.id !== cycle.id)
    throw new UserError(
      `That button is for v${cycle.version}; the current round is v${current.version}.`,
      'Run `/shadow prs` for the current round.',
    );
  return cycle;
}

/** `/shadow prs [dry-run]`: the preview with Confirm, or the dry run. Reads GitHub, writes nothing. */
export async function previewPrs(deps: Deps, user: string, words: string[]): Promise<Message> {
  const mode = (words[0] ?? '').toLowerCase();
  if (mode && !['dry-run', 'dryrun', 'dry'].includes(mode))
    throw new UserError(
      `\`${escapeMrkdwn(mode.slice(0, 20))}\` is not a \`/shadow prs\` option.`,
      'Use `/shadow prs` for the preview, or `/shadow prs dry-run`.',
    );
  await requireLead(deps, user);
  const wb = requireConfig(deps);
  const cycle = requireCycle(deps);
  requirePublished(cycle);
  const plan = await planWriteBack(deps, cycle, wb);
  return mode ? dryRunMessage(plan, 'asked') : previewMessage(plan);
}

/** The preview and dry-run buttons (on the publish answer and the preview). */
export async function previewFromButton(
  deps: Deps,
  user: string,
  value: string | undefined,
  dryRun: boolean,
): Promise<Message> {
  await requireLead(deps, user);
  const wb = requireConfig(deps);
  const cycle = cycleOf(deps, parseValue(value).cycleId);
  requirePublished(cycle);
  const plan = await planWriteBack(deps, cycle, wb);
  return dryRun ? dryRunMessage(plan, 'asked') : previewMessage(plan);
}

/**
 * Confirm (and Retry): the plan is read again and must still be what was shown; then one claim
 * per cycle and repo lets one click write, each pull request is brought to its plan, and the
 * ledger and audit rows say where each one ended.
 */
export async function confirmPrs(
  deps: Deps,
  user: string,
  value: string | undefined,
  opts: RunOptions = {},
): Promise<Message> {
  await requireLead(deps, user);
  const wb = requireConfig(deps);
  const req = parseValue(value);
  const cycle = cycleOf(deps, req.cycleId);
  requirePublished(cycle);
  const plan = await planWriteBack(deps, cycle, wb);
  if (plan.fingerprint !== req.fingerprint)
    return previewMessage(
      plan,
      ':information_source: The files changed since that preview (upstream moved, or the team did), so nothing was written. Here is the preview as it is now.',
    );
  if (wb.dryRun) return dryRunMessage(plan, 'config');
  const now = deps.clock.now().toUTC();
  const ledger = new WriteBackStore(deps.db);
  const targets = plan.targets.map((t) => ({
    repo: fullName(t.upstream),
    branch: `${t.fork.owner}:${t.branch}`,
  }));
  const claim = ledger.claim(
    cycle.id,
    targets,
    user,
    now.toISO()!,
    now.minus({ minutes: CLAIM_MINUTES }).toISO()!,
  );
  if (!claim.ok) {
    const since = DateTime.fromISO(claim.since, { zone: 'utc' }).toFormat('HH:mm');
    throw new UserError(
      `<@${claim.holder}> is already writing the v${cycle.version} pull requests (since ${since} UTC).`,
      'Their answer says how it went; `/shadow prs` shows the pull requests afterwards.',
    );
  }
  const viewer = await viewerLogin(deps.github);
  const results: TargetResult[] = [];
  for (const t of plan.targets) {
    const r = await runTarget(deps, t, viewer, opts);
    results.push(r);
    ledger.finish(
      cycle.id,
      r.repo,
      {
        state: r.outcome === 'failed' ? 'failed' : r.outcome === 'up_to_date' ? 'up_to_date' : 'done',
        outcome: r.outcome,
        ...(r.pull ? { prNumber: r.pull.number, prUrl: r.pull.url } : {}),
        ...(r.headSha ? { headSha: r.headSha } : {}),
        ...(r.error ? { error: r.error } : {}),
      },
      user,
      nowIso(deps),
    );
  }
  return resultMessage(plan, results, JSON.stringify({ c: cycle.id, f: plan.fingerprint }));
}

/** Whether the publish answer offers the pull requests. */
export function writeBackOffered(deps: Deps): boolean {
  return !!writeBackConfig(deps);
}
