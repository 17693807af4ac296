import type { Sandbox } from '../../src/sandbox/run';
import { CHANNEL, people } from '../../src/sandbox/seed';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import { startHarness, textOf } from '../helpers/harness';
import { startTempSandbox } from '../helpers/sandbox';

/**
 * `/release metrics` through the real app: the local sandbox (emulated Slack and GitHub, a real
 * SQLite file, relbot unchanged over signed HTTP), whose seeded history (src/sandbox/seed-history.ts)
 * is counted here by hand.
 */

/** A CSV as `/release metrics csv` sends it, back to rows (RFC 4180 quoting). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (ch !== '\r') cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

/** The code block of a CSV answer, with Slack's entities undone (what a person copies). */
function csvOf(body: unknown): string {
  const text = (body as { text: string }).text;
  const m = /```\n([\s\S]*?)\n```/.exec(text);
  if (!m) throw new Error(`no code block in ${text.slice(0, 200)}`);
  return `${m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')}\n`;
}

/** cycle|topic|figure|scope → value */
function figures(body: unknown): Map<string, string> {
  const [head, ...rows] = parseCsv(csvOf(body));
  expect(head).toEqual(['cycle', 'topic', 'figure', 'scope', 'value', 'unit']);
  const out = new Map<string, string>();
  for (const r of rows) {
    expect(r).toHaveLength(6);
    const key = r.slice(0, 4).join('|');
    expect(out.has(key)).toBe(false);
    out.set(key, r[4]!);
  }
  return out;
}

/**
 * The hand count of src/sandbox/seed-history.ts (and, for v1.37, seed-cherrypicks.ts and the
 * schedule fixtures), written out, not recomputed. Durations in hours.
 */
const HAND: Record<string, string> = {
  // v1.36 picks #136001-#136008 (12 Jan – 17 May 2026): #1,2,3,5,6,8 approved (#5 on GitHub),
  // #4 rejected, #7 closed undecided. Decisions after 5,20,2,50,8,72,1 h → sorted 1,2,5,8,20,50,72:
  // p50 = 4th = 8, p90 = 7th = 72. Merges after 30,48,26,12,96,6 h → 6,12,26,30,48,96: p50 = 3rd =
  // 26, p90 = 6th = 96. One approve_failed row (#6).
  '1.36|cherrypicks|requests|all': '8',
  '1.36|cherrypicks|approved|all': '6',
  '1.36|cherrypicks|rejected|all': '1',
  '1.36|cherrypicks|closed_undecided|all': '1',
  '1.36|cherrypicks|approved_on_github|all': '1',
  '1.36|cherrypicks|failed_attempts|all': '1',
  '1.36|cherrypicks|request_to_decision_p50|': '8.00',
  '1.36|cherrypicks|request_to_decision_p90|': '72.00',
  '1.36|cherrypicks|request_to_merge_p50|': '26.00',
  '1.36|cherrypicks|request_to_merge_p90|': '96.00',
  // release-1.35: #1,2,5,7,8 (4 approved); release-1.34: #3,6; release-1.33: #4 (rejected)
  '1.36|cherrypicks|requests|release-1.35': '5',
  '1.36|cherrypicks|approved|release-1.35': '4',
  '1.36|cherrypicks|requests|release-1.34': '2',
  '1.36|cherrypicks|approved|release-1.34': '2',
  '1.36|cherrypicks|rejected|release-1.33': '1',
  // v1.34 picks #132101-#132105 (the ones of 14 May and 15 Oct 2025 are outside every window):
  // decisions 4,10,6,30,3 → 3,4,6,10,30: p50 = 3rd = 6, p90 = 5th = 30; merges 24,30,50,5 →
  // 5,24,30,50: p50 = 2nd = 24, p90 = 4th = 50.
  '1.34|cherrypicks|requests|all': '5',
  '1.34|cherrypicks|approved|all': '4',
  '1.34|cherrypicks|rejected|all': '1',
  '1.34|cherrypicks|request_to_decision_p50|': '6.00',
  '1.34|cherrypicks|request_to_decision_p90|': '30.00',
  '1.34|cherrypicks|request_to_merge_p50|': '24.00',
  '1.34|cherrypicks|request_to_merge_p90|': '50.00',
  '1.34|cherrypicks|requests|release-1.33': '3',
  // v1.36 digests: Mondays of weeks 1-16. Listed: #135500 w1-3 (in the first digest: untimed),
  // #135600 w6-7, #135610 w9-10, #135660 w10-11, #135620 w11, #135650 w11-12, #135630 w12-13,
  // #135640 w13-14. Weekly counts 1,1,1,0,0,1,1,0,1,2,3,2,2,1,0,0.
  '1.36|blockers|digests_kept|': '16',
  '1.36|blockers|open|week 1': '1',
  '1.36|blockers|open|week 4': '0',
  '1.36|blockers|open|week 10': '2',
  '1.36|blockers|open|week 11': '3',
  '1.36|blockers|open|week 13': '2',
  '1.36|blockers|open|week 16': '0',
  // freezes: PRR 5 Feb 12:00 UTC → digest of 2 Feb (0); Code Freeze 19 Mar → 16 Mar (2);
  // Docs Freeze 9 Apr → 6 Apr (2); release day 22 Apr → 20 Apr (0)
  '1.36|blockers|open_at|PRR Freeze': '0',
  '1.36|blockers|open_at|Code Freeze': '2',
  '1.36|blockers|open_at|Docs Freeze': '2',
  '1.36|blockers|open_at|release day': '0',
  // timed (opened after the digest before: from its creation; else from the digest that first
  // lists it) to the first digest without it: #135600 2 Mar 09:00 − 10 Feb 10:00 = 479 h; #135610
  // 23 Mar − 9 Mar = 336 h; #135660 30 Mar 09:00 − 10 Mar 10:00 = 479 h; #135620 30 Mar 09:00 −
  // 16 Mar 15:00 = 330 h; #135650 6 Apr 09:00 − 18 Mar 20:00 = 445 h; #135630 13 Apr 09:00 −
  // 24 Mar 08:00 = 481 h; #135640 20 Apr 09:00 − 1 Apr 12:00 = 453 h. Sorted 330,336,445,453,479,
  // 479,481: p50 = 4th = 453, p90 = 7th = 481.
  '1.36|blockers|closed_timed|': '7',
  '1.36|blockers|untimed|': '1',
  '1.36|blockers|open_to_closed_p50|': '453.00',
  '1.36|blockers|open_to_closed_p90|': '481.00',
  '1.36|blockers|still_open|': '0',
  // v1.34 digests from week 4 (9 Jun 2025) only; #133320 is still listed in the last one.
  // Timed: #132910 11 Aug 09:00 − 22 Jul 10:00 = 479 h; #131980 4 Aug − 28 Jul = 168 h.
  '1.34|blockers|digests_kept|': '12',
  '1.34|blockers|first_digest|': '2025-06-09',
  '1.34|blockers|open|week 11': '2',
  '1.34|blockers|open_at|Feature blog freeze': '0',
  '1.34|blockers|open_at|release day': '1',
  '1.34|blockers|open_to_closed_p50|': '168.00',
  '1.34|blockers|open_to_closed_p90|': '479.00',
  '1.34|blockers|still_open|': '1',
  // Reminders (rules: hardFreeze, releaseDay, cherryPickDeadline × 7d, 1d, 1h, now). v1.36: 4 bold
  // freezes + release day = 20, and the cherry-pick deadlines of 6 Feb, 26 Feb, 13 Mar, 10 Apr and
  // 8 May 2026 = 20: 40 sent, the Code Freeze 1d one late by 190 min, after 1 failed run.
  '1.36|reminders|sent|': '40',
  '1.36|reminders|late|': '1',
  '1.36|reminders|late_by_max|': '3.17',
  '1.36|reminders|missed|': '0',
  '1.36|reminders|runs_failed|': '1',
  // v1.34: 5 bold freezes (PRR, Enhancements, Feature blog, Code, Docs) + release day = 24, and the
  // deadlines of 6 Jun, 11 Jul, 8 Aug 2025 = 12: 36, one superseded (PRR 1h): 35 sent, the Docs
  // Freeze 7d one late by 25 min.
  '1.34|reminders|sent|': '35',
  '1.34|reminders|superseded|': '1',
  '1.34|reminders|late|': '1',
  '1.34|reminders|late_by_max|': '0.42',
  '1.34|reminders|missed|': '0',
  // Shadows of the v1.36 team: 10 applications, 1 withdrawn; returning 4 of 9; closed 16 Dec 12:05,
  // published 19 Dec 15:05 = 75 h. Enhancements named by 4 live applications (3 first choice).
  '1.36|shadows|applications|all': '9',
  '1.36|shadows|withdrawn|all': '1',
  '1.36|shadows|returning|all': '4',
  '1.36|shadows|returning_share|all': '0.444',
  '1.36|shadows|close_to_publish|all': '75.00',
  '1.36|shadows|applications|Enhancements': '4',
  '1.36|shadows|first_choice|Enhancements': '3',
  '1.36|shadows|accepted|Enhancements': '2',
  '1.36|shadows|seats|Enhancements': '4',
  // v1.37 (the current cycle, week 3): seed-cherrypicks' 7 open picks (release-1.36: 3, 1.35: 2,
  // 1.34: 2; the closed release-1.33 one is not discovered); the 7d reminder of the 5 Jun deadline;
  // the v1.37 team: 12 applications, 4 returning, closed 25 Apr 12:05, published 1 May 10:05 = 142 h.
  '1.37|window|in_progress|': '1',
  '1.37|cherrypicks|requests|all': '7',
  '1.37|cherrypicks|waiting|all': '7',
  '1.37|cherrypicks|requests|release-1.36': '3',
  '1.37|cherrypicks|requests|release-1.34': '2',
  '1.37|reminders|sent|': '1',
  '1.37|reminders|missed|': '0',
  '1.37|blockers|digests_kept|': '0',
  '1.37|shadows|applications|all': '12',
  '1.37|shadows|returning|all': '4',
  '1.37|shadows|close_to_publish|all': '142.00',
};

describe('/release metrics in the sandbox', () => {
  let sandbox: Sandbox;
  const ask = (text: string, user: string = people.member.id) =>
    sandbox.ctx.driver!.command(user, '/release', text);

  beforeAll(async () => {
    sandbox = await startTempSandbox('relbot-metrics-');
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('matches a hand count of the seeded history, in the CSV parsed back', async () => {
    const got = new Map([
      ...figures((await ask('metrics csv 1.36')).body),
      ...figures((await ask('metrics csv')).body),
    ]);
    const wrong = Object.entries(HAND)
      .filter(([k, v]) => got.get(k) !== v)
      .map(([k, v]) => `${k}: hand ${v}, relbot ${got.get(k)}`);
    expect(wrong).toEqual([]);
    // The v1.36 CSV holds v1.36 and the cycle before it the sandbox knows (v1.34), not v1.37.
    const only36 = figures((await ask('metrics csv v1.36')).body);
    expect(new Set([...only36.keys()].map((k) => k.split('|')[0]))).toEqual(new Set(['1.36', '1.34']));
  });

  it('shows the current cycle beside the earlier ones, one column each', async () => {
    const res = await ask('metrics');
    const body = res.body as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    const text = textOf(body);
    expect(text).toContain('Kubernetes v1.37 — cycle metrics');
    expect(text).toContain('18 May 2026 – 26 Aug 2026 (week 3, so far) · compared with v1.36, v1.34');
    expect(text).toMatch(/ {20,}v1\.37 +v1\.36 +v1\.34\n/);
    expect(text).toMatch(/\nrequests +7 +8 +5\n/);
    expect(text).toMatch(/\nrequest→decision p90 +— +3d +1d 6h\n/);
    expect(text).toMatch(/\nat Code Freeze +— +2 +0\n/);
    expect(text).toMatch(/\nweek 11 +— +3 +2\n/);
    expect(text).toMatch(/\nsent +1 +40 +35\n/);
    expect(text).toMatch(/\nlate by, most +— +3h 10m +25m\n/);
    expect(text).toMatch(/\nmissed \(must be 0\) +0 +0 +0\n/);
    expect(text).toMatch(/\nEnhancements +4\/4 +4\/4 +—\n/);
    expect(text).toContain(':white_check_mark: v1.37: no reminder missed.');
    expect(text).toContain('Digests kept: v1.37 none, v1.34 from 9 Jun 2025.');
    expect(body.blocks.length).toBeLessThanOrEqual(50);
  });

  it('answers bad input with an ephemeral error and changes nothing', async () => {
    const db = sandbox.relbot.deps.db;
    const counts = () =>
      [
        'cherrypicks',
        'cherrypick_audit',
        'blockers_snapshots',
        'schedule_reminders',
        'shadow_cycles',
        'outbox',
      ].map((t) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n);
    const before = counts();
    const cases: Array<[string, RegExp]> = [
      [
        'metrics 1.73',
        /relbot knows no v1\.73 cycle\.\nThe cycles it knows, closest first: `1\.37`, `1\.36`, `1\.34`/,
      ],
      ['metrics 1.99', /relbot knows no v1\.99 cycle\./],
      ['metrics banana', /`banana` is not a release version\./],
      ['metrics cvs', /`cvs` is not a format: `\/release metrics` takes `csv` first, then a version\./],
      ['metrics 1.36 csv', /`csv` comes before the version\.\nTry `\/release metrics csv 1\.36`\./],
      ['metrics csv 1.36 1.34', /takes at most `csv` and one version/],
      ['metric', /`metric` is not a \/release subcommand\./],
      ['<!channel>', /`&lt;!channel&gt;` is not a \/release subcommand\./],
      ['x'.repeat(4001), /That text is too long \(4001 characters/],
    ];
    for (const [text, want] of cases) {
      const res = await ask(text);
      const body = res.body as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toMatch(/^:warning: /);
      expect(body.text).toMatch(want);
    }
    expect(counts()).toEqual(before);
  });

  it('gives its usage for help and for no text', async () => {
    for (const text of ['help', '']) {
      const body = (await ask(text)).body as { text: string };
      expect(body.text).toContain(
        '*/release* — Figures of a release cycle, compared with the cycles before it',
      );
      expect(body.text).toContain('`/release metrics [csv] [1.XX]`');
    }
  });

  it('exports the current cycle as gauges on /metrics', async () => {
    const res = await fetch(`${sandbox.url}/metrics`);
    expect(res.status).toBe(200);
    const lines = (await res.text()).split('\n');
    const value = (series: string) => {
      const line = lines.find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(value('relbot_cycle_cherrypick_requests{cycle="1.37",branch="release-1.36"}')).toBe(3);
    expect(value('relbot_cycle_cherrypick_requests{cycle="1.37",branch="release-1.35"}')).toBe(2);
    expect(value('relbot_cycle_cherrypick_waiting{cycle="1.37",branch="release-1.34"}')).toBe(2);
    expect(value('relbot_cycle_cherrypick_approved{cycle="1.37",branch="release-1.36"}')).toBe(0);
    expect(value('relbot_cycle_reminders_sent{cycle="1.37"}')).toBe(1);
    expect(value('relbot_cycle_reminders_missed{cycle="1.37"}')).toBe(0);
    // The newest application round is the v1.38 one the sandbox opens: no applications yet.
    expect(value('relbot_cycle_shadow_applications{cycle="1.38",role="Docs"}')).toBe(0);
    expect(value('relbot_cycle_shadow_seats{cycle="1.38",role="Docs"}')).toBe(4);
    // Only the current cycle is a label value; nothing undefined is exported.
    const series = lines.filter((l) => l.startsWith('relbot_cycle_'));
    expect(series.length).toBeGreaterThan(10);
    expect(series.filter((l) => !/cycle="1\.3[78]"/.test(l))).toEqual([]);
    expect(series.filter((l) => /NaN|undefined/.test(l))).toEqual([]);
    expect(value('relbot_figures_read_errors_total')).toBe(0);
    // No decision yet in v1.37: no decision-time series.
    expect(series.filter((l) => l.startsWith('relbot_cycle_cherrypick_decision_seconds'))).toEqual([]);
  });
});

describe('/release metrics follows what happens', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startTempSandbox('relbot-metrics-live-');
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('counts an approval made with the card button, in the answer and in the gauges', async () => {
    const { slack, driver } = sandbox.ctx;
    await sandbox.relbot.deps.outbound.drain();
    const key = `cherrypick-card:kubernetes/kubernetes#${CP.green136}`;
    await slack.waitFor(() =>
      slack.channelMessages(CHANNEL).some((m) => m.metadata?.event_payload?.key === key),
    );
    const card = slack.channelMessages(CHANNEL).find((m) => m.metadata?.event_payload?.key === key)!;
    const res = await driver!.click(people.approver.id, card, 'cherrypick_approve');
    expect(res.status).toBe(200);
    const state = () =>
      (
        sandbox.relbot.deps.db.prepare('SELECT state FROM cherrypicks WHERE number = ?').get(CP.green136) as {
          state: string;
        }
      ).state;
    await slack.waitFor(() => state() === 'approved');
    // Requested 28 May 09:00 (seed-cherrypicks: four days before the sandbox clock), approved at
    // 1 Jun 09:00: 96 hours.
    const got = figures((await driver!.command(people.member.id, '/release', 'metrics csv')).body);
    expect(got.get('1.37|cherrypicks|approved|all')).toBe('1');
    expect(got.get('1.37|cherrypicks|approved|release-1.36')).toBe('1');
    expect(got.get('1.37|cherrypicks|waiting|all')).toBe('6');
    expect(got.get('1.37|cherrypicks|request_to_decision_p50|')).toBe('96.00');
    const text = await (await fetch(`${sandbox.url}/metrics`)).text();
    expect(text).toContain('relbot_cycle_cherrypick_approved{cycle="1.37",branch="release-1.36"} 1\n');
    expect(text).toContain('relbot_cycle_cherrypick_decision_seconds{cycle="1.37",quantile="0.5"} 345600\n');
  });
});

describe('/release metrics before the schedule is known', () => {
  it('says so and what to do, instead of showing zeros', async () => {
    const h = await startHarness();
    try {
      const res = await h.driver.command(people.member.id, '/release', 'metrics');
      const body = res.body as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toContain('relbot knows no release cycle yet');
      expect(body.text).toContain('`/schedule sync`');
      const m = await (await fetch(`${h.url}/metrics`)).text();
      expect(m).toContain('# TYPE relbot_cycle_reminders_sent gauge');
      expect(m.split('\n').filter((l) => l.startsWith('relbot_cycle_'))).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});
