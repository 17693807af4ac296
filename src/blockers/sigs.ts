import { editDistance } from '../text';

/**
 * Which SIGs `/blockers sig <name>` knows, and the closest ones to a name it does not know (pure).
 *
 * Known = the configured list (`blockers.sigs`, by default the Kubernetes SIGs of labels.yaml)
 * plus every `sig/*` label on the items read. The list keeps a real SIG with nothing tracked
 * answerable ("Nothing blocks v1.37 in sig/auth" is then the truth); the labels seen keep a SIG
 * that is newer than the list answerable too. Anything else is a typo, and answering it with
 * "nothing blocks" would be false comfort.
 */

/** The known SIGs: the configured ones and those seen on items, sorted, without duplicates. */
export function knownSigs(configured: string[], seen: Iterable<string>): string[] {
  return [...new Set([...configured, ...seen].map((s) => s.toLowerCase()))].sort();
}

/**
 * `known` ordered closest to `name` first: the SIGs it is a prefix of (or that are a prefix of
 * it), then those within a few edits (by distance), then the rest alphabetically.
 */
export function closestSigs(name: string, known: string[]): string[] {
  const n = name.toLowerCase();
  const near = Math.max(2, Math.floor(n.length / 3));
  const rank = (s: string) => {
    if (s.startsWith(n) || n.startsWith(s)) return 0;
    const distance = editDistance(n, s);
    return distance <= near ? distance : Number.POSITIVE_INFINITY;
  };
  return [...known]
    .map((s) => ({ s, r: rank(s) }))
    .sort((a, b) => (a.r === b.r ? 0 : a.r < b.r ? -1 : 1) || a.s.localeCompare(b.s))
    .map((x) => x.s);
}

/** Whether `sig` is close enough to `name` to suggest it ("Did you mean …?"). */
export function isClose(name: string, sig: string): boolean {
  const n = name.toLowerCase();
  return (
    sig.startsWith(n) || n.startsWith(sig) || editDistance(n, sig) <= Math.max(2, Math.floor(n.length / 3))
  );
}
