import fc from 'fast-check';
import { DateTime } from 'luxon';
import { parse } from 'yaml';
import {
  ACTIONS,
  cardHash,
  deadlineWords,
  fmtTime,
  humanAge,
  rejectModal,
  renderAudit,
  renderCard,
  renderList,
} from '../../src/cherrypicks/blocks';
import { closestFirst } from '../../src/cherrypicks/branches';
import { cherrypicksConfig, PROW_BLOCKING_LABELS } from '../../src/cherrypicks/config';
import { evaluateGates, type PullSnapshot } from '../../src/cherrypicks/gates';
import { describeGitHubError, isRetryable, tidyGitHubReason } from '../../src/cherrypicks/github';
import {
  isScriptTitle,
  keyToRef,
  normalizeBranch,
  parseOriginals,
  parsePrRef,
} from '../../src/cherrypicks/refs';
import { sanitizeForGitHub } from '../../src/cherrypicks/service';
import type { PickRow } from '../../src/cherrypicks/store';
import { compareBranches } from '../../src/cherrypicks/store';
import { fixture } from '../../src/fixtures';
import { validateMessage, validateView } from '../../src/sandbox/slack/blockkit';

const cfg = cherrypicksConfig.parse(undefined);
const PREFIX = cfg.titlePrefix;

function snapshot(over: Partial<PullSnapshot> = {}): PullSnapshot {
  return {
    owner: 'kubernetes',
    repo: 'kubernetes',
    number: 138416,
    title: 'Automated cherry pick of #138324: Fix kubelet crash',
    body: 'Cherry pick of #138324 on release-1.35.',
    author: 'aojea',
    base: 'release-1.35',
    headSha: 'abc',
    state: 'open',
    merged: false,
    labels: ['lgtm', 'approved', 'do-not-merge/cherry-pick-not-approved'],
    statuses: [{ context: 'pull-kubernetes-unit', state: 'success' }],
    htmlUrl: 'https://github.com/kubernetes/kubernetes/pull/138416',
    createdAt: '2026-06-20T08:00:00Z',
    updatedAt: '2026-06-20T08:00:00Z',
    originals: [138324],
    ...over,
  };
}

function row(over: Partial<PickRow> = {}, snap: Partial<PullSnapshot> = {}): PickRow {
  const s = snapshot(snap);
  return {
    repo: 'kubernetes/kubernetes',
    number: s.number,
    snapshot: s,
    base: s.base,
    prState: 'open',
    prCreatedAt: s.createdAt,
    prUpdatedAt: s.updatedAt,
    state: 'pending',
    action: null,
    actor: null,
    claimId: null,
    claimedAt: null,
    reason: null,
    labelDone: false,
    commentDone: false,
    commentAttempts: 0,
    decidedAt: null,
    dryRun: false,
    error: null,
    failures: 0,
    cardChannel: null,
    cardTs: null,
    cardHash: null,
    firstSeenAt: s.createdAt,
    ...over,
  };
}

describe('PR references', () => {
  it.each([
    ['https://github.com/kubernetes/kubernetes/pull/138416', 138416],
    ['github.com/kubernetes/kubernetes/pull/138416/files', 138416],
    ['<https://github.com/kubernetes/kubernetes/pull/7|#7>', 7],
    ['https://github.com/kubernetes/kubernetes/pull/12?foo=1', 12],
    ['kubernetes/kubernetes#42', 42],
    ['#42', 42],
    ['42', 42],
  ])('%s -> #%d', (input, n) => {
    expect(parsePrRef(input, 'kubernetes/kubernetes')).toEqual({
      ok: true,
      ref: { owner: 'kubernetes', repo: 'kubernetes', number: n },
    });
  });

  it.each([
    '',
    'garbage',
    'https://github.com/kubernetes/kubernetes/issues/1',
    'kubernetes/kubernetes#0',
    'x/y#12345678901',
    'https://gitlab.com/a/b/pull/1',
  ])('rejects %j with a reason', (input) => {
    const r = parsePrRef(input, 'kubernetes/kubernetes');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(10);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => typeof parsePrRef(s, 'a/b').ok === 'boolean'),
    );
  });

  it('keys round-trip', () => {
    expect(keyToRef('kubernetes/kubernetes#5')).toEqual({
      owner: 'kubernetes',
      repo: 'kubernetes',
      number: 5,
    });
    expect(keyToRef('<!channel>#5')).toBeUndefined();
  });

  it('branches', () => {
    expect(normalizeBranch('1.36')).toBe('release-1.36');
    expect(normalizeBranch('release-1.36')).toBe('release-1.36');
    expect(['release-1.9', 'release-1.36', 'release-1.10'].sort(compareBranches)).toEqual([
      'release-1.9',
      'release-1.10',
      'release-1.36',
    ]);
  });
});

describe('original PRs from script-made titles and bodies', () => {
  it('reads one or several originals', () => {
    expect(
      parseOriginals(
        'Automated cherry pick of #138324: Fix x',
        'Cherry pick of #138324 on release-1.35.',
        PREFIX,
      ),
    ).toEqual([138324]);
    expect(parseOriginals('Automated cherry pick of #12345 #56789: two', '', PREFIX)).toEqual([12345, 56789]);
    expect(
      parseOriginals('Manual backport', 'Cherry pick of #1 #2 on release-1.34.\n\n#1: a', PREFIX),
    ).toEqual([1, 2]);
    expect(parseOriginals('Fix #99 in kubelet', 'Fixes #98', PREFIX)).toEqual([]);
  });

  it('the real cherry-pick doc describes the same title format', () => {
    expect(fixture('cherry-picks.md')).toContain('hack/cherry_pick_pull.sh');
    expect(isScriptTitle('Automated cherry pick of #138324: x', PREFIX)).toBe(true);
    expect(isScriptTitle('automated Cherry Pick of #1', PREFIX)).toBe(true);
    expect(isScriptTitle('Cherry pick of #1', PREFIX)).toBe(false);
  });
});

describe('gates (Prow cherry-pick-approved plugin)', () => {
  it('the default blocking labels are the plugin list and exist in the real label set', () => {
    const labels = (parse(fixture('labels-excerpt.yaml')) as { default: { labels: Array<{ name: string }> } })
      .default.labels;
    const names = new Set(labels.map((l) => l.name));
    expect(cfg.blockingLabels).toEqual(PROW_BLOCKING_LABELS);
    expect(names.has('do-not-merge/cherry-pick-not-approved')).toBe(true);
    expect(names.has('cherry-pick-approved')).toBe(true);
    expect(names.has('do-not-merge/hold')).toBe(true);
  });

  it('all pass', () => {
    const g = evaluateGates(snapshot(), cfg);
    expect(g.ok).toBe(true);
    expect(g.reasons).toEqual([]);
  });

  it('names every failing gate', () => {
    const g = evaluateGates(
      snapshot({
        base: 'master',
        labels: ['do-not-merge/hold', 'needs-rebase'],
        statuses: [
          { context: 'pull-kubernetes-e2e-gce', state: 'failure' },
          { context: 'pull-kubernetes-verify', state: 'error' },
          { context: 'pull-kubernetes-unit', state: 'pending' },
        ],
      }),
      cfg,
    );
    expect(g.ok).toBe(false);
    expect(g.reasons).toEqual([
      'it targets `master`, which is not a release branch',
      'the `lgtm` label is missing',
      'the `approved` label is missing',
      'status checks are failing: `pull-kubernetes-e2e-gce` (failure), `pull-kubernetes-verify` (error)',
      'it has blocking labels `do-not-merge/hold`, `needs-rebase`',
    ]);
    expect(g.pendingStatuses).toEqual(['pull-kubernetes-unit']);
  });

  it('closed and merged PRs fail; allow_missing_* options are honoured', () => {
    expect(evaluateGates(snapshot({ state: 'closed' }), cfg).reasons[0]).toBe('the pull request is closed');
    expect(evaluateGates(snapshot({ merged: true, state: 'closed' }), cfg).reasons[0]).toBe(
      'the pull request is already merged',
    );
    const lenient = { ...cfg, allowMissingLgtm: true, allowMissingApproved: true };
    expect(evaluateGates(snapshot({ labels: [] }), lenient).ok).toBe(true);
  });
});

describe('card renderer', () => {
  const base = { label: 'cherry-pick-approved', dryRun: false, timezone: 'UTC', siblings: [] as PickRow[] };

  it('pending card: title link, author, branch, originals, gates, deadline, buttons; valid Block Kit', () => {
    const r = row();
    const deadline = {
      release: '1.35.4',
      // Schedule date 2026-07-10, AoE: the day ends at 2026-07-11 12:00 UTC.
      deadline: DateTime.fromISO('2026-07-11T12:00:00Z', { zone: 'utc' }),
      zone: 'AoE',
    };
    const card = renderCard({ ...base, row: r, gates: evaluateGates(r.snapshot, cfg), deadline });
    expect(validateMessage(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain(
      'Next cherry-pick deadline for release-1.35 (1.35.4): *Fri 10 Jul, end of day AoE* (<!date^1783771200^{date_short} at {time}|Sat 11 Jul 2026 12:00 UTC> your time)',
    );
    expect(json).toContain('https://github.com/kubernetes/kubernetes/pull/138324|#138324');
    const actions = card.blocks.find((b) => b.type === 'actions') as {
      elements: Array<{ action_id: string; value: string }>;
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual([ACTIONS.approve, ACTIONS.reject]);
    expect(actions.elements[0]!.value).toBe('kubernetes/kubernetes#138416');
  });

  it('no deadline line when the schedule has none', () => {
    const r = row();
    expect(
      JSON.stringify(renderCard({ ...base, row: r, gates: evaluateGates(r.snapshot, cfg) })),
    ).not.toContain('deadline');
  });

  it('approved, rejected, failed and dry-run states', () => {
    const decided = { decidedAt: '2026-07-01T09:30:00Z', actor: 'U8DFY4TTK' };
    const approved = row({ ...decided, state: 'approved', action: 'approve' });
    const a = renderCard({ ...base, row: approved, gates: evaluateGates(approved.snapshot, cfg) });
    expect(JSON.stringify(a)).toContain(
      '*Approved* by <@U8DFY4TTK> on <!date^1782898200^{date_short} at {time}|Wed 1 Jul 2026 09:30 UTC>.',
    );
    expect(a.blocks.some((b) => b.type === 'actions')).toBe(false);
    const dry = row({ ...decided, state: 'approved', action: 'approve', dryRun: true });
    expect(
      JSON.stringify(renderCard({ ...base, row: dry, gates: evaluateGates(dry.snapshot, cfg) })),
    ).toContain('dry run');
    const rejected = row({ ...decided, state: 'rejected', action: 'reject', reason: '<!here> not eligible' });
    const rj = JSON.stringify(
      renderCard({ ...base, row: rejected, gates: evaluateGates(rejected.snapshot, cfg) }),
    );
    expect(rj).toContain('&lt;!here&gt; not eligible');
    const failed = row({
      ...decided,
      state: 'failed',
      action: 'approve',
      labelDone: true,
      error: 'GitHub answered HTTP 502',
    });
    const f = renderCard({ ...base, row: failed, gates: evaluateGates(failed.snapshot, cfg) });
    expect(JSON.stringify(f)).toContain('So far the `cherry-pick-approved` label was added');
    expect(JSON.stringify(f)).toContain(ACTIONS.retry);
    expect(JSON.stringify(f)).not.toContain(ACTIONS.approve);
    for (const c of [a, f]) expect(validateMessage(c)).toEqual([]);
  });

  it('escapes hostile titles, authors and labels; stays valid for any title', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.string({ maxLength: 60 }), (title, author) => {
        const r = row({}, { title, author, labels: ['lgtm', `do-not-merge/hold`] });
        const card = renderCard({ ...base, row: r, gates: evaluateGates(r.snapshot, cfg) });
        expect(validateMessage(card)).toEqual([]);
        const json = JSON.stringify(card);
        if (title.includes('<!channel>') || author.includes('<!channel>'))
          expect(json).not.toContain('<!channel>');
      }),
      { numRuns: 200 },
    );
    const r = row({}, { title: '<!channel> <@U123> & *bold*', author: '<!everyone>' });
    const json = JSON.stringify(renderCard({ ...base, row: r, gates: evaluateGates(r.snapshot, cfg) }));
    for (const bad of ['<!channel>', '<@U123>', '<!everyone>']) expect(json).not.toContain(bad);
    expect(json).toContain('&amp;');
  });

  it('siblings and Approve all', () => {
    const r = row();
    const sib = row(
      {},
      {
        number: 138417,
        base: 'release-1.34',
        htmlUrl: 'https://github.com/kubernetes/kubernetes/pull/138417',
      },
    );
    const card = renderCard({ ...base, row: r, gates: evaluateGates(r.snapshot, cfg), siblings: [sib] });
    const json = JSON.stringify(card);
    expect(json).toContain('Sibling picks');
    expect(json).toContain('#138417');
    expect(json).toContain(ACTIONS.approveAll);
    expect(json).toContain('Approve all 2 branches');
  });

  it('the hash changes only when the card does', () => {
    const r = row();
    const c1 = renderCard({ ...base, row: r, gates: evaluateGates(r.snapshot, cfg) });
    const c2 = renderCard({ ...base, row: r, gates: evaluateGates(r.snapshot, cfg) });
    expect(cardHash(c1)).toBe(cardHash(c2));
    const r2 = row({}, { labels: [] });
    expect(cardHash(renderCard({ ...base, row: r2, gates: evaluateGates(r2.snapshot, cfg) }))).not.toBe(
      cardHash(c1),
    );
  });
});

describe('modal, list and audit renderers', () => {
  it('reject modal is a valid view with a required reason', () => {
    const v = rejectModal(row());
    expect(validateView(v)).toEqual([]);
    expect(JSON.stringify(v)).toContain('"block_id":"reason"');
  });

  it('list: oldest first as given, ages, many rows stay within Slack limits', () => {
    const now = DateTime.fromISO('2026-07-01T09:00:00Z', { zone: 'utc' });
    const rows = Array.from({ length: 120 }, (_, i) => {
      const r = row(
        {},
        { number: 1000 + i, title: `${'x'.repeat(300)} <!channel>`, createdAt: '2026-06-28T09:00:00Z' },
      );
      return { row: r, gates: evaluateGates(r.snapshot, cfg) };
    });
    const out = renderList(rows, { now });
    expect(validateMessage(out)).toEqual([]);
    expect(JSON.stringify(out)).toContain('3d old');
    expect(JSON.stringify(out)).toContain('Showing the oldest 40 of 120. Not shown: 80 on `release-1.35`.');
    expect(JSON.stringify(out)).toContain('`/cherrypick list release-1.35`');
    expect(JSON.stringify(out)).not.toContain('<!channel>');
    expect(humanAge('2026-07-01T08:15:00Z', now)).toBe('45m');
    expect(humanAge('2026-06-30T09:00:00Z', now)).toBe('24h');
  });

  it('audit', () => {
    const out = renderAudit(
      'kubernetes/kubernetes#1',
      [
        {
          id: 1,
          repo: 'kubernetes/kubernetes',
          number: 1,
          at: '2026-07-01T09:00:00Z',
          actor: 'U1',
          action: 'approve_failed',
          detail: 'GitHub answered HTTP 502',
          dryRun: false,
        },
        {
          id: 2,
          repo: 'kubernetes/kubernetes',
          number: 1,
          at: '2026-07-01T09:05:00Z',
          actor: 'U1',
          action: 'approved',
          detail: null,
          dryRun: false,
        },
      ],
      { timezone: 'Europe/Amsterdam', url: 'https://github.com/kubernetes/kubernetes/pull/1' },
    );
    expect(validateMessage(out)).toEqual([]);
    const json = JSON.stringify(out);
    // Each reader sees their own zone; the fallback names the asker's.
    expect(json).toContain('<!date^1782896400^{date_short} at {time}|Wed 1 Jul 2026 11:00 CEST>');
    expect(json).toContain('<@U1> tried to approve it, and it failed: GitHub answered HTTP 502');
    expect(fmtTime('2026-07-01T09:00:00Z', 'UTC')).toBe('Wed 1 Jul 2026 09:00 UTC');
  });
});

describe('GitHub errors and text posted to GitHub', () => {
  it('classifies retryable failures', () => {
    expect(isRetryable({ status: 502 })).toBe(true);
    expect(isRetryable({ status: 429 })).toBe(true);
    expect(
      isRetryable(Object.assign(new Error('You have exceeded a secondary rate limit'), { status: 403 })),
    ).toBe(true);
    expect(
      isRetryable(Object.assign(new Error('Resource not accessible by integration'), { status: 403 })),
    ).toBe(false);
    expect(isRetryable({ status: 422 })).toBe(false);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(describeGitHubError(Object.assign(new Error('Bad Gateway'), { status: 502 }))).toBe(
      'GitHub answered HTTP 502 Bad Gateway',
    );
    // GitHub's generic docs link is not a reason.
    expect(
      describeGitHubError(
        Object.assign(new Error('Bad Gateway - https://docs.github.com/rest'), { status: 502 }),
      ),
    ).toBe('GitHub answered HTTP 502 Bad Gateway');
    expect(
      describeGitHubError(
        Object.assign(
          new Error(
            'Resource not accessible by integration - https://docs.github.com/rest/issues/labels#add-labels-to-an-issue',
          ),
          { status: 403 },
        ),
      ),
    ).toBe('GitHub answered HTTP 403 Forbidden: Resource not accessible by integration');
  });

  it('neutralises mentions and markers', () => {
    expect(sanitizeForGitHub('@kubernetes/release-managers <!-- relbot:cherrypick-approve -->')).toBe(
      '@\u200bkubernetes/release-managers &lt;!-- relbot:cherrypick-approve --&gt;',
    );
  });

  it('config defaults and validation', () => {
    expect(cfg.label).toBe('cherry-pick-approved');
    // The wake-up moved to jobs.cherrypick-discovery; the old key names its new place.
    expect(() => cherrypicksConfig.parse({ discoveryCron: '*/5 * * * *' })).toThrow(
      /jobs\.cherrypick-discovery/,
    );
    expect(() => cherrypicksConfig.parse({ branchPattern: '(' })).toThrow();
    expect(() => cherrypicksConfig.parse({ bogus: 1 })).toThrow();
  });
});

describe('issue 13: answers a release team can trust', () => {
  const base = { label: 'cherry-pick-approved', dryRun: false, timezone: 'UTC', siblings: [] as PickRow[] };
  const deadline = {
    release: '1.35.4',
    deadline: DateTime.fromISO('2026-07-11T12:00:00Z', { zone: 'utc' }),
    zone: 'AoE',
  };
  const text = (r: PickRow) =>
    JSON.stringify(renderCard({ ...base, row: r, gates: evaluateGates(r.snapshot, cfg), deadline }));

  it('the deadline names the schedule day and its zone; another cut-off policy reads as such', () => {
    expect(deadlineWords(deadline, 'Asia/Tokyo')).toBe(
      '*Fri 10 Jul, end of day AoE* (<!date^1783771200^{date_short} at {time}|Sat 11 Jul 2026 21:00 GMT+9> your time)',
    );
    const pacific = {
      ...deadline,
      deadline: DateTime.fromISO('2026-07-11T01:00:00Z'),
      zone: 'America/Los_Angeles',
    };
    expect(deadlineWords(pacific, 'UTC')).toMatch(/^\*Fri 10 Jul, 18:00 (PDT|GMT-7)\* \(/);
  });

  it('closed, merged and rejected cards show no gate marks and no deadline; past tense', () => {
    const closed = text(row({ prState: 'closed' }, { state: 'closed', labels: [] }));
    expect(closed).toContain('The pull request was closed before anyone decided on it.');
    const merged = text(
      row(
        { prState: 'merged', state: 'approved', actor: 'U1', decidedAt: '2026-07-01T09:00:00Z' },
        { merged: true },
      ),
    );
    expect(merged).toContain(':lock: The pull request was merged afterwards.');
    const rejected = text(
      row(
        { state: 'rejected', actor: 'U1', decidedAt: '2026-07-01T09:00:00Z', reason: 'no' },
        { labels: [] },
      ),
    );
    for (const t of [closed, merged, rejected]) {
      expect(t).not.toContain('Next cherry-pick deadline');
      expect(t).not.toContain(':x:');
      expect(t).not.toContain('*Gates:*');
    }
    // A failed approval of a PR closed since: no "use Retry" (there is no button).
    const failedClosed = text(row({ prState: 'closed', state: 'failed', action: 'approve', actor: 'U1' }));
    expect(failedClosed).not.toContain('Retry');
    expect(failedClosed).toContain('was closed before the approval by <@U1> could be finished');
    // A live card keeps both.
    expect(text(row({}, { labels: [] }))).toContain('Next cherry-pick deadline');
  });

  it('more siblings than shown are counted, not dropped', () => {
    const sibs = Array.from({ length: 18 }, (_, i) =>
      row(
        {},
        { number: 2000 + i, base: `release-1.${30 - i}`, htmlUrl: `https://github.com/k/k/pull/${2000 + i}` },
      ),
    );
    const t = JSON.stringify(
      renderCard({ ...base, row: row(), gates: evaluateGates(row().snapshot, cfg), siblings: sibs }),
    );
    expect(t).toContain('and 3 more on other branches');
  });

  it('a branch list too long to show links to the rest on GitHub', () => {
    const now = DateTime.fromISO('2026-07-01T09:00:00Z', { zone: 'utc' });
    const rows = Array.from({ length: 41 }, (_, i) => {
      const r = row({}, { number: 3000 + i });
      return { row: r, gates: evaluateGates(r.snapshot, cfg) };
    });
    const out = JSON.stringify(
      renderList(rows, {
        now,
        branch: 'release-1.35',
        github: {
          repos: ['kubernetes/kubernetes'],
          unapprovedLabel: 'do-not-merge/cherry-pick-not-approved',
        },
      }),
    );
    expect(out).toContain('Showing the oldest 40 of 41 on `release-1.35`. The newest one is not shown.');
    expect(out).toContain("GitHub's search for unapproved picks on release-1.35> lists them all.");
  });

  it('known branches are offered closest first', () => {
    const known = ['release-1.37', 'release-1.36', 'release-1.35', 'release-1.34'];
    expect(closestFirst('release-1.38', known)).toEqual(known);
    expect(closestFirst('release-1.33', known)).toEqual([...known].reverse());
    expect(closestFirst('release-9.99', known)[0]).toBe('release-1.37');
    expect(closestFirst('relase-1.35', known)[0]).toBe('release-1.35');
  });

  it('stored GitHub reasons lose the docs link when shown', () => {
    expect(tidyGitHubReason('GitHub answered HTTP 502 (Bad Gateway - https://docs.github.com/rest)')).toBe(
      'GitHub answered HTTP 502 Bad Gateway',
    );
  });
});
