import { CHANNEL, people } from '../../src/sandbox/seed';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import type { OpenView, SlackMessage } from '../../src/sandbox/slack/server';
import { addGreenPick, tableRows, tablesOf } from '../helpers/abuse';
import { allText, startCherrypickHarness, trackByCommand } from '../helpers/cherrypicks';
import type { Harness } from '../helpers/harness';
import { shadowButtonValue } from '../helpers/shadows';

/**
 * The authorization matrix: every privileged action by every kind of seeded user. Expectations come
 * from src/sandbox/seed.ts (admins: the Release Team Lead and katcosgrove; approvers: the
 * release-managers group (cpanato) and GitHub login justaugustus; the Docs lead, the Branch Manager
 * lead) and the feature rules in docs/*.md. An outcome is "ok" only when the action took effect,
 * and "refused" only when the person got a private refusal AND nothing changed (no table row, no
 * GitHub write, no channel post, DM, update or modal). Anything else is reported as it is.
 */

type Kind =
  | 'member'
  | 'approver (user group)'
  | 'approver (GitHub login)'
  | 'lead of another role'
  | 'lead of that role'
  | 'Release Team Lead'
  | 'admin'
  | 'author';
type Outcome = 'ok' | 'refused' | string;

const USERS: Record<Exclude<Kind, 'author'>, string> = {
  member: people.member.id,
  'approver (user group)': people.approver.id,
  'approver (GitHub login)': people.approver2.id,
  'lead of another role': people.branchLead.id, // Branch Manager lead; the role below is Docs
  'lead of that role': people.docsLead.id,
  'Release Team Lead': people.lead.id,
  admin: people.admin.id,
};
const KINDS = Object.keys(USERS) as Exclude<Kind, 'author'>[];
const ok =
  (...kinds: Kind[]) =>
  (k: Kind) =>
    kinds.includes(k) ? 'ok' : 'refused';

const EXPECTED = {
  // Approvers only; the author may not approve their own pick (docs/cherrypicks.md).
  'cherry-pick approve': ok('approver (user group)', 'approver (GitHub login)'),
  // Reject: approvers only, the author included.
  'cherry-pick reject button': ok('approver (user group)', 'approver (GitHub login)', 'author'),
  'cherry-pick reject modal submission': ok('approver (user group)', 'approver (GitHub login)', 'author'),
  // Admins (docs/schedule.md).
  'schedule sync': ok('Release Team Lead', 'admin'),
  // Admins (docs/shadows.md).
  'shadow open': ok('Release Team Lead', 'admin'),
  'shadow close': ok('Release Team Lead', 'admin'),
  // The role's lead(s), the Release Team Lead, admins; never the applicant.
  'shadow review': ok('lead of that role', 'Release Team Lead', 'admin'),
  'shadow accept': ok('lead of that role', 'Release Team Lead', 'admin'),
  'shadow waitlist': ok('lead of that role', 'Release Team Lead', 'admin'),
  'shadow decline': ok('lead of that role', 'Release Team Lead', 'admin'),
  // The Release Team Lead only (admins only when none is configured).
  'shadow publish': ok('Release Team Lead'),
} as const;

const REFUSAL = /Only |cannot approve it yourself/;

describe('authorization matrix', () => {
  let h: Harness;
  const results: Record<string, Record<string, Outcome>> = {};
  const record = (action: string, kind: Kind, outcome: Outcome) => {
    results[action] ??= {};
    results[action]![kind] = outcome;
  };

  /** Everything a privileged action could change, apart from private answers to the actor. */
  const changes = () =>
    JSON.stringify({
      db: tablesOf(h.db)
        .filter((t) => t !== 'job_runs')
        .map((t) => tableRows(h.db, t)),
      github: h.github.calls.filter((c) => c.method !== 'GET').length,
      slack: h.slack.calls.filter((c) =>
        [
          'chat.postMessage',
          'chat.update',
          'chat.delete',
          'usergroups.users.update',
          'views.open',
          'views.update',
        ].includes(c.method),
      ).length,
    });

  /** Runs `act` as `user`; "refused" needs a private refusal and no change, "ok" needs `tookEffect`. */
  async function attempt(
    action: string,
    kind: Kind,
    user: string,
    act: () => Promise<unknown>,
    tookEffect: () => boolean | Promise<boolean>,
  ) {
    await settle(); // work from the previous step (DMs, card updates) is not this action's
    const before = changes();
    const seen = h.slack.ephemeralsFor(user).length;
    const ack = await act();
    // Answers after an ack arrive through response_url / chat.postEphemeral: wait for one.
    const ackText = allText(ack);
    if (!REFUSAL.test(ackText) && !(await tookEffect()))
      await h.slack.waitFor(() => h.slack.ephemeralsFor(user).length > seen, 5000).catch(() => undefined);
    await settle();
    const later = h.slack
      .ephemeralsFor(user)
      .slice(seen)
      .map((m) => allText({ text: m.text, blocks: m.blocks }));
    const refusal = [ackText, ...later].some((t) => REFUSAL.test(t));
    const after = changes();
    const changed = after !== before;
    if (await tookEffect()) record(action, kind, refusal ? 'ok, but also refused' : 'ok');
    else if (refusal && !changed) record(action, kind, 'refused');
    else
      record(
        action,
        kind,
        `neither: changed=${changed} refusal=${refusal} answer=${[ackText, ...later].join(' | ').slice(0, 200)}`,
      );
  }

  /** Lets work started after an ack finish (cards, DMs) before looking. */
  const settle = async () => {
    await h.relbot.deps.outbound.drain();
    for (let i = 0; i < 5; i++) {
      const n = h.slack.calls.length + h.github.calls.length;
      await new Promise((r) => setTimeout(r, 30));
      if (h.slack.calls.length + h.github.calls.length === n) return;
    }
  };

  beforeAll(async () => {
    h = await startCherrypickHarness({
      unhandledRequestTimeoutMillis: 3001,
      config: (raw) => {
        (raw.cherrypicks as Record<string, unknown>).retry = { attempts: 1, backoffMs: 1 };
      },
    });
    seedSchedule(h.github);
    h.clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  // ------------------------------------------------------------------ cherry-picks
  let nextPr = 150_001;
  /** A fresh pending pick whose gates pass, tracked (card posted), by `author`. */
  async function freshPick(author = 'aojea'): Promise<{ n: number; card: SlackMessage }> {
    const n = nextPr++;
    addGreenPick(h.github, n, { author });
    const card = await trackByCommand(h, people.member.id, n);
    return { n, card: structuredClone(card) };
  }
  const state = (n: number) =>
    (h.db.prepare('SELECT state FROM cherrypicks WHERE number = ?').get(n) as { state: string }).state;

  it('cherry-pick approve (button)', async () => {
    for (const kind of [...KINDS, 'author'] as Kind[]) {
      const { n, card } = await freshPick(kind === 'author' ? people.approver2.github : 'aojea');
      const user = kind === 'author' ? people.approver2.id : USERS[kind as Exclude<Kind, 'author'>];
      await attempt(
        'cherry-pick approve',
        kind,
        user,
        () => h.driver.click(user, card, 'cherrypick_approve'),
        async () => {
          if (state(n) === 'approving')
            await h.slack.waitFor(() => state(n) !== 'approving', 10000).catch(() => 0);
          return state(n) === 'approved';
        },
      );
    }
  });

  it('cherry-pick reject (button opens the modal; the modal submission rejects)', async () => {
    for (const kind of [...KINDS, 'author'] as Kind[]) {
      const { n, card } = await freshPick(kind === 'author' ? people.approver2.github : 'aojea');
      const user = kind === 'author' ? people.approver2.id : USERS[kind as Exclude<Kind, 'author'>];
      const myView = () =>
        [...h.slack.views.values()].find(
          (v) => v.user === user && v.view.private_metadata === `kubernetes/kubernetes#${n}`,
        );
      await attempt(
        'cherry-pick reject button',
        kind,
        user,
        () => h.driver.click(user, card, 'cherrypick_reject'),
        () => Boolean(myView()),
      );
      // The submission: a modal this person has open (theirs when the button worked, else one an
      // approver opened for the same pick: a payload they could only get by forging the form).
      let view: OpenView | undefined = myView();
      if (!view) {
        await h.driver.click(people.approver.id, card, 'cherrypick_reject');
        view = await h.slack.waitFor(() =>
          [...h.slack.views.values()].find(
            (v) => v.user === people.approver.id && v.view.private_metadata === `kubernetes/kubernetes#${n}`,
          ),
        );
      }
      const submitted = view;
      let ack: unknown;
      await attempt(
        'cherry-pick reject modal submission',
        kind,
        user,
        async () => {
          ack = (await h.driver.submitView(user, submitted, { reason: 'Not eligible for a patch release.' }))
            .body;
          // A refusal in a modal is a field error.
          const errors = (ack as { errors?: Record<string, string> }).errors;
          return errors ? { text: Object.values(errors).join(' ') } : ack;
        },
        async () => {
          if (state(n) === 'rejecting')
            await h.slack.waitFor(() => state(n) !== 'rejecting', 10000).catch(() => 0);
          return state(n) === 'rejected';
        },
      );
    }
  });

  // ------------------------------------------------------------------ schedule
  it('schedule sync', async () => {
    for (const kind of KINDS) {
      const user = USERS[kind];
      let answer = '';
      await attempt(
        'schedule sync',
        kind,
        user,
        async () => {
          const res = await h.driver.command(user, '/schedule', 'sync');
          answer = allText(res.body);
          return res.body;
        },
        () => /\b(imported|unchanged) kubernetes\/sig-release/.test(answer),
      );
    }
  });

  // ------------------------------------------------------------------ shadows
  const applicants = Array.from({ length: 8 }, (_, i) => ({
    id: `U0APPL${String(i).padStart(4, '0')}`,
    name: `Applicant ${i}`,
    github: `applicant-${i}`,
  }));
  const count = (sql: string) => (h.db.prepare(sql).get() as { n: number }).n;
  const openCycles = () => count("SELECT COUNT(*) AS n FROM shadow_cycles WHERE state = 'open'");

  it('shadow open', async () => {
    for (const kind of KINDS.filter((k) => k !== 'Release Team Lead' && k !== 'admin'))
      await attempt(
        'shadow open',
        kind,
        USERS[kind],
        async () => (await h.driver.command(USERS[kind], '/shadow', 'open 1.38 closes 2026-12-10')).body,
        () => openCycles() > 0,
      );
    // The Release Team Lead opens v1.38; the admin opens v1.39 after v1.38 closed (see below).
    await attempt(
      'shadow open',
      'Release Team Lead',
      people.lead.id,
      async () => (await h.driver.command(people.lead.id, '/shadow', 'open 1.38 closes 2026-12-10')).body,
      () => openCycles() === 1,
    );
  });

  it('applicants apply (setup, not a privileged action)', async () => {
    for (const a of applicants) {
      h.slack.addUser({ id: a.id, name: a.name, tz: 'Europe/Berlin' });
      const views = h.slack.callsTo('views.open').length;
      await h.driver.command(a.id, '/shadow', 'apply');
      await h.slack.waitFor(() => h.slack.callsTo('views.open').length > views);
      const view = h.driver.latestView(a.id)!;
      const res = await h.driver.submitView(a.id, view, {
        role1: 'Docs',
        github: a.github,
        tz: 'Europe/Berlin',
        hours: '8',
        served: 'no',
        why: 'I want to help.',
      });
      expect(res.text).toBe('');
      // The confirmation DM: wait for it, so it is not mistaken for a later action's change.
      await h.slack.waitFor(() => h.slack.channelMessages(`D${a.id.slice(1)}`).length === 1);
    }
    expect(count('SELECT COUNT(*) AS n FROM shadow_applications')).toBe(applicants.length);
  });

  it('shadow review Docs', async () => {
    for (const kind of KINDS) {
      let text = '';
      await attempt(
        'shadow review',
        kind,
        USERS[kind],
        async () => {
          const res = await h.driver.command(USERS[kind], '/shadow', 'review Docs');
          text = allText(res.body);
          return res.body;
        },
        () => text.includes('Docs: v1.38 shadow applicants'),
      );
    }
  });

  /** The Docs review as its lead sees it: the source of the decision buttons' payloads. */
  async function reviewMessage(): Promise<SlackMessage> {
    const res = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    const body = res.body as { text: string; blocks: unknown[] };
    return {
      channel: CHANNEL,
      ts: '0.000001',
      user: h.slack.botUserId,
      edits: 0,
      blocks: body.blocks,
      text: body.text,
    };
  }
  const decisionOf = (appUser: string) =>
    (
      h.db
        .prepare(
          "SELECT d.decision FROM shadow_decisions d JOIN shadow_applications a ON a.id = d.application_id WHERE a.user = ? AND d.role = 'Docs'",
        )
        .get(appUser) as { decision: string } | undefined
    )?.decision;

  const DECISIONS = [
    ['shadow accept', 'shadow_accept', 'accepted'],
    ['shadow waitlist', 'shadow_waitlist', 'waitlisted'],
    ['shadow decline', 'shadow_decline', 'declined'],
  ] as const;

  it.each(DECISIONS)('%s (button on the Docs review)', async (action, actionId, decision) => {
    let target = 0;
    for (const kind of [...KINDS, 'author'] as Kind[]) {
      // "author" here: the applicant deciding on their own application.
      const appUser = applicants[target % applicants.length]!.id;
      const user = kind === 'author' ? appUser : USERS[kind as Exclude<Kind, 'author'>];
      const msg = await reviewMessage();
      const value = shadowButtonValue(h, msg, appUser, actionId);
      const was = decisionOf(appUser);
      await attempt(
        action,
        kind,
        user,
        async () => {
          await h.driver.click(user, { ...msg, ephemeralTo: user }, actionId, value);
          return {};
        },
        () => decisionOf(appUser) === decision && was !== decision,
      );
      if (decisionOf(appUser) === decision) target++;
    }
  });

  it('shadow close, publish, and the admin opening the next round', async () => {
    const closed = () => count("SELECT COUNT(*) AS n FROM shadow_cycles WHERE state = 'closed'");
    for (const kind of KINDS.filter((k) => k !== 'admin'))
      await attempt(
        'shadow close',
        kind,
        USERS[kind],
        async () => (await h.driver.command(USERS[kind], '/shadow', 'close')).body,
        () => closed() > 0,
      );
    // Close by the admin (v1.38); the Release Team Lead's close is checked on v1.39 below, so the
    // Release Team Lead's row above must be undone: it closed v1.38 already if it was allowed.
    if (closed() === 0)
      await attempt(
        'shadow close',
        'admin',
        people.admin.id,
        async () => (await h.driver.command(people.admin.id, '/shadow', 'close')).body,
        () => closed() === 1,
      );
    else record('shadow close', 'admin', 'pending (v1.39)');

    const published = () => count("SELECT COUNT(*) AS n FROM shadow_cycles WHERE state = 'published'");
    for (const kind of [...KINDS.filter((k) => k !== 'Release Team Lead'), 'Release Team Lead'] as Kind[])
      await attempt(
        'shadow publish',
        kind,
        USERS[kind as Exclude<Kind, 'author'>],
        async () => {
          const user = USERS[kind as Exclude<Kind, 'author'>];
          const body = (await h.driver.command(user, '/shadow', 'publish')).body as {
            text?: string;
            blocks?: unknown[];
          };
          // With applicants still undecided, publish first shows them (issue 13 class 3): the Release
          // Team Lead publishes through its audited "Decline the undecided and publish" button.
          if (JSON.stringify(body.blocks ?? []).includes('shadow_publish_decline_undecided'))
            await h.driver.click(
              user,
              {
                channel: CHANNEL,
                ts: '0.000002',
                user: h.slack.botUserId,
                edits: 0,
                ephemeralTo: user,
                blocks: body.blocks!,
                text: body.text ?? '',
              },
              'shadow_publish_decline_undecided',
            );
          return body;
        },
        () => published() > 0,
      );

    await attempt(
      'shadow open',
      'admin',
      people.admin.id,
      async () => (await h.driver.command(people.admin.id, '/shadow', 'open 1.39 closes 2026-12-20')).body,
      () => openCycles() === 1,
    );
    if (results['shadow close']!.admin === 'pending (v1.39)')
      await attempt(
        'shadow close',
        'admin',
        people.admin.id,
        async () => (await h.driver.command(people.admin.id, '/shadow', 'close')).body,
        () => openCycles() === 0,
      );
  });

  it('the whole matrix: only the right people succeed (11 actions x 7-8 kinds of user)', () => {
    const expected: Record<string, Record<string, Outcome>> = {};
    for (const [action, rule] of Object.entries(EXPECTED)) {
      const kinds = Object.keys(results[action] ?? {}) as Kind[];
      expected[action] = Object.fromEntries(kinds.map((k) => [k, rule(k)]));
    }
    expect(results).toEqual(expected);
    // Every action was tried by every kind of user (and the author / applicant where it applies).
    for (const action of Object.keys(EXPECTED))
      for (const k of KINDS) expect(results[action]).toHaveProperty([k]);
  });
});
