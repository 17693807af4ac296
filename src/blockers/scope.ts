import type { Deps } from '../deps';
import { UserError } from '../errors';
import { currentCycle } from '../schedule/api';
import { escapeEntities } from '../slack/escape';
import type { MilestoneNotFound } from './github';
import type { ClassifiedItem } from './model';
import { closestSigs, isClose, knownSigs } from './sigs';

/**
 * What a blocker summary is about: the milestone (asked, configured, or the schedule's current
 * cycle) and the SIG, with the errors that name what exists when the asked one does not.
 */

export function normalizeMilestone(text: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)$/i.exec(text.trim());
  return m ? `v${Number(m[1])}.${Number(m[2])}` : undefined;
}

/** The milestone asked for, else the configured one, else the schedule feature's current cycle. */
export function resolveMilestone(deps: Deps, asked?: string): string {
  if (asked !== undefined) {
    const m = normalizeMilestone(asked);
    if (!m)
      throw new UserError(
        `\`${escapeEntities([...asked].slice(0, 40).join(''))}\` is not a milestone.`,
        'A milestone looks like `v1.37`, for example `/blockers v1.37`.',
      );
    return m;
  }
  const fromConfig = deps.config.blockers.milestone;
  if (fromConfig) return fromConfig;
  const cycle = currentCycle(deps);
  if (cycle) return normalizeMilestone(cycle.milestone) ?? cycle.milestone;
  throw new UserError(
    'relbot does not know the current milestone. `blockers.milestone` is not set in relbot.yaml, and the schedule has no current cycle.',
    'Name one, for example `/blockers v1.37`. An admin can set `blockers.milestone`. `/blockers help` lists every subcommand.',
  );
}

/** The current milestone, or undefined when relbot does not know one. */
export function currentMilestone(deps: Deps): string | undefined {
  try {
    return resolveMilestone(deps);
  } catch {
    return undefined;
  }
}

const versionOf = (title: string) => {
  const m = /^v?(\d+)\.(\d+)$/i.exec(title);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : undefined;
};

/** The known milestones closest to `asked` first (open ones before closed ones), at most `max`. */
export function closestMilestones(
  asked: string,
  known: { title: string; open: boolean }[],
  max = 6,
): string[] {
  const want = versionOf(asked) ?? 0;
  const distance = (t: string) => Math.abs((versionOf(t) ?? Number.MAX_SAFE_INTEGER / 2) - want);
  return [...known]
    .sort(
      (a, b) =>
        Number(b.open) - Number(a.open) ||
        distance(a.title) - distance(b.title) ||
        (versionOf(b.title) ?? 0) - (versionOf(a.title) ?? 0),
    )
    .slice(0, max)
    .map((m) => m.title);
}

/** The error for a milestone no repo has: it names the closest ones that exist. */
export function unknownMilestone(err: MilestoneNotFound, asked: string): UserError {
  const open = err.known.filter((m) => m.open);
  const closest = closestMilestones(asked, err.known).map((t) => `\`${escapeEntities(t)}\``);
  const hint = closest.length
    ? `${open.length ? 'Open milestones' : 'Milestones'}, closest first: ${closest.join(', ')}. Leave the milestone out for the current one.`
    : 'Leave the milestone out for the current one.';
  return new UserError(escapeEntities(err.message), hint);
}

/**
 * The SIG asked, checked against the known SIGs (configured, and every `sig/*` label on the items
 * read): a typo is an error naming the closest ones, not a "nothing blocks" that is false comfort.
 */
export function checkSig(deps: Deps, sig: string, items: ClassifiedItem[]): void {
  const known = knownSigs(
    deps.config.blockers.sigs,
    items.flatMap((i) => i.sigs),
  );
  if (known.includes(sig.toLowerCase())) return;
  const closest = closestSigs(sig, known);
  const guess =
    closest[0] && isClose(sig, closest[0]) ? `Did you mean \`/blockers sig ${closest[0]}\`? ` : '';
  throw new UserError(
    `relbot knows no SIG \`${escapeEntities(sig)}\`, so it cannot say what blocks it.`,
    `${guess}The SIGs it knows, closest first: ${closest.join(', ')}.`,
  );
}
