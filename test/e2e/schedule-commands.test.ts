import * as nodeIcal from 'node-ical';
import { ManualClock } from '../../src/clock';
import { fixture } from '../../src/fixtures';
import { people } from '../../src/sandbox/seed';
import { scheduleSourcesConfig, seedSchedule } from '../../src/sandbox/seed-schedule';
import { currentCycle, nextCherryPickDeadline } from '../../src/schedule/api';
import { allMilestones, loadSchedule } from '../../src/schedule/store';
import { type Harness, startHarness } from '../helpers/harness';

/** Every text of an answer: the fallback text, section texts and context elements. */
function textOf(body: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') return;
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' || o.type === 'plain_text') out.push(String(o.text));
      for (const x of Object.values(o)) walk(x);
    }
  };
  walk((body as { blocks?: unknown }).blocks ?? []);
  return out.join('\n') || String((body as { text?: string }).text ?? body);
}

/** Only the section blocks (not the context footer with the sync status). */
function sectionsOf(body: unknown): string {
  const blocks = ((body as { blocks?: { type: string; text?: { text: string } }[] }).blocks ?? []).filter(
    (b) => b.type === 'section',
  );
  return blocks.map((b) => b.text?.text ?? '').join('\n');
}

const CF =
  '| **Begin [Code Freeze] and [Test Freeze]**          | Branch Manager                | Wednesday 22nd July 2026 (AoE) / Thursday 23rd July 2026, 12:00 UTC  |';
const README_37 = 'releases/release-1.37/README.md';

function countRows(h: Harness): number {
  return (
    h.db.prepare('SELECT COUNT(*) AS n FROM schedule_sources WHERE doc IS NOT NULL').get() as { n: number }
  ).n;
}

describe('/schedule over real HTTP, against the real files served by the emulated GitHub', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clock: new ManualClock('2026-07-01T09:00:00Z'),
      config: (raw) => {
        raw.schedule = { sources: scheduleSourcesConfig() };
      },
    });
    seedSchedule(h.github);
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  test('before any sync: says nothing is stored and how to get it; calendar is empty but valid', async () => {
    const res = await h.driver.command(people.member.id, '/schedule', '');
    expect(textOf(res.body)).toContain('no schedule stored yet');
    expect(textOf(res.body)).toContain('/schedule help');
    const ics = await (await fetch(`${h.url}/calendar.ics`)).text();
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).not.toContain('BEGIN:VEVENT');
  });

  test('/schedule sync by a non-admin is refused and changes nothing', async () => {
    const res = await h.driver.command(people.member.id, '/schedule', 'sync');
    const text = textOf(res.body);
    expect((res.body as { response_type: string }).response_type).toBe('ephemeral');
    expect(text).toContain('Only admins can run `/schedule sync`');
    expect(countRows(h)).toBe(0);
    expect(h.github.callsTo('GET', /contents/)).toHaveLength(0);
  });

  test('an admin syncs: every source read through the contents API, one import announcement', async () => {
    const res = await h.driver.command(people.admin.id, '/schedule', 'sync');
    const text = textOf(res.body);
    expect(text).toContain('imported kubernetes/sig-release/releases/release-1.37/README.md');
    expect(text).toContain('imported kubernetes/website/data/releases/schedule.yaml');
    expect(text).toContain('First import');
    expect(countRows(h)).toBe(5);
    const paths = h.github
      .callsTo('GET', /contents/)
      .map((c) => `${decodeURIComponent(c.path)}@${c.query.ref}`);
    expect(paths).toEqual([
      '/repos/kubernetes/sig-release/contents/releases/release-1.37/README.md@master',
      '/repos/kubernetes/sig-release/contents/releases/release-1.36/README.md@master',
      '/repos/kubernetes/sig-release/contents/releases/release-1.34/README.md@master',
      '/repos/kubernetes/website/contents/data/releases/schedule.yaml@main',
      '/repos/kubernetes/website/contents/data/releases/eol.yaml@main',
    ]);
    const posts = h.slack.channelMessages();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toContain(
      'imported the release schedule: v1.37 (38 milestones), v1.36 (37 milestones), v1.34 (36 milestones), patch releases',
    );
  });

  test('/schedule: what is next, in the viewer zone (users.info), UTC and relative', async () => {
    // katcosgrove: America/Los_Angeles
    const la = textOf((await h.driver.command(people.admin.id, '/schedule', '')).body);
    expect(la).toContain('*What is next* (times in America/Los_Angeles and UTC)');
    expect(la).toContain('*Kubernetes v1.37* — now in week 7');
    expect(la).toContain(
      '*Begin Code Freeze and Test Freeze* (v1.37, week 10, Branch Manager) — end of Wed 22 Jul 2026 AoE (Thu 23 Jul 2026, 05:00 PDT · Thu 23 Jul 2026, 12:00 UTC) · _in 3 weeks_',
    );
    expect(la).toContain(
      'Docs deadline — Open placeholder PRs (v1.37, week 7, Docs Lead) — end of Thu 2 Jul 2026 AoE (Fri 3 Jul 2026, 05:00 PDT · Fri 3 Jul 2026, 12:00 UTC) · _in 2 days_',
    );
    expect(la).toContain(
      'Cherry-pick deadline for the July 2026 patch releases — end of Fri 10 Jul 2026 AoE (Sat 11 Jul 2026, 05:00 PDT · Sat 11 Jul 2026, 12:00 UTC) · _in 10 days_. Target: Tue 14 Jul 2026.',
    );
    expect(la).not.toContain('Start of Release Cycle');
    expect(la).toContain('Last synced');
    // +5:30 and +14:00
    const kolkata = textOf((await h.driver.command(people.docsLead.id, '/schedule', '')).body);
    expect(kolkata).toContain('Thu 23 Jul 2026, 17:30 GMT+5:30 · Thu 23 Jul 2026, 12:00 UTC');
    const kiritimati = textOf((await h.driver.command(people.member2.id, '/schedule', '')).body);
    expect(kiritimati).toContain('Fri 24 Jul 2026, 02:00 GMT+14 · Thu 23 Jul 2026, 12:00 UTC');
    expect(h.slack.callsTo('users.info').map((c) => c.args.user)).toEqual(
      expect.arrayContaining([people.admin.id, people.docsLead.id, people.member2.id]),
    );
  });

  test('/schedule 1.37: the current week and what is ahead, the rest counted; `all`: every row', async () => {
    const focused = textOf((await h.driver.command(people.member.id, '/schedule', 'v1.37')).body);
    expect(focused).toContain('*Kubernetes v1.37 timeline* — 38 milestones, 13 past, now in week 7');
    expect(focused).toContain(
      '_12 earlier milestones are past and not shown. `/schedule 1.37 all` shows the whole timeline._',
    );
    // the current week's past row stays, struck through; then the next 10 ahead
    expect(focused).toContain(':white_check_mark: W7 ~Brace Yourself, Code Freeze is Coming');
    expect(focused).toContain(':point_right: W7 Docs deadline — Open placeholder PRs (Docs Lead)');
    expect(focused).toContain(
      '_…and 15 more ahead, through Thu 27 Aug 2026. `/schedule 1.37 all` shows the whole timeline._',
    );
    expect(focused).not.toContain('Start of Release Cycle');
    expect((focused.match(/:small_blue_diamond:/g) ?? []).length).toBe(9);

    const body = (await h.driver.command(people.member.id, '/schedule', 'v1.37 all')).body;
    const text = textOf(body);
    expect(text).toContain('*Kubernetes v1.37 timeline* — 38 milestones, 13 past, now in week 7');
    expect(text).toContain(
      ':white_check_mark: W1 ~Start of Release Cycle (Lead) — Mon 18 May 2026 (all day)',
    );
    expect(text).toContain(':point_right: W7 Docs deadline — Open placeholder PRs (Docs Lead)');
    expect(text).toContain(
      ':small_blue_diamond: W15 *v1.37.0 released* (Branch Manager) — Wed 26 Aug 2026 (all day)',
    );
    expect((text.match(/:white_check_mark:/g) ?? []).length).toBe(13);
    const older = textOf((await h.driver.command(people.member.id, '/schedule', '1.34')).body);
    expect(older).toContain('36 milestones, all past');
    expect(older).toContain('_31 earlier milestones are past and not shown. `/schedule 1.34 all`');
    expect(older).toContain('~*v1.34.0 released* (Branch Manager) — Wed 27 Aug 2025 (all day)');
    const olderAll = textOf((await h.driver.command(people.member.id, '/schedule', '1.34 ALL')).body);
    expect(olderAll).toContain('Fri 25 Jul 2025, 10:00 GMT+8 · Fri 25 Jul 2025, 02:00 UTC');
  });

  test('bad input: unknown cycle, extra words, arguments to patches', async () => {
    const unknown = textOf((await h.driver.command(people.member.id, '/schedule', '1.99')).body);
    expect(unknown).toContain('relbot has no release cycle 1.99.');
    expect(unknown).toContain(
      'relbot knows these cycles, closest first: `/schedule 1.37`, `/schedule 1.36`, `/schedule 1.34`.',
    );
    expect(textOf((await h.driver.command(people.member.id, '/schedule', '1.37 please')).body)).toContain(
      '`/schedule 1.37` takes one more word at most: `all`.',
    );
    expect(textOf((await h.driver.command(people.member.id, '/schedule', 'patches 1.36')).body)).toContain(
      'takes no arguments',
    );
    expect(textOf((await h.driver.command(people.member.id, '/schedule', 'sync now')).body)).toContain(
      'takes no arguments',
    );
  });

  test('/schedule patches: per supported minor, with the AoE cut-off', async () => {
    const text = textOf((await h.driver.command(people.approver.id, '/schedule', 'patches')).body);
    // 2026-07-01: the June patches (next in the data) are out, the July slot is ahead
    // schedule.yaml still names 1.36.2 as next; the July slot after it is 1.36.3 (as cherry-pick cards say)
    expect(text).toContain(
      '*1.36* — next *1.36.3*, in the July 2026 slot: cherry-pick deadline end of Fri 10 Jul 2026 AoE (Sat 11 Jul 2026, 14:00 GMT+2 · Sat 11 Jul 2026, 12:00 UTC) · _in 10 days_; target Tue 14 Jul 2026.',
    );
    expect(text).toContain(
      'The data still names *1.36.2* as next, but its target date Tue 9 Jun 2026 has passed.',
    );
    expect(text).toContain('Enters maintenance mode on Wed 28 Apr 2027. End of life on Mon 28 Jun 2027.');
    expect(text).toContain('*1.34* —');
    expect(text).not.toContain('*1.33* —'); // end of life 2026-06-28
    expect(text).toContain(
      '• July 2026: cherry-pick deadline end of Fri 10 Jul 2026 AoE (Sat 11 Jul 2026, 14:00 GMT+2 · Sat 11 Jul 2026, 12:00 UTC) · _in 10 days_. Target Tue 14 Jul 2026.',
    );
    expect(text).toContain(
      '_The most recent branch to reach end of life: 1.31, on Tue 11 Nov 2025 (final patch release 1.31.14)._',
    );
  });

  test('API for other features: next cherry-pick deadline per branch and the current cycle', () => {
    const deps = h.relbot.deps;
    const d = nextCherryPickDeadline(deps, 'release-1.36')!;
    expect(d.minor).toBe('1.36');
    expect(d.release).toBe('1.36.3');
    expect(d.deadline.toUTC().toISO()).toBe('2026-07-11T12:00:00.000Z');
    expect(d.targetDate!.toISODate()).toBe('2026-07-14');
    expect(nextCherryPickDeadline(deps, 'release-1.34')!.release).toBe('1.34.10');
    expect(nextCherryPickDeadline(deps, 'release-1.33')).toBeUndefined(); // end of life
    expect(nextCherryPickDeadline(deps, 'master')).toBeUndefined();
    expect(currentCycle(deps)).toEqual({ version: '1.37', milestone: 'v1.37' });
  });

  test('GET /calendar.ics parses back: stable UIDs, exact UTC deadlines, all-day dates', async () => {
    const res = await fetch(`${h.url}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const text = await res.text();
    const events = Object.values(nodeIcal.sync.parseICS(text)).filter(
      (e): e is nodeIcal.VEvent => e?.type === 'VEVENT',
    );
    const milestones = allMilestones(loadSchedule(h.db, h.config), h.config);
    expect(events).toHaveLength(milestones.length);
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
    const cf = events.find(
      (e) => e.uid === 'v1.37-begin-code-freeze-and-test-freeze@relbot.sig-release.k8s.io',
    )!;
    expect(cf.start.toISOString()).toBe('2026-07-23T12:00:00.000Z');
    expect(cf.datetype).toBe('date-time');
    expect(cf.summary).toBe('🚨 Begin Code Freeze and Test Freeze');
    const old = events.find(
      (e) => e.uid === 'v1.34-begin-code-freeze-and-test-freeze@relbot.sig-release.k8s.io',
    )!;
    expect(old.start.toISOString()).toBe('2025-07-25T02:00:00.000Z');
    const start = events.find((e) => e.uid === 'v1.37-start-of-release-cycle@relbot.sig-release.k8s.io')!;
    expect(start.datetype).toBe('date');
    expect([start.start.getFullYear(), start.start.getMonth() + 1, start.start.getDate()]).toEqual([
      2026, 5, 18,
    ]);
    const india = events.find((e) => e.uid === 'v1.37-kubecon-india@relbot.sig-release.k8s.io')!;
    expect([india.end!.getMonth() + 1, india.end!.getDate()]).toEqual([6, 20]); // DTEND exclusive
    const deadline = events.find(
      (e) => e.uid === 'patches-cherry-pick-deadline-2026-07@relbot.sig-release.k8s.io',
    )!;
    expect(deadline.start.toISOString()).toBe('2026-07-11T12:00:00.000Z');
    // the same UIDs on the next fetch
    const again = await (await fetch(`${h.url}/calendar.ics`)).text();
    expect([...again.matchAll(/^UID:(.*)$/gm)].map((m) => m[1])).toEqual(
      [...text.matchAll(/^UID:(.*)$/gm)].map((m) => m[1]),
    );
  });

  test('a moved, removed and added row: stored, posted as changes, UIDs kept', async () => {
    const page = fixture('release-1.37-README.md')
      .replace(
        CF,
        CF.replace(
          'Wednesday 22nd July 2026 (AoE) / Thursday 23rd July 2026',
          'Thursday 23rd July 2026 (AoE) / Friday 24th July 2026',
        ),
      )
      .replace(/^\| Release Highlights deadline .*\n/m, '')
      .replace(
        /^(\| Feature blog publication starts .*\n)/m,
        '$1| Retrospective | Lead | Friday 28th August 2026 | week 15 | |\n',
      );
    // Views parse the stored schedule once per change: read it before the sync, then after.
    const seenBefore = textOf((await h.driver.command(people.member.id, '/schedule', '1.37 all')).body);
    expect(seenBefore).toContain('Release Highlights deadline');
    h.github.setFile('kubernetes', 'sig-release', README_37, page, 'master');
    const before = h.slack.channelMessages().length;
    const res = textOf((await h.driver.command(people.lead.id, '/schedule', 'sync')).body);
    expect(res).toContain('imported kubernetes/sig-release/releases/release-1.37/README.md');
    expect(res).toContain('unchanged kubernetes/website/data/releases/schedule.yaml');
    const posts = h.slack.channelMessages().slice(before);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toBe(
      [
        ':calendar: The release schedule changed:',
        '• Moved *Begin Code Freeze and Test Freeze* (v1.37) from <!date^1784808000^{date_short_pretty} {time}|Thu 23 Jul 2026, 12:00 UTC> → <!date^1784894400^{date_short_pretty} {time}|Fri 24 Jul 2026, 12:00 UTC>',
        '• Added *Retrospective* (v1.37): Fri 28 Aug 2026',
        '• Removed *Release Highlights deadline* (v1.37) (was Tue 28 Jul 2026)',
      ].join('\n'),
    );
    const ics = await (await fetch(`${h.url}/calendar.ics`)).text();
    expect(ics).toContain(
      'UID:v1.37-begin-code-freeze-and-test-freeze@relbot.sig-release.k8s.io\r\nSEQUENCE:0\r\nDTSTAMP:20260701T090000Z\r\nDTSTART:20260724T120000Z',
    );
    const seenAfter = textOf((await h.driver.command(people.member.id, '/schedule', '1.37 all')).body);
    expect(seenAfter).not.toContain('Release Highlights deadline');
    expect(seenAfter).toContain('Retrospective');
    // syncing the same content again changes and posts nothing
    await h.driver.command(people.lead.id, '/schedule', 'sync');
    expect(h.slack.channelMessages().length).toBe(before + 1);
  });

  test('asked again in the same minute, a view is answered in the ack; a new minute or a sync renders afresh', async () => {
    const cached = async () =>
      Number(
        /relbot_commands_total\{command="\/schedule",outcome="cached"\} (\d+)/.exec(
          await (await fetch(`${h.url}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const cachedBefore = await cached();
    const user = people.member.id;
    const inAck = (r: { ack: { body: unknown } }) => typeof r.ack.body === 'object' && r.ack.body !== null;
    const shown = (r: { body: unknown }) => {
      const { blocks, text, response_type } = r.body as Record<string, unknown>;
      return { blocks, text, response_type };
    };
    const first = await h.driver.command(user, '/schedule', '');
    expect(inAck(first)).toBe(false); // rendered after an empty ack, answered through response_url
    const again = await h.driver.command(user, '/schedule', '');
    expect(inAck(again)).toBe(true);
    expect(shown(again)).toEqual(shown(first));
    const cycle = await h.driver.command(user, '/schedule', '1.37');
    const cycleAgain = await h.driver.command(user, '/schedule', 'v1.37');
    expect(inAck(cycle)).toBe(false);
    expect(inAck(cycleAgain)).toBe(true);
    expect(shown(cycleAgain)).toEqual(shown(cycle));
    // a view of another zone is its own answer
    const other = await h.driver.command(people.lead.id, '/schedule', '');
    expect(inAck(other)).toBe(false);
    // the next minute: rendered afresh (relative times move)
    h.clock.advance({ minutes: 1 });
    expect(inAck(await h.driver.command(user, '/schedule', ''))).toBe(false);
    expect(inAck(await h.driver.command(user, '/schedule', ''))).toBe(true);
    // a sync that rewrites the stored rows (even unchanged ones: checked_at) invalidates at once
    await h.driver.command(people.lead.id, '/schedule', 'sync');
    expect(inAck(await h.driver.command(user, '/schedule', ''))).toBe(false);
    expect((await cached()) - cachedBefore).toBe(3);
  });

  test('a malformed row is reported (sync answer and channel); the rest imports', async () => {
    const page = fixture('release-1.37-README.md').replace('Wednesday 24th June 2026', 'Late June (TBC)');
    h.github.setFile('kubernetes', 'sig-release', README_37, page, 'master');
    const before = h.slack.channelMessages().length;
    const res = textOf((await h.driver.command(people.lead.id, '/schedule', 'sync')).body);
    expect(res).toContain('row 12 "v1.37.0-alpha.2 released" (When: "Late June (TBC)"): unknown date format');
    const posts = h.slack.channelMessages().slice(before);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toContain('1 row could not be read and was left out. The rest was imported.');
    expect(posts[0]!.text).toContain('Removed *v1.37.0-alpha.2 released*');
    const timeline = textOf((await h.driver.command(people.member.id, '/schedule', '1.37')).body);
    expect(timeline).toContain('Begin Code Freeze and Test Freeze');
    expect(timeline).toContain('1 row of the page could not be read and is not shown');
  });

  test('a page that no longer parses keeps the last good data, reported once per content', async () => {
    const goodBody = (await h.driver.command(people.member.id, '/schedule', '1.37')).body;
    h.github.setFile(
      'kubernetes',
      'sig-release',
      README_37,
      '# Kubernetes v1.37\n\nThe timeline moved to a spreadsheet.\n',
      'master',
    );
    const before = h.slack.channelMessages().length;
    const res = textOf((await h.driver.command(people.admin.id, '/schedule', 'sync')).body);
    expect(res).toContain(
      ':x: kubernetes/sig-release/releases/release-1.37/README.md could not be parsed: no Timeline table',
    );
    expect(res).toContain('the last good data is kept');
    const afterBody = (await h.driver.command(people.member.id, '/schedule', '1.37')).body;
    expect(sectionsOf(afterBody)).toBe(sectionsOf(goodBody));
    expect(sectionsOf(afterBody)).toContain('Begin Code Freeze and Test Freeze');
    const after = textOf(afterBody);
    expect(after).toContain(
      ':warning: kubernetes/sig-release/releases/release-1.37/README.md: kubernetes/sig-release/releases/release-1.37/README.md could not be parsed',
    );
    const posts = h.slack.channelMessages().slice(before);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toContain('relbot keeps the last good data');
    await h.driver.command(people.admin.id, '/schedule', 'sync');
    expect(h.slack.channelMessages().length).toBe(before + 1);
  });

  test('GitHub failing (5xx after retries) keeps everything and says so', async () => {
    h.github.injectFault({ status: 502, times: 10, match: { path: 'schedule.yaml' } });
    const res = textOf((await h.driver.command(people.admin.id, '/schedule', 'sync')).body);
    expect(res).toContain(
      ':x: could not read kubernetes/website/data/releases/schedule.yaml@main from GitHub (HTTP 502)',
    );
    h.github.clearFaults();
    const text = textOf((await h.driver.command(people.member.id, '/schedule', 'patches')).body);
    expect(text).toContain('*1.36* — next *1.36.3*, in the July 2026 slot');
  });
});

describe('/schedule with an old schedule.yaml and an old cycle: nothing ahead', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clock: new ManualClock('2026-07-01T09:00:00Z'),
      config: (raw) => {
        raw.schedule = {
          sources: {
            cycles: [
              { repo: 'kubernetes/sig-release', path: 'releases/release-1.34/README.md', ref: 'master' },
            ],
            patches: {
              repo: 'kubernetes/website',
              path: 'data/releases/schedule.yaml',
              ref: 'upstream-2024-10',
            },
            eol: { repo: 'kubernetes/website', path: 'data/releases/eol.yaml', ref: 'main' },
          },
        };
      },
    });
    seedSchedule(h.github);
    await h.relbot.jobs.run('schedule-sync');
  });
  afterAll(async () => {
    await h.stop();
  });

  test('says so, with the newest date and when it was last synced', async () => {
    const text = textOf((await h.driver.command(people.member.id, '/schedule', '')).body);
    expect(text).toContain(
      ':information_source: Nothing ahead in the stored schedule. The newest date in it is',
    );
    expect(text).toContain('Last synced Wed 1 Jul 2026, 17:00 GMT+8');
    const patches = textOf((await h.driver.command(people.member.id, '/schedule', 'patches')).body);
    expect(patches).toContain('Nothing ahead in the stored patch schedule');
    expect(nextCherryPickDeadline(h.relbot.deps, 'release-1.31')).toBeUndefined();
    expect(currentCycle(h.relbot.deps)).toEqual({ version: '1.34', milestone: 'v1.34' });
  });
});

describe('/schedule with a hostile cycle page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: (raw) => {
        raw.schedule = {
          sources: {
            cycles: [
              { repo: 'kubernetes/sig-release', path: 'releases/release-1.40/README.md', ref: 'master' },
            ],
          },
        };
      },
    });
    const rows = Array.from(
      { length: 120 },
      (_, i) => `| <!channel> *${'🚀'.repeat(300)}* row ${i} | <@U123> | Monday 18th May 2026 | week 1 | |`,
    );
    h.github.setFile(
      'kubernetes',
      'sig-release',
      'releases/release-1.40/README.md',
      `# Kubernetes v1.40\n## Timeline\n| What | Who | When | Week | Release Signal |\n|---|---|---|---|---|\n${rows.join('\n')}\n`,
      'master',
    );
    await h.relbot.jobs.run('schedule-sync');
  });
  afterAll(async () => {
    await h.stop();
  });

  test('huge rows are cut to what Slack accepts; mentions are escaped', async () => {
    const res = await h.driver.command(people.member.id, '/schedule', '1.40 all');
    const body = res.body as { blocks: { type: string; text?: { text: string } }[] };
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    const total = body.blocks.reduce((n, b) => n + (b.text?.text.length ?? 0), 0);
    expect(total).toBeLessThan(12_000);
    const text = textOf(body);
    // what is cut is counted, not silently dropped
    expect(text).toMatch(/…and \d+ more lines are not shown: too long for one Slack message\./);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
    expect(h.slack.violations).toEqual([]);
    // the import announcement went through Slack's Block Kit checks too
    expect(h.slack.channelMessages()).toHaveLength(1);
  });
});
