import type { GhIssue } from '../../src/sandbox/github/model';
import { paginate } from '../../src/sandbox/github/reply';
import { dateRange, parseSearch, type SearchHooks, tokenize } from '../../src/sandbox/github/search';

function issue(p: Partial<GhIssue> & { number: number }): GhIssue {
  return {
    owner: 'kubernetes',
    repo: 'kubernetes',
    title: `issue ${p.number}`,
    body: null,
    state: 'open',
    user: 'alice',
    labels: [],
    assignees: [],
    milestone: null,
    created_at: '2026-03-01T10:00:00Z',
    updated_at: '2026-03-01T10:00:00Z',
    closed_at: null,
    comments: [],
    reviews: [],
    ...p,
  };
}

const pull = (p: Partial<GhIssue> & { number: number }, fields: Partial<NonNullable<GhIssue['pull']>> = {}) =>
  issue({ ...p, pull: { base: 'main', head: `pr-${p.number}`, head_sha: 'abc', ...fields } });

const hooks: SearchHooks = { reviewState: () => 'none', statusState: () => undefined };

const ISSUES: GhIssue[] = [
  issue({
    number: 1,
    title: 'Flaky test in kubelet',
    labels: ['kind/flake', 'sig/node'],
    milestone: 'v1.37',
  }),
  issue({
    number: 2,
    title: 'Closed bug',
    state: 'closed',
    labels: ['kind/bug'],
    closed_at: '2026-03-02T00:00:00Z',
  }),
  pull(
    { number: 3, title: 'Cherry pick of #100', labels: ['cherry-pick-approved'], milestone: 'v1.36' },
    { base: 'release-1.36' },
  ),
  pull({ number: 4, title: 'Draft work', labels: ['do-not-merge/hold'], user: 'bob' }, { draft: true }),
  pull(
    { number: 5, title: 'Merged fix', state: 'closed', closed_at: '2026-03-03T12:00:00Z' },
    { merged: true, base: 'release-1.35' },
  ),
  issue({
    number: 6,
    owner: 'kubernetes',
    repo: 'test-infra',
    title: 'Infra issue',
    labels: ['sig/testing'],
    assignees: ['carol'],
  }),
  issue({
    number: 7,
    title: 'Bot report',
    user: 'k8s-ci-robot[bot]',
    body: 'The word needle is in the body',
  }),
];

/** Numbers of the fixture issues matching `q`, or the parser's error. */
function search(q: string, h: SearchHooks = hooks): number[] | string {
  const parsed = parseSearch(q, h);
  if ('error' in parsed) return parsed.error;
  return ISSUES.filter(parsed.filter).map((i) => i.number);
}

describe('tokenize', () => {
  test('words, qualifiers, negation and quoted values', () => {
    expect(tokenize('  repo:a/b  -label:"do not merge" "a phrase" word -x ')).toEqual([
      { negated: false, key: 'repo', value: 'a/b', quoted: false },
      { negated: true, key: 'label', value: 'do not merge', quoted: true },
      { negated: false, key: undefined, value: 'a phrase', quoted: true },
      { negated: false, key: undefined, value: 'word', quoted: false },
      { negated: true, key: undefined, value: 'x', quoted: false },
    ]);
  });

  test('keys are lower-cased; a lone dash or a colon with nothing after is text; an open quote runs to the end', () => {
    expect(tokenize('IS:PR - key: "unterminated rest')).toEqual([
      { negated: false, key: 'is', value: 'PR', quoted: false },
      { negated: false, key: undefined, value: '-', quoted: false },
      { negated: false, key: undefined, value: 'key:', quoted: false },
      { negated: false, key: undefined, value: 'unterminated rest', quoted: true },
    ]);
  });
});

describe('parseSearch', () => {
  test('repo: matches case-insensitively and repeated repo: terms are ORed', () => {
    expect(search('repo:kubernetes/TEST-INFRA')).toEqual([6]);
    expect(search('repo:kubernetes/test-infra repo:kubernetes/kubernetes')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(search('repo:kubernetes/nothing')).toEqual([]);
  });

  test('is:pr, is:issue, is:open, is:closed, is:merged, is:unmerged, is:draft; type: and state:', () => {
    expect(search('is:pr')).toEqual([3, 4, 5]);
    expect(search('is:issue')).toEqual([1, 2, 6, 7]);
    expect(search('is:open is:pr')).toEqual([3, 4]);
    expect(search('is:closed')).toEqual([2, 5]);
    expect(search('is:merged')).toEqual([5]);
    expect(search('is:unmerged')).toEqual([]);
    expect(search('is:draft')).toEqual([4]);
    expect(search('draft:false')).toEqual([3, 5]);
    expect(search('type:pr state:open')).toEqual([3, 4]);
    expect(search('-is:pr is:open')).toEqual([1, 6, 7]);
  });

  test('type: and state: only take open, closed, pr and issue', () => {
    expect(search('type:merged')).toBe('unsupported type:merged');
    expect(search('is:nonsense')).toBe('unsupported is:nonsense');
  });

  test('label: ANDs across terms, ORs within a comma list; -label: excludes; quoted names', () => {
    expect(search('label:kind/flake label:sig/node')).toEqual([1]);
    expect(search('label:kind/flake label:kind/bug')).toEqual([]);
    expect(search('label:kind/flake,kind/bug')).toEqual([1, 2]);
    expect(search('is:pr -label:do-not-merge/hold')).toEqual([3, 5]);
    expect(search('label:"KIND/FLAKE"')).toEqual([1]);
    expect(search('no:label')).toEqual([5, 7]);
    expect(search('no:label is:open')).toEqual([7]);
  });

  test('milestone:, base:, head:, author: (app/ for bots), assignee:, org:, no:', () => {
    expect(search('milestone:V1.37')).toEqual([1]);
    expect(search('milestone:v1.37 milestone:v1.36')).toEqual([1, 3]);
    expect(search('milestone:"v1.36"')).toEqual([3]);
    expect(search('base:release-1.36')).toEqual([3]);
    expect(search('base:Release-1.36')).toEqual([]);
    expect(search('head:pr-4')).toEqual([4]);
    expect(search('author:bob')).toEqual([4]);
    expect(search('author:app/k8s-ci-robot')).toEqual([7]);
    expect(search('assignee:carol')).toEqual([6]);
    expect(search('org:kubernetes no:milestone no:assignee is:issue')).toEqual([2, 7]);
    expect(search('no:project')).toBe('unsupported no:project');
  });

  test('free text: substring of title and body by default; in: narrows; quoted phrases; negated words', () => {
    expect(search('kubelet')).toEqual([1]);
    expect(search('NEEDLE')).toEqual([7]);
    expect(search('needle in:title')).toEqual([]);
    expect(search('"cherry pick"')).toEqual([3]);
    expect(search('is:issue -flaky -closed')).toEqual([6, 7]);
  });

  test('review: and status: ask the hooks, and only match pull requests', () => {
    const h: SearchHooks = {
      reviewState: (i) => (i.number === 3 ? 'approved' : 'none'),
      statusState: (i) => (i.number === 4 ? 'failure' : undefined),
    };
    expect(search('review:approved', h)).toEqual([3]);
    expect(search('review:none', h)).toEqual([4, 5]);
    expect(search('status:failure', h)).toEqual([4]);
  });

  test('date qualifiers: created:, closed:, merged: with >, >=, <, <=, ranges and whole days', () => {
    expect(search('closed:>=2026-03-02')).toEqual([2, 5]);
    expect(search('closed:>2026-03-02')).toEqual([5]);
    expect(search('merged:2026-03-03')).toEqual([5]);
    expect(search('merged:<2026-03-03')).toEqual([]);
    expect(search('closed:2026-03-01..2026-03-02')).toEqual([2]);
    expect(search('closed:*..2026-03-03')).toEqual([2, 5]);
    expect(search('created:<=2026-03-01 is:pr')).toEqual([3, 4, 5]);
    expect(search('created:yesterday')).toBe('invalid date in created:yesterday');
  });

  test('sort: is returned, not applied; archived: is ignored', () => {
    const parsed = parseSearch('is:pr sort:updated-asc archived:false', hooks);
    expect('error' in parsed).toBe(false);
    if ('error' in parsed) return;
    expect(parsed.sort).toEqual({ key: 'updated', order: 'asc' });
    expect(ISSUES.filter(parsed.filter).map((i) => i.number)).toEqual([3, 4, 5]);
    const byDefault = parseSearch('sort:comments', hooks);
    expect('error' in byDefault ? byDefault : byDefault.sort).toEqual({ key: 'comments', order: 'desc' });
    expect(search('sort:best-match')).toBe('unsupported sort:best-match');
  });

  test('unknown qualifiers and boolean operators are errors, quoted operators are text', () => {
    expect(search('project:1')).toBe('search qualifier "project:" is not supported by the emulator');
    expect(search('kubelet OR kind')).toBe('boolean operator OR is not supported by the emulator');
    expect(search('NOT kubelet')).toBe('boolean operator NOT is not supported by the emulator');
    expect(search('"AND"')).toEqual([]);
  });
});

test('dateRange: a day, an instant, comparisons and open-ended ranges', () => {
  const t = (s: string) => Date.parse(s);
  const day = dateRange('2026-03-02')!;
  expect(day(t('2026-03-02T00:00:00Z'))).toBe(true);
  expect(day(t('2026-03-02T23:59:59Z'))).toBe(true);
  expect(day(t('2026-03-03T00:00:00Z'))).toBe(false);
  const after = dateRange('>2026-03-02T10:00:00Z')!;
  expect(after(t('2026-03-02T10:00:00Z'))).toBe(false);
  expect(after(t('2026-03-02T10:00:01Z'))).toBe(true);
  expect(dateRange('2026-03-01..*')!(t('2030-01-01T00:00:00Z'))).toBe(true);
  expect(dateRange('not-a-date')).toBeUndefined();
  expect(dateRange('2026-03-01..later')).toBeUndefined();
});

test('paginate: per_page (default 30, at most 100), page, and Link rels from the request origin', () => {
  const all = Array.from({ length: 250 }, (_, i) => i);
  const at = (qs: string) =>
    paginate(
      { query: new URLSearchParams(qs), origin: 'http://127.0.0.1:9', pathname: '/search/issues' },
      all,
    );
  const first = at('q=x');
  expect(first.items).toEqual(all.slice(0, 30));
  expect(first.headers.link).toBe(
    '<http://127.0.0.1:9/search/issues?q=x&page=2>; rel="next", <http://127.0.0.1:9/search/issues?q=x&page=9>; rel="last"',
  );
  const middle = at('q=x&per_page=100&page=2');
  expect(middle.items).toEqual(all.slice(100, 200));
  expect(middle.headers.link).toBe(
    [
      '<http://127.0.0.1:9/search/issues?q=x&per_page=100&page=1>; rel="prev"',
      '<http://127.0.0.1:9/search/issues?q=x&per_page=100&page=3>; rel="next"',
      '<http://127.0.0.1:9/search/issues?q=x&per_page=100&page=3>; rel="last"',
      '<http://127.0.0.1:9/search/issues?q=x&per_page=100&page=1>; rel="first"',
    ].join(', '),
  );
  expect(at('per_page=500').items).toHaveLength(100);
  expect(at('per_page=0&page=-1').items).toEqual(all.slice(0, 30));
  expect(at('page=99').items).toEqual([]);
  expect(paginate({ query: new URLSearchParams(), origin: 'o', pathname: '/p' }, [1, 2]).headers).toEqual({});
});
