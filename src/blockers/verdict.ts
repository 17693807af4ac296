import type { GoNoGo } from './testgrid';

/**
 * The Go/No-Go verdict of a milestone (pure): open release-blocking items and the CI signal
 * (testgrid, the handbook's matrix) together, saying which of them decided it. Go needs both: no
 * release-blocking item open and a green CI signal. "Release cutting has only Go/No-Go, so yellow
 * is equivalent to red" (Release Signal handbook). What relbot cannot read is never Go.
 */

export type Verdict = 'go' | 'no-go' | 'unknown';

export interface VerdictInput {
  /** Testgrid's answer; undefined when no dashboards are configured. */
  ci?: GoNoGo;
  /**
   * Release-blocking items open in the whole milestone; undefined when GitHub could not be read and
   * relbot has no earlier data.
   */
  blocking?: number;
  /** The count comes from the last known state (GitHub is unavailable now). */
  lastKnown?: boolean;
  /** For a SIG's view: the SIG and how many of the blocking items are in it. */
  sig?: { name: string; blocking: number };
}

export interface VerdictResult {
  verdict: Verdict;
  /** The colour: red = blockers or red CI, yellow = only flaky blocking jobs, white = unknown. */
  colour: 'green' | 'yellow' | 'red' | 'white';
  /** Why, in words (mrkdwn-safe: no text from outside). */
  reason: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the CI signal says, in a few words, naming the boards that make it so. */
export function ciPhrase(ci: GoNoGo | undefined): string {
  if (!ci) return 'no CI signal configured';
  const names = (pick: (d: GoNoGo['dashboards'][number]) => boolean) =>
    ci.dashboards
      .filter(pick)
      .map((d) => d.name)
      .join(', ');
  switch (ci.signal) {
    case 'green':
      return 'CI signal green';
    case 'red':
      return `CI signal red: ${names((d) => d.state === 'failing')} failing`;
    case 'yellow':
      return `CI signal yellow: ${names((d) => d.kind === 'blocking' && d.state === 'flaky')} flaky`;
    default: {
      const unreadable = names((d) => !d.absent && d.state === undefined);
      if (unreadable) return `CI signal unknown: ${unreadable} could not be read`;
      return 'CI signal unknown: testgrid has no dashboard for this milestone yet';
    }
  }
}

export function decideVerdict(input: VerdictInput): VerdictResult {
  const { ci, blocking, lastKnown, sig } = input;
  const ciBad = ci?.signal === 'red' || ci?.signal === 'yellow';
  const ciText = ciPhrase(ci);
  const inSig = sig ? `, ${sig.blocking ? sig.blocking : 'none'} of them in sig/${sig.name}` : '';
  if (blocking !== undefined && blocking > 0) {
    const known = lastKnown ? ' in the last known state' : '';
    return {
      verdict: 'no-go',
      colour: 'red',
      reason: `${plural(blocking, 'blocker')} open${known}${inSig} (${ciText}).`,
    };
  }
  const noBlockers =
    blocking === undefined
      ? 'blockers unknown: GitHub is unavailable'
      : lastKnown
        ? 'GitHub is unavailable; the last known state had no blockers'
        : 'no blockers open';
  if (ciBad)
    return {
      verdict: 'no-go',
      colour: ci?.signal === 'red' ? 'red' : 'yellow',
      reason: `${ciText} (${noBlockers}).`,
    };
  if (blocking === undefined || lastKnown)
    return { verdict: 'unknown', colour: 'white', reason: `${capital(noBlockers)} (${ciText}).` };
  if (ci?.signal === 'green')
    return { verdict: 'go', colour: 'green', reason: `${capital(noBlockers)} and ${ciText}.` };
  return { verdict: 'unknown', colour: 'white', reason: `${capital(ciText)} (${noBlockers}).` };
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
