import { createHash } from 'node:crypto';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { GitHubEmulator } from '../../src/sandbox/github/server';

const T0 = Date.parse('2026-03-02T09:00:00Z');
let clock = T0;
const emu = new GitHubEmulator({ now: () => new Date(clock) });
let octokit: Octokit;
// Octokit logs every failed request with console.error; the failures here are intentional.
const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const O = 'kubernetes';
const R = 'kubernetes';

function statusOf(err: unknown): number | undefined {
  return (err as { status?: number }).status;
}

async function rejection(
  p: Promise<unknown>,
): Promise<{ status?: number; message: string; response?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { status?: number; message: string };
  }
  throw new Error('expected the request to fail');
}

beforeAll(async () => {
  const url = await emu.start();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(emu.url).toBe(url);
  octokit = new Octokit({ baseUrl: url, auth: 'ghp_test', log, request: { retries: 0 } });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.clearCalls();
  emu.clearFaults();
});

describe('pulls and issues', () => {
  beforeAll(() => {
    emu.addPull({
      owner: O,
      repo: R,
      number: 1001,
      title: 'Automated cherry pick of #1000: fix kubelet',
      body: 'Cherry pick of #1000 on release-1.36.',
      user: 'k8s-infra-cherrypick-robot',
      labels: ['kind/bug', 'cncf-cla: yes'],
      assignees: ['alice'],
      milestone: 'v1.36',
      created_at: '2026-03-01T10:00:00Z',
      pull: {
        base: 'release-1.36',
        head: 'automated-cherry-pick-of-#1000',
        head_sha: 'a'.repeat(40),
        draft: false,
      },
      reviews: [{ user: 'bob', state: 'APPROVED', submitted_at: '2026-03-01T12:00:00Z' }],
    });
    emu.addIssue({ owner: O, repo: R, number: 1002, title: 'Flaky test', labels: ['kind/flake'] });
  });

  test('GET a pull request in GitHub shape', async () => {
    const { data: pr, status } = await octokit.rest.pulls.get({ owner: O, repo: R, pull_number: 1001 });
    expect(status).toBe(200);
    expect(pr.number).toBe(1001);
    expect(pr.title).toBe('Automated cherry pick of #1000: fix kubelet');
    expect(pr.state).toBe('open');
    expect(pr.user?.login).toBe('k8s-infra-cherrypick-robot');
    expect(pr.labels.map((l) => l.name)).toEqual(['kind/bug', 'cncf-cla: yes']);
    expect(pr.assignees?.map((a) => a.login)).toEqual(['alice']);
    expect(pr.milestone?.title).toBe('v1.36');
    expect(pr.base.ref).toBe('release-1.36');
    expect(pr.head.ref).toBe('automated-cherry-pick-of-#1000');
    expect(pr.head.sha).toBe('a'.repeat(40));
    expect(pr.merged).toBe(false);
    expect(pr.draft).toBe(false);
    expect(pr.mergeable_state).toBe('clean');
    expect(pr.html_url).toBe('https://github.com/kubernetes/kubernetes/pull/1001');
    expect(pr.created_at).toBe('2026-03-01T10:00:00Z');

    const { data: asIssue } = await octokit.rest.issues.get({ owner: O, repo: R, issue_number: 1001 });
    expect(asIssue.pull_request?.html_url).toBe('https://github.com/kubernetes/kubernetes/pull/1001');
    expect(asIssue.pull_request?.url).toBe(`${emu.url}/repos/kubernetes/kubernetes/pulls/1001`);
    const { data: issue } = await octokit.rest.issues.get({ owner: O, repo: R, issue_number: 1002 });
    expect(issue.pull_request).toBeUndefined();
    expect(issue.html_url).toBe('https://github.com/kubernetes/kubernetes/issues/1002');

    // an issue is not a pull; missing things are 404 with GitHub's body
    const e = await rejection(octokit.rest.pulls.get({ owner: O, repo: R, pull_number: 1002 }));
    expect(e.status).toBe(404);
    expect(e.message).toMatch(/^Not Found/);

    const { data: reviews } = await octokit.rest.pulls.listReviews({ owner: O, repo: R, pull_number: 1001 });
    expect(reviews.map((r) => [r.user?.login, r.state])).toEqual([['bob', 'APPROVED']]);

    expect(emu.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'GET /repos/kubernetes/kubernetes/pulls/1001 200',
      'GET /repos/kubernetes/kubernetes/issues/1001 200',
      'GET /repos/kubernetes/kubernetes/issues/1002 200',
      'GET /repos/kubernetes/kubernetes/pulls/1002 404',
      'GET /repos/kubernetes/kubernetes/pulls/1001/reviews 200',
    ]);
    expect(emu.calls[0]!.headers['authorization']).toBe('token ghp_test');
  });

  test('list pulls filters by state and base; merged only on the single endpoint', async () => {
    emu.addPull({
      owner: O,
      repo: R,
      number: 1003,
      title: 'merged one',
      pull: { base: 'master', merged: true },
    });
    const { data: open } = await octokit.rest.pulls.list({ owner: O, repo: R, base: 'release-1.36' });
    expect(open.map((p) => p.number)).toEqual([1001]);
    const { data: closed } = await octokit.rest.pulls.list({ owner: O, repo: R, state: 'closed' });
    expect(closed.map((p) => [p.number, p.state, p.merged_at !== null])).toEqual([[1003, 'closed', true]]);
    expect('merged' in closed[0]!).toBe(false);
    const { data: one } = await octokit.rest.pulls.get({ owner: O, repo: R, pull_number: 1003 });
    expect(one.merged).toBe(true);
  });

  test('rate-limit headers and /rate_limit', async () => {
    const res = await octokit.rest.issues.get({ owner: O, repo: R, issue_number: 1002 });
    expect(res.headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
    expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect(Number(res.headers['x-ratelimit-used'])).toBeGreaterThan(0);
    const { data } = await octokit.rest.rateLimit.get();
    expect(data.resources.core.limit).toBe(5000);
    expect(data.resources.search?.limit).toBe(30);
  });

  test('combined status and check runs', async () => {
    emu.setStatuses(O, R, 'a'.repeat(40), [
      { state: 'success', context: 'pull-kubernetes-unit' },
      { state: 'pending', context: 'pull-kubernetes-e2e' },
    ]);
    const ref = 'a'.repeat(40);
    const { data: pending } = await octokit.rest.repos.getCombinedStatusForRef({ owner: O, repo: R, ref });
    expect(pending.state).toBe('pending');
    expect(pending.total_count).toBe(2);
    expect(pending.statuses.map((s) => s.context).sort()).toEqual([
      'pull-kubernetes-e2e',
      'pull-kubernetes-unit',
    ]);
    emu.setStatuses(O, R, ref, [
      { state: 'success', context: 'pull-kubernetes-unit' },
      { state: 'failure', context: 'pull-kubernetes-e2e', target_url: 'https://prow.k8s.io/x' },
    ]);
    const { data: failed } = await octokit.rest.repos.getCombinedStatusForRef({ owner: O, repo: R, ref });
    expect(failed.state).toBe('failure');
    expect(failed.statuses.find((s) => s.state === 'failure')?.target_url).toBe('https://prow.k8s.io/x');
    // a branch name resolves through the PR head
    const { data: byBranch } = await octokit.rest.repos.getCombinedStatusForRef({
      owner: O,
      repo: R,
      ref: 'automated-cherry-pick-of-#1000',
    });
    expect(byBranch.sha).toBe(ref);
    const { data: none } = await octokit.rest.repos.getCombinedStatusForRef({
      owner: O,
      repo: R,
      ref: 'f'.repeat(40),
    });
    expect([none.state, none.total_count]).toEqual(['pending', 0]);
    const { data: checks } = await octokit.rest.checks.listForRef({ owner: O, repo: R, ref });
    expect(checks).toEqual({ total_count: 0, check_runs: [] });
  });

  test('serveJson, unknown routes', async () => {
    emu.serveJson('/testgrid/sig-release-master-blocking/summary', {
      'gce-cos-master-default': { overall_status: 'PASSING' },
    });
    const { data } = await octokit.request('GET /testgrid/sig-release-master-blocking/summary');
    expect(data).toEqual({ 'gce-cos-master-default': { overall_status: 'PASSING' } });
    const e = await rejection(octokit.request('GET /repos/{owner}/{repo}/nope', { owner: O, repo: R }));
    expect(e.status).toBe(404);
    expect((e.response as { data: unknown }).data).toMatchObject({
      message: 'Not Found',
      documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com/),
    });
  });
});

describe('pagination over 250 items', () => {
  beforeAll(() => {
    for (let n = 1; n <= 250; n++) {
      emu.addIssue({
        owner: 'bulk',
        repo: 'many',
        number: n,
        title: `issue ${n}`,
        labels: ['bulk'],
        // created in reverse order of number, so ordering is observable
        created_at: new Date(T0 - n * 60_000).toISOString(),
      });
    }
  });

  test('octokit.paginate follows Link headers for repo issues (3 pages of 100)', async () => {
    const all = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner: 'bulk',
      repo: 'many',
      per_page: 100,
    });
    expect(all).toHaveLength(250);
    expect(new Set(all.map((i) => i.number)).size).toBe(250);
    // default sort: created desc => newest (n=1) first
    expect(all[0]!.number).toBe(1);
    expect(all[249]!.number).toBe(250);
    const calls = emu.callsTo('GET', '/repos/bulk/many/issues');
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.query['page'] ?? '1')).toEqual(['1', '2', '3']);
  });

  test('octokit.paginate over /search/issues (3 pages of 100) with correct Link rels', async () => {
    const all = await octokit.paginate('GET /search/issues', {
      q: 'repo:bulk/many is:issue label:bulk',
      per_page: 100,
    });
    expect(all).toHaveLength(250);
    // search default here: created ascending => oldest (n=250) first
    expect(all[0]!.number).toBe(250);
    expect(all[249]!.number).toBe(1);
    expect(emu.callsTo('GET', '/search/issues')).toHaveLength(3);

    const res = await octokit.rest.search.issuesAndPullRequests({
      q: 'repo:bulk/many',
      per_page: 100,
      page: 2,
    });
    expect(res.data.total_count).toBe(250);
    expect(res.data.items).toHaveLength(100);
    const link = res.headers.link ?? '';
    const rels = Object.fromEntries(
      [...link.matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [
        m[2],
        new URL(m[1]!).searchParams.get('page'),
      ]),
    );
    expect(rels).toEqual({ prev: '1', next: '3', last: '3', first: '1' });
    expect(link).toContain(`${emu.url}/search/issues?`);
    expect(link).toContain('per_page=100');

    const small = await octokit.rest.search.issuesAndPullRequests({ q: 'repo:bulk/many', per_page: 500 });
    expect(small.data.items).toHaveLength(100); // per_page is capped at 100
    const dflt = await octokit.rest.search.issuesAndPullRequests({ q: 'repo:bulk/many' });
    expect(dflt.data.items).toHaveLength(30);
    expect(dflt.headers.link).toContain('rel="last"');
  });
});

describe('writes', () => {
  beforeAll(() => {
    emu.addIssue({ owner: O, repo: R, number: 2001, title: 'write target', labels: ['sig/release'] });
  });

  test('label add + comment are recorded and reflected in later GETs', async () => {
    clock = T0 + 3_600_000;
    const added = await octokit.rest.issues.addLabels({
      owner: O,
      repo: R,
      issue_number: 2001,
      labels: ['priority/critical-urgent', 'sig/release'],
    });
    expect(added.status).toBe(200);
    expect(added.data.map((l) => l.name)).toEqual(['sig/release', 'priority/critical-urgent']);

    const comment = await octokit.rest.issues.createComment({
      owner: O,
      repo: R,
      issue_number: 2001,
      body: 'ping',
    });
    expect(comment.status).toBe(201);
    expect(comment.data.body).toBe('ping');
    expect(comment.data.user?.login).toBe('relbot[bot]');
    expect(comment.data.html_url).toBe(
      `https://github.com/kubernetes/kubernetes/issues/2001#issuecomment-${comment.data.id}`,
    );
    expect(comment.data.created_at).toBe('2026-03-02T10:00:00Z');

    const { data: issue } = await octokit.rest.issues.get({ owner: O, repo: R, issue_number: 2001 });
    expect(issue.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual([
      'sig/release',
      'priority/critical-urgent',
    ]);
    expect(issue.comments).toBe(1);
    expect(issue.updated_at).toBe('2026-03-02T10:00:00Z');
    const { data: comments } = await octokit.rest.issues.listComments({
      owner: O,
      repo: R,
      issue_number: 2001,
    });
    expect(comments.map((c) => [c.id, c.body])).toEqual([[comment.data.id, 'ping']]);

    expect(emu.callsTo('POST', /\/issues\/2001\/labels$/).map((c) => c.body)).toEqual([
      { labels: ['priority/critical-urgent', 'sig/release'] },
    ]);
    expect(emu.callsTo('POST', '/issues/2001/comments')[0]).toMatchObject({
      status: 201,
      body: { body: 'ping' },
    });
    expect(emu.getIssue(O, R, 2001)?.comments.map((c) => c.user)).toEqual(['relbot[bot]']);

    // remove: present -> remaining list; absent -> 404
    const removed = await octokit.rest.issues.removeLabel({
      owner: O,
      repo: R,
      issue_number: 2001,
      name: 'priority/critical-urgent',
    });
    expect(removed.data.map((l) => l.name)).toEqual(['sig/release']);
    expect(emu.calls.at(-1)?.path).toBe(
      '/repos/kubernetes/kubernetes/issues/2001/labels/priority%2Fcritical-urgent',
    );
    const gone = await rejection(
      octokit.rest.issues.removeLabel({ owner: O, repo: R, issue_number: 2001, name: 'not-there' }),
    );
    expect(gone.status).toBe(404);
    const noIssue = await rejection(
      octokit.rest.issues.addLabels({ owner: O, repo: R, issue_number: 999_999, labels: ['x'] }),
    );
    expect(noIssue.status).toBe(404);
    const noBody = await rejection(
      octokit.request('POST /repos/{owner}/{repo}/issues/{n}/comments', { owner: O, repo: R, n: 2001 }),
    );
    expect(noBody.status).toBe(422);
  });

  test('conditional GET: 304 with If-None-Match, new ETag after a write', async () => {
    const first = await octokit.request('GET /repos/{owner}/{repo}/issues/{n}', {
      owner: O,
      repo: R,
      n: 2001,
    });
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);

    const e = await rejection(
      octokit.request('GET /repos/{owner}/{repo}/issues/{n}', {
        owner: O,
        repo: R,
        n: 2001,
        headers: { 'if-none-match': etag },
      }),
    );
    expect(e.status).toBe(304);
    const last = emu.calls.at(-1)!;
    expect([last.status, last.headers['if-none-match']]).toEqual([304, etag]);

    clock += 60_000;
    emu.updateIssue(O, R, 2001, { title: 'write target (renamed)' });
    const after = await octokit.request('GET /repos/{owner}/{repo}/issues/{n}', {
      owner: O,
      repo: R,
      n: 2001,
      headers: { 'if-none-match': etag },
    });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(after.data.title).toBe('write target (renamed)');
    expect(after.data.updated_at).toBe('2026-03-02T10:01:00Z');
  });

  test('updateIssue closes and reopens with closed_at', () => {
    clock = T0 + 7_200_000;
    const closed = emu.updateIssue(O, R, 2001, { state: 'closed' });
    expect(closed.closed_at).toBe('2026-03-02T11:00:00Z');
    const open = emu.updateIssue(O, R, 2001, { state: 'open' });
    expect(open.closed_at).toBeNull();
    expect(() => emu.updateIssue(O, R, 424242, { title: 'x' })).toThrow(/no issue/);
  });
});

describe('contents API', () => {
  const text = 'schedule:\n  - release: "1.37"\n    note: ünïcödé ✓ 🚀\n' + 'x'.repeat(200) + '\nend\n';

  beforeAll(() => {
    emu.setFile('kubernetes', 'sig-release', 'releases/release-1.37/release-1.37.yaml', text);
    emu.setFile('kubernetes', 'sig-release', 'releases/release-1.37/other.md', 'other', 'dev');
  });

  test('base64 round trip with 60-char lines, git blob sha', async () => {
    const { data } = await octokit.rest.repos.getContent({
      owner: 'kubernetes',
      repo: 'sig-release',
      path: 'releases/release-1.37/release-1.37.yaml',
    });
    if (Array.isArray(data) || data.type !== 'file') throw new Error('expected a file');
    expect(data.encoding).toBe('base64');
    expect(data.name).toBe('release-1.37.yaml');
    expect(data.path).toBe('releases/release-1.37/release-1.37.yaml');
    const lines = data.content.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -2).every((l) => l.length === 60)).toBe(true);
    expect(Buffer.from(data.content, 'base64').toString('utf8')).toBe(text);
    const bytes = Buffer.from(text, 'utf8');
    expect(data.size).toBe(bytes.length);
    const blob = createHash('sha1')
      .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
      .digest('hex');
    expect(data.sha).toBe(blob);
  });

  test('raw media type, refs, directories and 404', async () => {
    const raw = await octokit.rest.repos.getContent({
      owner: 'kubernetes',
      repo: 'sig-release',
      path: 'releases/release-1.37/release-1.37.yaml',
      mediaType: { format: 'raw' },
    });
    expect(raw.data as unknown).toBe(text);
    const raw2 = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: 'kubernetes',
      repo: 'sig-release',
      path: 'releases/release-1.37/release-1.37.yaml',
      headers: { accept: 'application/vnd.github.raw+json' },
    });
    expect(raw2.data as unknown).toBe(text);

    const missing = await rejection(
      octokit.rest.repos.getContent({
        owner: 'kubernetes',
        repo: 'sig-release',
        path: 'releases/release-1.37/other.md',
      }),
    );
    expect(missing.status).toBe(404);
    expect((missing.response as { data: unknown }).data).toMatchObject({ message: 'Not Found' });
    const onDev = await octokit.rest.repos.getContent({
      owner: 'kubernetes',
      repo: 'sig-release',
      path: 'releases/release-1.37/other.md',
      ref: 'dev',
    });
    expect(Array.isArray(onDev.data) ? undefined : onDev.data.type).toBe('file');
    const dir = await octokit.rest.repos.getContent({
      owner: 'kubernetes',
      repo: 'sig-release',
      path: 'releases',
    });
    expect(Array.isArray(dir.data) && dir.data.map((e) => [e.type, e.path])).toEqual([
      ['dir', 'releases/release-1.37'],
    ]);
  });
});

describe('search query parsing', () => {
  const S = 'srch';
  const search = async (q: string): Promise<string[]> => {
    const { data } = await octokit.rest.search.issuesAndPullRequests({ q, per_page: 100 });
    return data.items.map((i) => `${i.repository_url.split('/').pop()}#${i.number}`);
  };

  beforeAll(() => {
    const at = (h: number) => new Date(T0 + h * 3_600_000).toISOString();
    emu.addPull({
      owner: S,
      repo: 'a',
      number: 1,
      title: 'Automated cherry pick of #10: fix it',
      labels: ['cherry-pick-approved', 'lgtm'],
      milestone: 'v1.37',
      user: 'k8s-infra-cherrypick-robot',
      created_at: at(1),
      pull: { base: 'release-1.36' },
    });
    emu.addPull({
      owner: S,
      repo: 'a',
      number: 2,
      title: 'Automated cherry pick of #11',
      labels: ['lgtm', 'do-not-merge/hold'],
      milestone: 'v1.37',
      created_at: at(2),
      pull: { base: 'release-1.35' },
    });
    emu.addPull({
      owner: S,
      repo: 'a',
      number: 3,
      title: 'Cherry pick automation docs',
      labels: ['needs rebase'],
      milestone: 'v1.36',
      state: 'closed',
      created_at: at(3),
      pull: { base: 'master' },
    });
    emu.addIssue({
      owner: S,
      repo: 'b',
      number: 4,
      title: 'Release blocking test failing',
      body: 'kind/failing-test',
      labels: ['kind/failing-test', 'lgtm'],
      milestone: 'v1.37',
      created_at: at(4),
    });
    emu.addIssue({ owner: S, repo: 'c', number: 5, title: 'Unrelated', labels: ['lgtm'], created_at: at(5) });
  });

  test('repo OR, is:pr vs is:issue, state', async () => {
    expect(await search(`repo:${S}/a repo:${S}/b`)).toEqual(['a#1', 'a#2', 'a#3', 'b#4']);
    expect(await search(`repo:${S}/a repo:${S}/b is:pr`)).toEqual(['a#1', 'a#2', 'a#3']);
    expect(await search(`repo:${S}/a repo:${S}/b type:issue`)).toEqual(['b#4']);
    expect(await search(`repo:${S}/a is:closed`)).toEqual(['a#3']);
    expect(await search(`repo:${S}/a state:open is:pr`)).toEqual(['a#1', 'a#2']);
    expect(await search(`org:${S} is:issue`)).toEqual(['b#4', 'c#5']);
  });

  test('labels: AND across qualifiers, OR within a comma list, exclusion, quoted names', async () => {
    expect(await search(`org:${S} label:lgtm label:cherry-pick-approved`)).toEqual(['a#1']);
    expect(await search(`org:${S} label:cherry-pick-approved,do-not-merge/hold`)).toEqual(['a#1', 'a#2']);
    expect(await search(`org:${S} label:lgtm -label:do-not-merge/hold`)).toEqual(['a#1', 'b#4', 'c#5']);
    expect(await search(`org:${S} label:"needs rebase"`)).toEqual(['a#3']);
    expect(await search(`org:${S} -label:"needs rebase" -label:lgtm`)).toEqual([]);
  });

  test('milestone, base, author, quoted title phrase, in:title, sort/order', async () => {
    expect(await search(`org:${S} milestone:v1.37`)).toEqual(['a#1', 'a#2', 'b#4']);
    expect(await search(`org:${S} milestone:"v1.36"`)).toEqual(['a#3']);
    expect(await search(`org:${S} is:pr base:release-1.36`)).toEqual(['a#1']);
    expect(await search(`org:${S} author:k8s-infra-cherrypick-robot`)).toEqual(['a#1']);
    expect(await search(`org:${S} is:pr is:open "Automated cherry pick of"`)).toEqual(['a#1', 'a#2']);
    expect(
      await search(`org:${S} "automated cherry pick of" in:title milestone:v1.37 base:release-1.35`),
    ).toEqual(['a#2']);
    expect(await search(`org:${S} cherry pick in:title`)).toEqual(['a#1', 'a#2', 'a#3']);
    // free text defaults to title+body; in:title excludes bodies
    expect(await search(`org:${S} failing-test`)).toEqual(['b#4']);
    expect(await search(`org:${S} kind/failing-test in:title`)).toEqual([]);
    const { data } = await octokit.rest.search.issuesAndPullRequests({
      q: `org:${S} label:lgtm`,
      sort: 'created',
      order: 'desc',
    });
    expect(data.items.map((i) => i.number)).toEqual([5, 4, 2, 1]);
    expect(data.items[0]).toMatchObject({ score: expect.any(Number), user: { login: 'octocat' } });
  });

  test('unsupported qualifiers are rejected loudly', async () => {
    const e = await rejection(search(`org:${S} involves:bob`));
    expect(e.status).toBe(422);
    expect(e.message).toContain('involves');
    expect(statusOf(await rejection(octokit.rest.search.issuesAndPullRequests({ q: ' ' })))).toBe(422);
  });
});

describe('faults', () => {
  beforeAll(() => {
    emu.addIssue({ owner: 'f', repo: 'r', number: 1, title: 'fault target', labels: ['a'] });
  });
  const get = () => octokit.rest.issues.get({ owner: 'f', repo: 'r', issue_number: 1 });

  test('502 once, then normal', async () => {
    emu.injectFault({ status: 502 });
    const e = await rejection(get());
    expect(e.status).toBe(502);
    expect(e.message).toMatch(/^Bad Gateway/);
    expect((await get()).status).toBe(200);
    expect(emu.calls.map((c) => c.status)).toEqual([502, 200]);
  });

  test('times and match restrict the fault', async () => {
    emu.injectFault({ status: 500, times: 2, match: { method: 'GET', path: /\/issues\/1$/ } });
    // a non-matching request is unaffected and does not consume the fault
    expect(
      (await octokit.rest.issues.listLabelsOnIssue({ owner: 'f', repo: 'r', issue_number: 1 })).status,
    ).toBe(200);
    expect((await rejection(get())).status).toBe(500);
    expect((await rejection(get())).status).toBe(500);
    expect((await get()).status).toBe(200);
    emu.injectFault({ status: 503, match: { path: 'no/such/path' } });
    expect((await get()).status).toBe(200);
    emu.clearFaults();
  });

  test('429 primary rate limit has retry-after and x-ratelimit-remaining: 0', async () => {
    emu.injectFault({ status: 429, retryAfter: 1 });
    const e = (await rejection(get())) as { status?: number; response?: { headers: Record<string, string> } };
    expect(e.status).toBe(429);
    expect(e.response?.headers['retry-after']).toBe('1');
    expect(e.response?.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(e.response?.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000),
    );
  });

  test('403 secondary rate limit looks like GitHub', async () => {
    emu.injectFault({ status: 403, secondary: true, retryAfter: 1 });
    const e = (await rejection(get())) as {
      status?: number;
      message: string;
      response?: { headers: Record<string, string> };
    };
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/secondary rate limit/);
    expect(e.response?.headers['retry-after']).toBe('1');
  });

  test('@octokit/plugin-throttling detects secondary and primary limits and retries', async () => {
    const Throttled = Octokit.plugin(throttling);
    const seen: string[] = [];
    const gh = new Throttled({
      baseUrl: emu.url,
      log,
      throttle: {
        retryAfterBaseValue: 1, // seconds -> ms, keeps the test fast
        onSecondaryRateLimit: (after, _opts, _o, count) => {
          seen.push(`secondary:${after}`);
          return count < 1;
        },
        onRateLimit: (_after, _opts, _o, count) => {
          seen.push('primary');
          return count < 1;
        },
      },
    });
    emu.injectFault({ status: 403, secondary: true, retryAfter: 1, match: { path: '/repos/f/r/issues/1' } });
    const ok = await gh.rest.issues.get({ owner: 'f', repo: 'r', issue_number: 1 });
    expect(ok.status).toBe(200);
    emu.injectFault({ status: 429, retryAfter: 1, match: { path: '/repos/f/r/issues/1' } });
    const ok2 = await gh.rest.issues.get({ owner: 'f', repo: 'r', issue_number: 1 });
    expect(ok2.data.title).toBe('fault target');
    expect(seen).toEqual(['secondary:1', 'primary']);
    expect(emu.calls.map((c) => c.status)).toEqual([403, 200, 429, 200]);
  });

  test('@octokit/plugin-retry retries 502s', async () => {
    const Retrying = Octokit.plugin(retry);
    const gh = new Retrying({ baseUrl: emu.url, log, retry: { retryAfterBaseValue: 1 } });
    emu.injectFault({ status: 502, times: 2 });
    const ok = await gh.rest.issues.get({ owner: 'f', repo: 'r', issue_number: 1 });
    expect(ok.status).toBe(200);
    expect(emu.calls.map((c) => c.status)).toEqual([502, 502, 200]);
  });

  test('a faulted POST does not write', async () => {
    emu.injectFault({ status: 502, match: { method: 'POST' } });
    emu.injectFault({ status: 403, secondary: true, retryAfter: 1, match: { method: 'POST' } });
    const before = emu.getIssue('f', 'r', 1)!;
    const e1 = await rejection(
      octokit.rest.issues.createComment({ owner: 'f', repo: 'r', issue_number: 1, body: 'lost' }),
    );
    const e2 = await rejection(
      octokit.rest.issues.addLabels({ owner: 'f', repo: 'r', issue_number: 1, labels: ['b'] }),
    );
    expect([e1.status, e2.status]).toEqual([502, 403]);
    const after = emu.getIssue('f', 'r', 1)!;
    expect(after.comments).toEqual([]);
    expect(after.labels).toEqual(['a']);
    expect(after.updated_at).toBe(before.updated_at);
    expect(emu.calls.map((c) => [c.method, c.status, c.body])).toEqual([
      ['POST', 502, { body: 'lost' }],
      ['POST', 403, { labels: ['b'] }],
    ]);
  });

  test('delayMs delays a normal answer; the client can time out', async () => {
    emu.injectFault({ delayMs: 150 });
    const t = Date.now();
    const res = await get();
    expect(res.data.title).toBe('fault target');
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);

    emu.injectFault({ delayMs: 30_000 });
    const t2 = Date.now();
    const e = (await rejection(
      octokit.rest.issues.get({
        owner: 'f',
        repo: 'r',
        issue_number: 1,
        request: { signal: AbortSignal.timeout(100) },
      }),
    )) as { status?: number; cause?: { name?: string } };
    expect(Date.now() - t2).toBeLessThan(5_000);
    expect(e.status).toBe(500); // how Octokit reports a fetch that never got an answer
    expect(e.cause?.name).toBe('TimeoutError');
    expect(emu.calls.at(-1)?.status).toBe(0); // never answered
  });

  test('fault with a custom body and 404 via faults', async () => {
    emu.injectFault({ status: 422, body: { message: 'Validation Failed', errors: [{ code: 'custom' }] } });
    const e = await rejection(get());
    expect(e.status).toBe(422);
    expect(e.message).toContain('custom');
  });
});

test('stop() cancels pending delayed answers and closes keep-alive sockets', async () => {
  const e2 = new GitHubEmulator();
  const url = await e2.start();
  e2.addIssue({ owner: 'o', repo: 'r', number: 1, title: 't' });
  const gh = new Octokit({ baseUrl: url, log });
  expect((await gh.rest.issues.get({ owner: 'o', repo: 'r', issue_number: 1 })).status).toBe(200);
  e2.injectFault({ delayMs: 60_000 });
  const pending = gh.rest.issues.get({ owner: 'o', repo: 'r', issue_number: 1 }).then(
    () => 'answered',
    () => 'failed',
  );
  while (e2.calls.length < 2) await new Promise((r) => setTimeout(r, 5));
  const t = Date.now();
  await e2.stop();
  expect(await pending).toBe('failed');
  expect(Date.now() - t).toBeLessThan(1000);
  expect(() => e2.url).toThrow(/not started/);
});
