/**
 * Pure parsing: pull request references typed by people, and the original PR numbers a
 * script-made cherry-pick names in its title ("Automated cherry pick of #12345 #56789: ...") and
 * body ("Cherry pick of #12345 on release-1.36.").
 */

export interface PrRef {
  owner: string;
  repo: string;
  number: number;
}

export const repoOf = (r: { owner: string; repo: string }) => `${r.owner}/${r.repo}`;
export const refKey = (r: PrRef) => `${r.owner}/${r.repo}#${r.number}`;
export const prUrl = (r: PrRef) => `https://github.com/${r.owner}/${r.repo}/pull/${r.number}`;

/** The PR a stored row names (`repo` is `owner/name`). */
export function rowRef(r: { repo: string; number: number }): PrRef {
  const [owner, repo] = r.repo.split('/');
  return { owner: owner!, repo: repo!, number: r.number };
}

export function keyToRef(key: string): PrRef | undefined {
  const m = /^([\w.-]+)\/([\w.-]+)#(\d{1,9})$/.exec(key);
  if (!m) return undefined;
  return { owner: m[1]!, repo: m[2]!, number: Number(m[3]) };
}

export type ParsedRef = { ok: true; ref: PrRef } | { ok: false; reason: string };

const NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})';
const REPO = '[A-Za-z0-9._-]{1,100}';

/**
 * Reads `https://github.com/o/r/pull/N` (with or without scheme, trailing path, query or the
 * `<...>` / `<url|label>` wrapping Slack adds), `o/r#N`, or `#N` / `N` for `defaultRepo`.
 */
export function parsePrRef(input: string, defaultRepo?: string): ParsedRef {
  let text = input.trim();
  const wrapped = /^<([^|>]*)(?:\|[^>]*)?>$/.exec(text);
  if (wrapped) text = wrapped[1]!.trim();
  if (!text) return { ok: false, reason: 'Give a pull request: a GitHub URL or owner/repo#N.' };
  const url = new RegExp(
    `^(?:https?://)?(?:www\\.)?github\\.com/(${NAME})/(${REPO})/(pull|pulls|issues)/(\\d+)(?:[/?#].*)?$`,
    'i',
  ).exec(text);
  if (url) {
    if (url[3]!.toLowerCase() === 'issues')
      return { ok: false, reason: `That is an issue URL; give the cherry-pick pull request instead.` };
    return num(url[1]!, url[2]!, url[4]!);
  }
  if (/github\.com/i.test(text))
    return {
      ok: false,
      reason:
        'That GitHub URL is not a pull request; it should look like https://github.com/kubernetes/kubernetes/pull/12345.',
    };
  const short = new RegExp(`^(${NAME})/(${REPO})#(\\d+)$`).exec(text);
  if (short) return num(short[1]!, short[2]!, short[3]!);
  const bare = /^#?(\d+)$/.exec(text);
  if (bare && defaultRepo) {
    const [owner, repo] = defaultRepo.split('/');
    return num(owner!, repo!, bare[1]!);
  }
  return {
    ok: false,
    reason:
      'That is not a pull request reference; use a GitHub URL or owner/repo#N, e.g. kubernetes/kubernetes#12345.',
  };
}

function num(owner: string, repo: string, n: string): ParsedRef {
  const number = Number(n);
  if (!Number.isSafeInteger(number) || number < 1 || n.length > 9)
    return { ok: false, reason: `#${n.slice(0, 12)} is not a valid pull request number.` };
  return { ok: true, ref: { owner, repo, number } };
}

/** Original PR numbers named by a cherry-pick's title and body, in order of first mention. */
export function parseOriginals(
  title: string,
  body: string | null | undefined,
  titlePrefix: string,
): number[] {
  const out: number[] = [];
  const add = (list: string) => {
    for (const m of list.matchAll(/#(\d{1,9})/g)) {
      const n = Number(m[1]);
      if (!out.includes(n)) out.push(n);
    }
  };
  const prefix = titlePrefix.replace(/#\s*$/, '').trim();
  const t = title.trim();
  if (t.toLowerCase().startsWith(prefix.toLowerCase())) {
    const after = t.slice(prefix.length);
    const m = /^\s*((?:#\d+[\s,]*)+)/.exec(after);
    if (m) add(m[1]!);
  }
  for (const m of (body ?? '').matchAll(/cherry[ -]?pick of\s+((?:#\d+[\s,]*(?:and\s+)?)+)\s*on\s+[\w.-]+/gi))
    add(m[1]!);
  return out;
}

/** Does the title look script-made? */
export function isScriptTitle(title: string, titlePrefix: string): boolean {
  return title.trim().toLowerCase().startsWith(titlePrefix.toLowerCase());
}

/** `release-1.36` or `1.36` -> `release-1.36`; anything else unchanged. */
export function normalizeBranch(input: string): string {
  const t = input.trim();
  return /^\d+\.\d+$/.test(t) ? `release-${t}` : t;
}
