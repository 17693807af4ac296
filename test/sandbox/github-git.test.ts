import { GitHubEmulator } from '../../src/sandbox/github/server';

/** The emulated GitHub's git plumbing answers as GitHub does: refs, contents writes, forks, pull requests. */

describe('emulated GitHub: refs, contents, forks, pull requests', () => {
  const gh = new GitHubEmulator({ now: () => new Date('2026-12-01T09:00:00Z') });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gh.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: 'token x' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { message?: string } };
  };
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  beforeAll(async () => {
    await gh.start();
    gh.git.setDefaultBranch('kubernetes', 'community', 'master');
    gh.setFile('kubernetes', 'community', 'a.yaml', 'a: 1\n', 'master');
  });
  afterAll(() => gh.stop());

  it('forks (202), copying the default branch; asking again returns the same fork', async () => {
    const fork = await call('POST', '/repos/kubernetes/community/forks', { default_branch_only: true });
    expect(fork.status).toBe(202);
    expect(fork.json).toMatchObject({
      full_name: 'relbot-bot/community',
      fork: true,
      default_branch: 'master',
    });
    expect((await call('POST', '/repos/kubernetes/community/forks', {})).status).toBe(202);
    const repo = await call('GET', '/repos/relbot-bot/community');
    expect(repo.json.parent).toEqual({ full_name: 'kubernetes/community' });
    expect(gh.git.head('relbot-bot', 'community', 'master')).toBe(
      gh.git.head('kubernetes', 'community', 'master'),
    );
    expect((await call('GET', '/user')).json.login).toBe('relbot-bot');
  });

  it('refs: create, exists (422), unknown sha (422), not a fast forward (422) unless forced', async () => {
    const base = (await call('GET', '/repos/kubernetes/community/git/ref/heads/master')).json as {
      object: { sha: string };
    };
    const sha = base.object.sha;
    const ref = { ref: 'refs/heads/relbot/x', sha };
    expect((await call('POST', '/repos/relbot-bot/community/git/refs', ref)).status).toBe(201);
    expect((await call('POST', '/repos/relbot-bot/community/git/refs', ref)).json.message).toBe(
      'Reference already exists',
    );
    const bad = await call('POST', '/repos/relbot-bot/community/git/refs', {
      ref: 'refs/heads/y',
      sha: 'f'.repeat(40),
    });
    expect([bad.status, bad.json.message]).toEqual([422, 'Object does not exist']);
    expect((await call('GET', '/repos/relbot-bot/community/git/ref/heads%2Frelbot%2Fx')).status).toBe(200);
    expect((await call('GET', '/repos/relbot-bot/community/git/ref/heads/nope')).status).toBe(404);
    // A commit on the branch, then moving it back to the base is not a fast forward.
    const put = await call('PUT', '/repos/relbot-bot/community/contents/b.yaml', {
      message: 'add b',
      content: b64('b: 2\n'),
      branch: 'relbot/x',
    });
    expect(put.status).toBe(201);
    const back = await call('PATCH', '/repos/relbot-bot/community/git/refs/heads%2Frelbot%2Fx', { sha });
    expect([back.status, back.json.message]).toEqual([422, 'Update is not a fast forward']);
    expect(
      (await call('PATCH', '/repos/relbot-bot/community/git/refs/heads%2Frelbot%2Fx', { sha, force: true }))
        .status,
    ).toBe(200);
    expect(gh.git.file('relbot-bot', 'community', 'relbot/x', 'b.yaml')).toBeUndefined();
  });

  it('contents: updating needs the current sha (422 without, 409 when stale); missing branch 404', async () => {
    const path = '/repos/relbot-bot/community/contents/a.yaml';
    const noSha = await call('PUT', path, { message: 'm', content: b64('a: 2\n'), branch: 'relbot/x' });
    expect(noSha.status).toBe(422);
    const stale = await call('PUT', path, {
      message: 'm',
      content: b64('a: 2\n'),
      branch: 'relbot/x',
      sha: 'abc',
    });
    expect(stale.status).toBe(409);
    const cur = await call('GET', `${path}?ref=relbot%2Fx`);
    const ok = await call('PUT', path, {
      message: 'm',
      content: b64('a: 2\n'),
      branch: 'relbot/x',
      sha: cur.json.sha,
    });
    expect(ok.status).toBe(200);
    expect(gh.git.file('relbot-bot', 'community', 'relbot/x', 'a.yaml')).toBe('a: 2\n');
    expect(gh.git.file('kubernetes', 'community', 'master', 'a.yaml')).toBe('a: 1\n');
    expect((await call('PUT', path, { message: 'm', content: b64('x'), branch: 'gone' })).status).toBe(404);
    expect((await call('PUT', path, { content: b64('x'), branch: 'relbot/x' })).status).toBe(422);
  });

  it('pulls: head as owner:branch, base must exist, one open PR per head, no PR without commits', async () => {
    const pr = { title: 'T', head: 'relbot-bot:relbot/x', base: 'master', body: 'B' };
    const noBase = await call('POST', '/repos/kubernetes/community/pulls', { ...pr, base: 'main' });
    expect(noBase.status).toBe(422);
    const created = await call('POST', '/repos/kubernetes/community/pulls', pr);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      number: 1,
      head: { label: 'relbot-bot:relbot/x', ref: 'relbot/x' },
    });
    const dup = await call('POST', '/repos/kubernetes/community/pulls', pr);
    expect(dup.status).toBe(422);
    expect(JSON.stringify(dup.json)).toContain('A pull request already exists for relbot-bot:relbot/x.');
    const list = await call(
      'GET',
      '/repos/kubernetes/community/pulls?head=relbot-bot%3Arelbot%2Fx&state=open',
    );
    expect((list.json as unknown as unknown[]).length).toBe(1);
    const updated = await call('PATCH', '/repos/kubernetes/community/pulls/1', { body: 'B2' });
    expect(updated.json.body).toBe('B2');
    // A new commit on the branch moves the PR's head.
    const cur = await call('GET', '/repos/relbot-bot/community/contents/a.yaml?ref=relbot%2Fx');
    await call('PUT', '/repos/relbot-bot/community/contents/a.yaml', {
      message: 'm',
      content: b64('a: 3\n'),
      branch: 'relbot/x',
      sha: cur.json.sha,
    });
    expect(gh.getIssue('kubernetes', 'community', 1)!.pull!.head_sha).toBe(
      gh.git.head('relbot-bot', 'community', 'relbot/x'),
    );
    const same = await call('POST', '/repos/relbot-bot/community/git/refs', {
      ref: 'refs/heads/empty',
      sha: gh.git.head('kubernetes', 'community', 'master'),
    });
    expect(same.status).toBe(201);
    const empty = await call('POST', '/repos/kubernetes/community/pulls', {
      ...pr,
      head: 'relbot-bot:empty',
    });
    expect(JSON.stringify(empty.json)).toContain('No commits between master and relbot-bot:empty');
  });
});
