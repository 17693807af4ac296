import { feature as scheduleFeature } from '../../commands/schedule';
import { ManualClock } from '../../src/clock';
import { fixture } from '../../src/fixtures';
import { people } from '../../src/sandbox/seed';
import { scheduleSourcesConfig, seedSchedule } from '../../src/sandbox/seed-schedule';
import { type Harness, startHarness } from '../helpers/harness';

/**
 * Issue 13, "Answers a release team can trust", for /schedule and its reminders, through the real
 * app: emulated Slack and GitHub, the real schedule files, a ManualClock.
 */

/** Every text of an answer: the fallback text, section texts and context elements. */
function textOf(body: unknown): string {
  const out: string[] = [String((body as { text?: string }).text ?? '')];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' || o.type === 'plain_text') out.push(String(o.text));
      for (const x of Object.values(o)) walk(x);
    }
  };
  walk((body as { blocks?: unknown }).blocks ?? []);
  return out.join('\n');
}

/** `<…>` that Slack would not read as a mention, link or date: a placeholder turned into a link. */
const STRAY_ANGLE = /<(?![@#]|!subteam\^|!date\^|https?:|mailto:)[^>]*>/;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

async function ask(h: Harness, text: string, user: string = people.member.id): Promise<string> {
  return textOf((await h.driver.command(user, '/schedule', text)).body);
}

interface Posted {
  key: string;
  text: string;
}

function reminders(h: Harness): Posted[] {
  return h.slack
    .channelMessages()
    .filter((m) => String(m.metadata?.event_payload?.key ?? '').startsWith('schedule-reminder:'))
    .map((m) => ({
      key: String(m.metadata!.event_payload.key).replace('schedule-reminder:', ''),
      text: m.text ?? '',
    }));
}

/** Restart on the same database (Bolt's token check answered before going on). */
async function restart(h: Harness) {
  const n = h.slack.callsTo('auth.test').length;
  await h.restart();
  await h.slack.waitFor(() => h.slack.callsTo('auth.test').length > n);
}

/** The seeded config keeps its user-group mentions (src/sandbox/seed.ts); only the sources change. */
const withSources = (raw: Record<string, unknown>) => {
  raw.schedule = { ...(raw.schedule as object), sources: scheduleSourcesConfig() };
};

describe('answers: typos, long timelines, times said right, text Slack shows as intended', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clock: new ManualClock('2026-07-01T09:00:00Z'), config: withSources });
    seedSchedule(h.github);
    await h.relbot.jobs.run('schedule-sync');
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  test('class 1: an unknown cycle or a typo is an error that says so and names the known cycles, closest first', async () => {
    const unknown = await ask(h, '1.99');
    expect(unknown).toContain(':warning: relbot has no release cycle 1.99.');
    expect(unknown).toContain(
      'relbot knows these cycles, closest first: `/schedule 1.37`, `/schedule 1.36`, `/schedule 1.34`.',
    );
    const major = await ask(h, '9.99');
    expect(major).toContain(':warning: relbot has no release cycle 9.99.');
    expect(major).toContain('closest first: `/schedule 1.37`');
    // not a version at all: said so, and not "is not a /schedule subcommand"
    const typo = await ask(h, '1.3x');
    expect(typo).toContain(':warning: 1.3x is not a release cycle version. A cycle version looks like 1.37.');
    expect(typo).not.toContain('subcommand');
    expect(typo).toContain('closest first: `/schedule 1.37`, `/schedule 1.36`, `/schedule 1.34`.');
    // a swapped pair of digits is one edit from the cycle meant
    expect(await ask(h, '1.73')).toContain('closest first: `/schedule 1.37`, `/schedule 1.36`');
    // a minor that only the patch schedule knows points there
    const patchOnly = await ask(h, '1.35');
    expect(patchOnly).toContain('relbot has no release cycle 1.35.');
    expect(patchOnly).toContain('closest first: `/schedule 1.36`, `/schedule 1.34`, `/schedule 1.37`.');
    expect(patchOnly).toContain(
      '1.35 is in the patch schedule: `/schedule patches` shows its patch releases.',
    );
    const patch = await ask(h, 'v1.36.2');
    expect(patch).toContain('v1.36.2 is not a release cycle version.');
    expect(patch).toContain('closest first: `/schedule 1.36`');
    // none of these is a timeline
    for (const t of [unknown, major, typo, patchOnly, patch]) expect(t).not.toContain('timeline');
  });

  test('class 4: /schedule 1.37 shows what matters first and counts what it leaves out; `all` shows every row', async () => {
    const focused = await ask(h, '1.37');
    expect(focused).toContain('*Kubernetes v1.37 timeline* — 38 milestones, 13 past, now in week 7');
    expect(focused).toContain(
      '_12 earlier milestones are past and not shown. `/schedule 1.37 all` shows the whole timeline._',
    );
    expect(focused).toContain(':point_right: W7 Docs deadline');
    expect(focused).toContain(
      '_…and 15 more ahead, through Thu 27 Aug 2026. `/schedule 1.37 all` shows the whole timeline._',
    );
    const all = await ask(h, '1.37 all');
    for (const row of ['Start of Release Cycle', 'KubeCon India', 'Feature blog publication starts'])
      expect(all).toContain(row);
    // the notification text never ends in a silent "…": it says how much more the message has
    const body = (await h.driver.command(people.member.id, '/schedule', '1.37 all')).body as { text: string };
    expect(body.text).toMatch(/…and \d+ more lines in the message\.$/);
    // help shows the way to the rest
    expect(await ask(h, 'help')).toContain('`/schedule &lt;1.XX&gt; [all]`');
    // /schedule says how many more deadlines there are and where
    expect(await ask(h, '')).toContain('_…and 17 more ahead. `/schedule 1.37` shows them._');
  });

  test('class 5: one wording for a cherry-pick deadline in /schedule and /schedule patches: the day, AoE, the reader’s time', async () => {
    const same =
      'end of Fri 10 Jul 2026 AoE (Sat 11 Jul 2026, 20:00 GMT+8 · Sat 11 Jul 2026, 12:00 UTC) · _in 10 days_';
    const next = await ask(h, '');
    const patches = await ask(h, 'patches');
    expect(next).toContain(`Cherry-pick deadline for the July 2026 patch releases — ${same}.`);
    expect(patches).toContain(`• July 2026: cherry-pick deadline ${same}. Target Tue 14 Jul 2026.`);
    expect(patches).toContain(`*1.36* — next *1.36.3*, in the July 2026 slot: cherry-pick deadline ${same}`);
    for (const t of [next, patches]) {
      expect(t).not.toContain('deadline Fri 10 Jul 2026,');
      expect(t).not.toContain('cut-off Sat 11 Jul');
    }
    // a reader in Los Angeles sees the same day and AoE, at their own time
    expect(await ask(h, 'patches', people.admin.id)).toContain(
      'end of Fri 10 Jul 2026 AoE (Sat 11 Jul 2026, 05:00 PDT · Sat 11 Jul 2026, 12:00 UTC)',
    );
  });

  test('class 5: past states in the past tense, a span under way says so', async () => {
    h.clock.set('2026-07-29T09:00:00Z'); // a Wednesday: KubeCon Japan is Tue 28 – Thu 30 Jul
    const cycle = await ask(h, '1.37');
    expect(cycle).toContain('*KubeCon Japan* — Tue 28 – Thu 30 Jul 2026 · _under way, until Thu 30 Jul_');
    expect(cycle).not.toContain('KubeCon Japan* — Tue 28 – Thu 30 Jul 2026 · _yesterday_');
    const all = await ask(h, '1.37 all');
    expect(all).toContain('~*KubeCon India* — Thu 18 – Fri 19 Jun 2026 · _ended 5 weeks ago_~');
    h.clock.set('2026-09-01T09:00:00Z');
    const patches = await ask(h, 'patches');
    expect(patches).toContain('In maintenance mode since Thu 27 Aug 2026. End of life on Tue 27 Oct 2026.');
    expect(patches).toContain('Enters maintenance mode on Wed 28 Apr 2027.');
    expect(patches).not.toMatch(/Maintenance mode from/);
  });

  test('class 5: no raw ISO timestamp in the sync post about an unreadable page; it names the import time as a date token', async () => {
    h.clock.set('2026-07-01T09:00:00Z');
    h.github.setFile(
      'kubernetes',
      'sig-release',
      'releases/release-1.37/README.md',
      '# Kubernetes v1.37\n\nThe timeline moved to a spreadsheet.\n',
      'master',
    );
    const before = h.slack.channelMessages().length;
    await ask(h, 'sync', people.admin.id);
    const post = h.slack.channelMessages().slice(before)[0]!;
    expect(post.text).toContain(
      'relbot keeps the last good data, imported <!date^1782896400^{date_short_pretty} {time}|Wed 1 Jul 2026, 09:00 UTC>, until the file is fixed.',
    );
    expect(textOf(post)).not.toMatch(ISO);
    const cycle = await ask(h, '1.37');
    expect(cycle).toContain('Shown: the data imported Wed 1 Jul 2026, 17:00 GMT+8 (now).');
    expect(cycle).not.toMatch(ISO);
    h.github.setFile(
      'kubernetes',
      'sig-release',
      'releases/release-1.37/README.md',
      fixture('release-1.37-README.md'),
      'master',
    );
    await ask(h, 'sync', people.admin.id);
  });

  test('class 8: usage and errors of /schedule hold no <placeholder> Slack would turn into a link', async () => {
    const texts = await Promise.all(
      ['help', 'frobnicate', '1.37 please', '1.99', '1.3x', 'patches 1.36', 'sync now', 'version'].map((t) =>
        ask(h, t, people.admin.id),
      ),
    );
    for (const t of texts) expect(t).not.toMatch(STRAY_ANGLE);
    expect(texts[0]).toContain('&lt;1.XX&gt;');
    // one sentence per thought
    expect(texts[2]).toContain(
      '`/schedule 1.37` shows the current week and what is ahead. `/schedule 1.37 all` shows every row.',
    );
    expect(texts[7]).toContain('Give one release cycle version, like `/schedule 1.37`.');
  });
});

describe('class 6: reminders after a gap', () => {
  let h: Harness;
  afterEach(async () => {
    expect(h.slack.violations).toEqual([]);
    await h.stop();
  });

  async function at(iso: string, opts: { lateNowInEffectHours?: number } = {}) {
    h = await startHarness({
      clock: new ManualClock(iso),
      features: [scheduleFeature],
      config: (raw) => {
        withSources(raw);
        const s = raw.schedule as Record<string, unknown>;
        s.reminders = { ...(s.reminders as object), ...opts };
      },
    });
    seedSchedule(h.github);
    await h.relbot.jobs.runAll();
  }

  async function downUntil(iso: string) {
    await h.stopRelbot();
    h.clock.set(iso);
    await restart(h);
    await h.relbot.jobs.run('schedule-reminders');
  }

  test('back 90 minutes before Code Freeze: one post, the 1-hour one, on time; no late 1-day post first', async () => {
    await at('2026-07-20T00:00:00Z');
    const before = reminders(h).length;
    await downUntil('2026-07-23T10:30:00Z');
    expect(reminders(h).slice(before)).toEqual([]);
    const skipped = h.db
      .prepare("SELECT reason FROM schedule_reminders WHERE key LIKE '%v1.37/begin-code-freeze%:1d:%'")
      .get() as { reason: string };
    expect(skipped.reason).toBe('superseded by the 1h reminder, due within the hour');
    h.clock.set('2026-07-23T11:00:00Z');
    await h.relbot.jobs.run('schedule-reminders');
    h.clock.set('2026-07-23T12:00:00Z');
    await h.relbot.jobs.run('schedule-reminders');
    const got = reminders(h).slice(before);
    expect(got.map((r) => r.key)).toEqual([
      'v1.37/begin-code-freeze-and-test-freeze:1h:2026-07-23T12:00:00Z',
      'v1.37/begin-code-freeze-and-test-freeze:now:2026-07-23T12:00:00Z',
    ]);
    expect(got.some((r) => r.text.includes('Posted late'))).toBe(false);
  });

  test('a freeze that began during the gap still gets its "now in effect" post, late, with the real gap', async () => {
    await at('2026-07-20T00:00:00Z');
    h.clock.set('2026-07-22T23:00:00Z');
    await h.relbot.jobs.run('schedule-reminders'); // the last run before the gap
    const before = reminders(h).length;
    await downUntil('2026-07-23T15:00:00Z'); // Code Freeze began at 12:00, 3 hours ago
    const got = reminders(h).slice(before);
    expect(got.map((r) => r.key)).toEqual([
      'v1.37/begin-code-freeze-and-test-freeze:now:2026-07-23T12:00:00Z',
    ]);
    expect(got[0]!.text).toBe(
      [
        ':rotating_light: *Begin Code Freeze and Test Freeze* has been in effect since end of Wed 22 Jul 2026 AoE (<!date^1784808000^{date_short_pretty} {time}|Thu 23 Jul 2026, 12:00 UTC>), 3 hours ago.',
        'v1.37, week 10, Branch Manager',
        '_Posted late: relbot was offline from <!date^1784761200^{date_short_pretty} {time}|Wed 22 Jul 2026, 23:00 UTC> to <!date^1784818800^{date_short_pretty} {time}|Thu 23 Jul 2026, 15:00 UTC>. This reminder was due <!date^1784808000^{date_short_pretty} {time}|Thu 23 Jul 2026, 12:00 UTC>._',
      ].join('\n'),
    );
    // one post for the milestone: the 1-hour reminder missed in the gap is superseded
    expect(
      h.db
        .prepare(
          "SELECT state, reason FROM schedule_reminders WHERE key LIKE '%v1.37/begin-code-freeze%:1h:%'",
        )
        .get(),
    ).toEqual({ state: 'skipped', reason: 'superseded by a later reminder' });
  });

  test('a cherry-pick deadline passed in the gap: "has passed" late while recent, nothing once older than lateNowInEffectHours', async () => {
    await at('2026-07-08T00:00:00Z');
    const before = reminders(h).length;
    await downUntil('2026-07-11T20:00:00Z'); // the July deadline passed at 12:00 UTC, 8 hours ago
    const got = reminders(h).slice(before);
    expect(got.map((r) => r.key)).toEqual(['patches/cherry-pick-deadline/2026-07:now:2026-07-11T12:00:00Z']);
    expect(got[0]!.text).toContain(
      ':rotating_light: *Cherry-pick deadline for the July 2026 patch releases* passed 8 hours ago: end of Fri 10 Jul 2026 AoE (',
    );
    // the patch deadlines' Who is Release Managers: the seeded group's mention, not words
    expect(got[0]!.text).toContain('\n<!subteam^S0RELMGRS>\n');
    expect(got[0]!.text).toContain('_Posted late: relbot was offline from');
  });

  test('lateNowInEffectHours bounds it: 6 hours configured, 8 hours passed: skipped and logged, not posted', async () => {
    await at('2026-07-08T00:00:00Z', { lateNowInEffectHours: 6 });
    const before = reminders(h).length;
    await downUntil('2026-07-11T20:00:00Z');
    expect(reminders(h).slice(before)).toEqual([]);
    expect(
      h.db.prepare("SELECT state, reason FROM schedule_reminders WHERE key LIKE '%2026-07:now:%'").get(),
    ).toEqual({ state: 'skipped', reason: 'missed, and the milestone has begun' });
  });
});
