import { fixture } from '../../src/fixtures';
import { people } from '../../src/sandbox/seed';
import { seedWriteBackRepos, USERGROUPS_PATH, USERS_PATH } from '../../src/sandbox/seed-write-back';
import { parseRoster } from '../../src/shadows/roster';
import { type Harness, startHarness, textOf } from '../helpers/harness';
import {
  type Answer,
  addLeads,
  buttonValue,
  click,
  closedRound,
  FORK,
  seedUpstream137WithoutRyota,
  team137,
  teamConfig,
  writes,
} from '../helpers/write-back';

/**
 * The roster and user-group pull requests over real HTTP: publish -> offer -> dry run (writes
 * nothing) -> preview -> Confirm opens one PR per repo from the fork, with files byte for byte in
 * the upstream format; a 5xx mid-way and Retry finish without duplicates; 10 concurrent Confirms
 * give one PR each; publishing again updates the same PRs with new commits.
 */

const lead = people.lead.id;

describe('/shadow prs end to end', () => {
  let h: Harness;
  const pulls = (repo: string) =>
    [...Array(50).keys()]
      .map((i) => h.github.getIssue('kubernetes', repo, i + 1))
      .filter((i) => i?.pull && i.pull.head_owner === FORK);
  const branchFile = (repo: string, v: string, path: string) =>
    h.github.git.file(FORK, repo, `relbot/release-team-${v}`, path);
  const ledger = (cycle: number) =>
    h.db.prepare('SELECT * FROM shadow_write_back WHERE cycle_id = ? ORDER BY repo').all(cycle) as Array<
      Record<string, unknown>
    >;

  beforeAll(async () => {
    h = await startHarness({ config: teamConfig });
    seedWriteBackRepos(h.github);
    addLeads(h);
    h.clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function publish(): Promise<Answer> {
    const res = await h.driver.command(lead, '/shadow', 'publish');
    return res.body as Answer;
  }

  it('v1.37 again: dry run writes nothing; the PR file is the fixture byte for byte; a 5xx then Retry finishes without duplicates', async () => {
    // Upstream lost Ryota from the v1.37 file (the cell keeps its width): publishing the real team puts them back.
    seedUpstream137WithoutRyota(h);
    const cycle = closedRound(h, '1.37', team137);
    const published = await publish();
    expect(textOf(published)).toContain('Published the v1.37 decisions');
    expect(buttonValue(published, 'shadow_prs_preview')).toBe(JSON.stringify({ c: cycle }));

    const before = writes(h);
    const dry = await click(h, lead, published, 'shadow_prs_dry_run');
    expect(textOf(dry)).toContain('nothing was written to GitHub');
    expect(textOf(dry)).toContain(
      'relbot would: create the fork relbot-bot/sig-release of kubernetes/sig-release',
    );
    expect(writes(h)).toBe(before);
    expect(h.github.git.exists(FORK, 'sig-release')).toBe(false);

    const preview = await click(h, lead, published, 'shadow_prs_preview');
    expect(textOf(preview)).toContain('+1 −1 lines');
    expect(textOf(preview)).toContain('Tempelis');
    expect(writes(h)).toBe(before);

    // The community PR's creation fails with a 502 on every attempt (Octokit retries twice).
    h.github.injectFault({
      status: 502,
      times: 3,
      match: { method: 'POST', path: '/repos/kubernetes/community/pulls' },
    });
    const first = await click(h, lead, preview, 'shadow_prs_confirm');
    expect(textOf(first)).toMatch(/Opened <[^|]+\|kubernetes\/sig-release#1>/);
    expect(textOf(first)).toMatch(/:x: kubernetes\/community: HTTP 502/);
    expect(textOf(first)).toContain('Done before it failed:');
    expect(branchFile('sig-release', '1.37', 'releases/release-1.37/release-team.md')).toBe(
      fixture('release-team-1.37.md'),
    );
    expect(ledger(cycle).map((r) => [r.repo, r.state])).toEqual([
      ['kubernetes/community', 'failed'],
      ['kubernetes/sig-release', 'done'],
    ]);

    const retry = await click(h, lead, first, 'shadow_prs_confirm');
    expect(textOf(retry)).toMatch(/Opened <[^|]+\|kubernetes\/community#1>/);
    expect(textOf(retry)).toContain('kubernetes/sig-release#1> already had these files');
    expect(pulls('sig-release')).toHaveLength(1);
    expect(pulls('community')).toHaveLength(1);
    const base = (repo: string) => h.github.git.head('kubernetes', repo, 'master')!;
    expect(
      h.github.git.commitsSince(FORK, 'sig-release', 'relbot/release-team-1.37', base('sig-release')),
    ).toBe(1);
    expect(h.github.git.commitsSince(FORK, 'community', 'relbot/release-team-1.37', base('community'))).toBe(
      1,
    );
    // Only the group's member lines changed; users.yaml needed nothing (everyone has an entry).
    const groups = branchFile('community', '1.37', USERGROUPS_PATH)!;
    const orig = fixture('slack-config-sig-release-usergroups.yaml').split('\n');
    const next = groups.split('\n');
    const member = /^ {6}- /;
    const startAt = orig.findIndex((l) => l === '  - name: release-team-leads');
    const outside = (ls: string[]) =>
      ls.filter((l, i) => !(i > startAt && i < startAt + 40 && member.test(l)));
    expect(outside(next)).toEqual(outside(orig));
    expect(groups).toContain('      - Prajyot-Parab       # v1.37 RT Lead Shadow');
    expect(groups).toContain('      - fsmunoz             # Release Team Subproject Lead');
    expect(groups).toContain('      - SwathiR03           # v1.37 Comms Lead');
    expect(branchFile('community', '1.37', USERS_PATH)).toBe(fixture('slack-config-users.yaml'));
    const pr = h.github.getIssue('kubernetes', 'community', 1)!;
    expect(pr.pull).toMatchObject({ base: 'master', head: 'relbot/release-team-1.37', head_owner: FORK });
    expect(pr.title).toBe('sig-release: v1.37 members of the release-team-leads Slack user group');
    expect(pr.body).toContain('Tempelis updates the Slack user group when this merges');
    expect(h.github.getIssue('kubernetes', 'sig-release', 1)!.title).toBe('Release Team v1.37: roster');
    expect(ledger(cycle).map((r) => [r.repo, r.state, r.pr_number, r.head_sha])).toEqual([
      ['kubernetes/community', 'done', 1, pr.pull!.head_sha],
      [
        'kubernetes/sig-release',
        'done',
        1,
        h.github.getIssue('kubernetes', 'sig-release', 1)!.pull!.head_sha,
      ],
    ]);

    // Once upstream has the file, publishing the same team again changes nothing there.
    h.github.setFile(
      'kubernetes',
      'sig-release',
      'releases/release-1.37/release-team.md',
      fixture('release-team-1.37.md'),
      'master',
    );
    const again = await h.driver.command(lead, '/shadow', 'prs');
    expect(textOf(again.body)).toContain(
      'nothing to write: master already has these files (PR #1 is still open)',
    );
  });

  it('v1.38: a new file in the fixture layout; 10 concurrent Confirms open one PR each; publishing again updates the same PRs', async () => {
    const ana = {
      role: 'Release Team Lead',
      id: 'U0ANA0001',
      name: 'Ana Lopez',
      github: 'ana-lopez',
      slack: 'Ana',
    };
    const cycle = closedRound(h, '1.38', team137, [ana]);
    await publish();

    const before = writes(h);
    const dry = await h.driver.command(lead, '/shadow', 'prs dry-run');
    expect(textOf(dry.body)).toContain('nothing was written to GitHub');
    expect(textOf(dry.body)).toContain(
      'create the branch relbot/release-team-1.38 in relbot-bot/sig-release',
    );
    expect(writes(h)).toBe(before);

    const preview = (await h.driver.command(lead, '/shadow', 'prs')).body as Answer;
    const value = buttonValue(preview, 'shadow_prs_confirm')!;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => click(h, lead, preview, 'shadow_prs_confirm', value)),
    );
    const texts = answers.map((a) => textOf(a));
    expect(texts.filter((t) => /Opened <[^|]+\|kubernetes\/sig-release#2>/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /Opened <[^|]+\|kubernetes\/community#2>/.test(t))).toHaveLength(1);
    for (const t of texts)
      expect(t).toMatch(/Opened|already writing the v1\.38 pull requests|already had these files/);
    expect(pulls('sig-release')).toHaveLength(2);
    expect(pulls('community')).toHaveLength(2);
    expect(
      h.github.callsTo('POST', '/repos/kubernetes/sig-release/pulls').filter((c) => c.status === 201),
    ).toHaveLength(2);

    // The new file: the fixture's layout, with the v1.38 heading and footer.
    const file = branchFile('sig-release', '1.38', 'releases/release-1.38/release-team.md')!;
    const fx = fixture('release-team-1.37.md').split('\n');
    const got = file.split('\n');
    expect(got).toHaveLength(fx.length);
    const notTable = (ls: string[]) =>
      ls.filter((l) => !l.startsWith('|')).map((l) => l.replaceAll('1.37', '1.38'));
    expect(notTable(got)).toEqual(notTable(fx));
    const cellsOf = (l: string) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
    expect(cellsOf(got[2]!)).toEqual(cellsOf(fx[2]!));
    expect(cellsOf(got[3]!).every((c) => /^-+$/.test(c))).toBe(true);
    expect(new Set(got.filter((l) => l.startsWith('|')).map((l) => [...l].length)).size).toBe(1);
    const back = parseRoster(file);
    expect(back.version).toBe('1.38');
    expect(back.roles.map((r) => r.shadows.length)).toEqual([5, 5, 5, 6, 5, 2]);
    // Ana had no users.yaml entry: added at her place, and in the group.
    const usersFile = branchFile('community', '1.38', USERS_PATH)!;
    expect(
      usersFile.split('\n').filter((l) => !fixture('slack-config-users.yaml').split('\n').includes(l)),
    ).toEqual(['  ana-lopez: U0ANA0001']);
    expect(usersFile).toContain('  amorey: U08C4S3HNRX\n  ana-lopez: U0ANA0001\n  anandrkskd:');
    expect(branchFile('community', '1.38', USERGROUPS_PATH)).toContain(
      '      - ana-lopez           # v1.38 RT Lead Shadow',
    );

    // A lead's name changes in Slack: publishing again updates the same PRs with a new commit.
    const sigHead = h.github.getIssue('kubernetes', 'sig-release', 2)!.pull!.head_sha;
    h.slack.addUser({ id: 'U09E646UPE3', name: 'kernel-kun', real_name: 'Tushar K Mittal' });
    const republished = await publish();
    expect(textOf(republished)).toContain('were already published');
    const preview2 = await click(h, lead, republished, 'shadow_prs_preview');
    expect(textOf(preview2)).toContain('PR #2 shows the new commit');
    const updated = await click(h, lead, preview2, 'shadow_prs_confirm');
    expect(textOf(updated)).toMatch(/Updated <[^|]+\|kubernetes\/sig-release#2>: 1 new commit/);
    expect(textOf(updated)).toContain('kubernetes/community#2> already had these files');
    expect(pulls('sig-release')).toHaveLength(2);
    const after = h.github.getIssue('kubernetes', 'sig-release', 2)!;
    expect(after.pull!.head_sha).not.toBe(sigHead);
    expect(after.state).toBe('open');
    expect(branchFile('sig-release', '1.38', 'releases/release-1.38/release-team.md')).toContain(
      'Tushar K Mittal ([@kernel-kun]',
    );
    expect(ledger(cycle).find((r) => r.repo === 'kubernetes/sig-release')).toMatchObject({
      pr_number: 2,
      head_sha: after.pull!.head_sha,
    });
    const runs = h.db
      .prepare('SELECT repo, outcome FROM shadow_write_back_runs WHERE cycle_id = ? ORDER BY id')
      .all(cycle);
    expect(runs.filter((r) => (r as { outcome: string }).outcome === 'opened')).toHaveLength(2);
  });

  it('an answer lost after GitHub opened the PR, and a claim left by a crash: still one PR each', async () => {
    const cycle = closedRound(h, '1.39', {
      roles: team137.roles.map((r) => ({ ...r, shadows: r.shadows.slice(0, 1) })),
    });
    await publish();
    const preview = (await h.driver.command(lead, '/shadow', 'prs')).body as Answer;
    // A crashed run's claim, 11 minutes old: taken over.
    h.db
      .prepare(
        `INSERT INTO shadow_write_back (cycle_id, repo, branch, state, claimed_by, claimed_at, updated_at)
         VALUES (?, 'kubernetes/sig-release', 'x', 'pending', ?, ?, ?)`,
      )
      .run(
        cycle,
        people.admin.id,
        h.clock.now().minus({ minutes: 11 }).toUTC().toISO(),
        h.clock.now().toUTC().toISO(),
      );
    // GitHub opens the PR but its answer never arrives in time: Octokit times out and retries.
    h.github.injectFault({
      holdResponseMs: 4000,
      match: { method: 'POST', path: '/repos/kubernetes/sig-release/pulls' },
    });
    const done = await click(h, lead, preview, 'shadow_prs_confirm');
    expect(textOf(done)).toMatch(/Opened <[^|]+\|kubernetes\/sig-release#3>/);
    expect(textOf(done)).toMatch(/Opened <[^|]+\|kubernetes\/community#3>/);
    expect(pulls('sig-release').filter((p) => p!.pull!.head === 'relbot/release-team-1.39')).toHaveLength(1);
    expect(h.github.callsTo('POST', '/repos/kubernetes/sig-release/pulls').length).toBeGreaterThan(
      h.github.callsTo('POST', '/repos/kubernetes/sig-release/pulls').filter((c) => c.status === 422).length,
    );
    expect(ledger(cycle).map((r) => [r.repo, r.state, r.claimed_by])).toEqual([
      ['kubernetes/community', 'done', null],
      ['kubernetes/sig-release', 'done', null],
    ]);
  });

  it('bad input: refused clearly, nothing written', async () => {
    const before = writes(h);
    const snapshot = JSON.stringify(h.db.prepare('SELECT * FROM shadow_write_back').all());
    const bogus = await h.driver.command(lead, '/shadow', 'prs bogus');
    expect(textOf(bogus.body)).toContain('`bogus` is not a `/shadow prs` option');
    const stranger = await h.driver.command(people.member.id, '/shadow', 'prs');
    expect(textOf(stranger.body)).toContain('Only the Release Team Lead');
    // A message carrying both buttons, as an older preview would.
    const button = (action_id: string) => ({
      type: 'button',
      action_id,
      value: '',
      text: { type: 'plain_text', text: 'x' },
    });
    const preview: Answer = {
      text: 'old preview',
      blocks: [{ type: 'actions', elements: [button('shadow_prs_confirm'), button('shadow_prs_dry_run')] }],
    };
    const damaged = await click(h, lead, preview, 'shadow_prs_dry_run', 'not json');
    expect(textOf(damaged)).toContain('That button is damaged');
    const stale = await click(
      h,
      lead,
      preview,
      'shadow_prs_confirm',
      JSON.stringify({ c: 3, f: 'deadbeef' }),
    );
    expect(textOf(stale)).toContain('The files changed since that preview');
    const older = await click(
      h,
      lead,
      preview,
      'shadow_prs_confirm',
      JSON.stringify({ c: 2, f: 'deadbeef' }),
    );
    expect(textOf(older)).toContain('That button is for v1.38; the current round is v1.39.');
    expect(writes(h)).toBe(before);
    expect(JSON.stringify(h.db.prepare('SELECT * FROM shadow_write_back').all())).toBe(snapshot);
  });
});
