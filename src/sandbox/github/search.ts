// The GitHub emulator's search query parser: `q=` of /search/issues as a predicate over model issues.
import { type GhIssue, repoKey, time } from './model';

export interface SearchTerm {
  negated: boolean;
  key: string | undefined;
  value: string;
  quoted: boolean;
}

/** Split a search query into terms: `-key:"quoted value"`, `key:value`, `"phrase"`, `word`. */
export function tokenize(q: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  let i = 0;
  const ws = (c: string | undefined) => c === undefined || /\s/.test(c);
  while (i < q.length) {
    while (i < q.length && ws(q[i])) i++;
    if (i >= q.length) break;
    let negated = false;
    if (q[i] === '-' && !ws(q[i + 1])) {
      negated = true;
      i++;
    }
    let key: string | undefined;
    const m = /^([A-Za-z][A-Za-z_-]*):(?=\S)/.exec(q.slice(i));
    if (m) {
      key = m[1]!.toLowerCase();
      i += m[0].length;
    }
    let value: string;
    let quoted = false;
    if (q[i] === '"') {
      const end = q.indexOf('"', i + 1);
      value = end < 0 ? q.slice(i + 1) : q.slice(i + 1, end);
      i = end < 0 ? q.length : end + 1;
      quoted = true;
    } else {
      let j = i;
      while (j < q.length && !ws(q[j])) j++;
      value = q.slice(i, j);
      i = j;
    }
    terms.push({ negated, key, value, quoted });
  }
  return terms;
}

/** A date qualifier value (`>=2024-01-01`, `<2024-01-01T10:00:00Z`, `a..b`, `2024-01-01`) as a predicate. */
export function dateRange(v: string): ((t: number) => boolean) | undefined {
  const bounds = (s: string): [number, number] | undefined => {
    const start = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
    if (Number.isNaN(start)) return undefined;
    return [start, /^\d{4}-\d{2}-\d{2}$/.test(s) ? start + 86_400_000 : start + 1000];
  };
  const range = /^(.+)\.\.(.+)$/.exec(v);
  if (range) {
    const a = range[1] === '*' ? [Number.NEGATIVE_INFINITY, 0] : bounds(range[1]!);
    const b = range[2] === '*' ? [0, Number.POSITIVE_INFINITY] : bounds(range[2]!);
    if (!a || !b) return undefined;
    return (t) => t >= a[0]! && t < b[1]!;
  }
  const cmp = /^(>=|<=|>|<)?(.+)$/.exec(v);
  const b = cmp ? bounds(cmp[2]!) : undefined;
  if (!cmp || !b) return undefined;
  switch (cmp[1]) {
    case '>':
      return (t) => t >= b[1];
    case '>=':
      return (t) => t >= b[0];
    case '<':
      return (t) => t < b[0];
    case '<=':
      return (t) => t < b[1];
    default:
      return (t) => t >= b[0] && t < b[1];
  }
}

export type Pred = (i: GhIssue) => boolean;
/** What the parser cannot work out from an issue alone. */
export interface SearchHooks {
  reviewState: (i: GhIssue) => string;
  statusState: (i: GhIssue) => string | undefined;
}

/** Keys whose repeated positive terms are ORed (everything else is ANDed). */
const OR_KEYS = new Set(['repo', 'org', 'user', 'author', 'assignee', 'base', 'head', 'milestone']);

export type ParsedSearch = { filter: Pred; sort?: { key: string; order?: string } } | { error: string };

/**
 * Parses a search query. Qualifiers: repo:, org:/user:, author: (app/NAME for bots), assignee:,
 * is:/type:/state: (open, closed, pr, issue; is: also merged, unmerged, draft), draft:, label:
 * (a comma list is an OR), milestone:, base:, head:, no:label|milestone|assignee, in:title|body|comments,
 * review:, status:, archived: (ignored), created:/updated:/closed:/merged: date ranges, sort:.
 * A leading `-` negates a term; repeated positive terms of repo, org, user, author, assignee, base,
 * head and milestone are ORed, everything else is ANDed. Free text (words or "quoted phrases") is a
 * case-insensitive substring of the `in:` fields (title and body by default). Anything else, and
 * the operators AND/OR/NOT, is an error, so a test cannot pass on a query the emulator misreads.
 */
export function parseSearch(q: string, hooks: SearchHooks): ParsedSearch {
  const terms = tokenize(q);
  const and: Pred[] = [];
  const orGroups = new Map<string, Pred[]>();
  const text: { negated: boolean; value: string }[] = [];
  let fields = new Set<string>();
  let sort: { key: string; order?: string } | undefined;
  const lc = (s: string) => s.toLowerCase();

  for (const t of terms) {
    if (t.key === undefined) {
      if (!t.quoted && ['AND', 'OR', 'NOT'].includes(t.value)) {
        return { error: `boolean operator ${t.value} is not supported by the emulator` };
      }
      text.push({ negated: t.negated, value: lc(t.value) });
      continue;
    }
    const v = t.value;
    const lv = lc(v);
    let pred: Pred | undefined;
    switch (t.key) {
      case 'repo':
        pred = (i) => repoKey(i.owner, i.repo) === lv;
        break;
      case 'org':
      case 'user':
        pred = (i) => lc(i.owner) === lv;
        break;
      case 'author':
        // bots are searched as author:app/NAME
        pred = (i) => lc(i.user) === (lv.startsWith('app/') ? `${lv.slice(4)}[bot]` : lv);
        break;
      case 'assignee':
        pred = (i) => i.assignees.some((a) => lc(a) === lv);
        break;
      case 'is':
      case 'type':
      case 'state':
        switch (lv) {
          case 'open':
          case 'closed':
            pred = (i) => i.state === lv;
            break;
          case 'pr':
          case 'pull-request':
            pred = (i) => i.pull !== undefined;
            break;
          case 'issue':
            pred = (i) => i.pull === undefined;
            break;
          case 'merged':
            pred = (i) => i.pull?.merged === true;
            break;
          case 'unmerged':
            pred = (i) => i.pull !== undefined && !i.pull.merged && i.state === 'closed';
            break;
          case 'draft':
            pred = (i) => i.pull?.draft === true;
            break;
          default:
            return { error: `unsupported ${t.key}:${v}` };
        }
        if (t.key !== 'is' && !['open', 'closed', 'pr', 'issue'].includes(lv)) {
          return { error: `unsupported ${t.key}:${v}` };
        }
        break;
      case 'draft':
        pred = (i) => i.pull !== undefined && (i.pull.draft === true) === (lv === 'true');
        break;
      case 'label': {
        const any = v
          .split(',')
          .map((s) => lc(s.trim()))
          .filter(Boolean);
        pred = (i) => i.labels.some((l) => any.includes(lc(l)));
        break;
      }
      case 'milestone':
        pred = (i) => !!i.milestone && lc(i.milestone) === lv;
        break;
      case 'base':
        pred = (i) => i.pull !== undefined && i.pull.base === v;
        break;
      case 'head':
        pred = (i) => i.pull !== undefined && i.pull.head === v;
        break;
      case 'no':
        if (lv === 'label') pred = (i) => i.labels.length === 0;
        else if (lv === 'milestone') pred = (i) => !i.milestone;
        else if (lv === 'assignee') pred = (i) => i.assignees.length === 0;
        else return { error: `unsupported no:${v}` };
        break;
      case 'in':
        if (!t.negated) fields = new Set([...fields, ...lv.split(',')]);
        continue;
      case 'review':
        pred = (i) => i.pull !== undefined && hooks.reviewState(i) === lv;
        break;
      case 'status':
        pred = (i) => i.pull !== undefined && hooks.statusState(i) === lv;
        break;
      case 'archived':
        continue; // the model has no archived repos
      case 'created':
      case 'updated':
      case 'closed':
      case 'merged': {
        const inRange = dateRange(v);
        if (!inRange) return { error: `invalid date in ${t.key}:${v}` };
        const key = t.key;
        pred = (i) => {
          const s =
            key === 'created'
              ? i.created_at
              : key === 'updated'
                ? i.updated_at
                : key === 'closed'
                  ? i.closed_at
                  : i.pull?.merged
                    ? (i.closed_at ?? i.updated_at)
                    : null;
          return !!s && inRange(time(s));
        };
        break;
      }
      case 'sort': {
        const m = /^(created|updated|comments)(?:-(asc|desc))?$/.exec(lv);
        if (!m) return { error: `unsupported sort:${v}` };
        sort = { key: m[1]!, order: m[2] ?? 'desc' };
        continue;
      }
      default:
        return { error: `search qualifier "${t.key}:" is not supported by the emulator` };
    }
    const p = pred;
    if (t.negated) and.push((i) => !p(i));
    else if (OR_KEYS.has(t.key)) orGroups.set(t.key, [...(orGroups.get(t.key) ?? []), p]);
    else and.push(p);
  }

  if (fields.size === 0) fields = new Set(['title', 'body']);
  const haystack = (i: GhIssue): string =>
    [
      fields.has('title') ? i.title : '',
      fields.has('body') ? (i.body ?? '') : '',
      fields.has('comments') ? i.comments.map((c) => c.body).join('\n') : '',
    ]
      .join('\n')
      .toLowerCase();
  const groups = [...orGroups.values()];
  return {
    sort,
    filter: (i) =>
      and.every((p) => p(i)) &&
      groups.every((g) => g.some((p) => p(i))) &&
      (text.length === 0 || ((h) => text.every((w) => h.includes(w.value) !== w.negated))(haystack(i))),
  };
}
