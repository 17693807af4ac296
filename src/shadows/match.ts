import { editDistance as distance } from '../text';

/** Matching what someone typed against the names relbot knows: closest first, for "did you mean". */

/** Case and punctuation do not count: `release-signal` is `Release Signal`. */
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * `known` ordered closest match to `typed` first (case and punctuation ignored; a name that starts
 * with or contains what was typed counts as close). Ties keep their configured order.
 */
export function closestFirst(known: string[], typed: string): string[] {
  const t = norm(typed);
  const score = (k: string) => {
    const n = norm(k);
    if (!t) return 0;
    if (n.startsWith(t) || t.startsWith(n)) return 0;
    return n.includes(t) ? 1 : 1 + distance(n, t);
  };
  return known
    .map((k, i) => ({ k, i, s: score(k) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.k);
}

/** The closest of `known` when it is near enough to be a likely typo, else undefined. */
export function likelyMeant(known: string[], typed: string): string | undefined {
  const best = closestFirst(known, typed)[0];
  if (!best) return undefined;
  const [n, t] = [norm(best), norm(typed)];
  if (!t) return undefined;
  if (n.startsWith(t) || n.includes(t)) return best;
  return distance(n, t) <= Math.max(1, Math.floor(n.length / 3)) ? best : undefined;
}
