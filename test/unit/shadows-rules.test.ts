import { DateTime } from 'luxon';
import type { RoleConfig } from '../../src/shadows/config';
import {
  type Application,
  balanceLine,
  closeInstant,
  type Decision,
  findRole,
  outcomeFor,
  parseOpenArgs,
  reviewList,
  type ViewStateValues,
  validateApplication,
} from '../../src/shadows/rules';

const roles: RoleConfig[] = ['Release Team Lead', 'Enhancements', 'Docs', 'Release Signal'].map((name) => ({
  name,
  leads: [],
  capacity: 2,
}));
const now = DateTime.fromISO('2026-12-01T10:00:00Z', { zone: 'utc' });

function state(v: Record<string, string | undefined>): ViewStateValues {
  const out: ViewStateValues = {};
  for (const [k, val] of Object.entries(v)) {
    const select = ['role1', 'role2', 'served', 'served_role'].includes(k);
    out[k] = {
      value: select
        ? { type: 'static_select', selected_option: val === undefined ? null : { value: val } }
        : { type: 'plain_text_input', value: val ?? null },
    };
  }
  return out;
}
const good = {
  role1: 'Docs',
  role2: 'Enhancements',
  github: '@tico88612',
  tz: 'Asia/Taipei',
  hours: '8',
  served: 'yes',
  served_role: 'Enhancements',
  why: 'I want to learn how docs are released.',
};

describe('close instant and /shadow open arguments', () => {
  it('closes at the end of the day Anywhere on Earth: 12:00 UTC the next day', () => {
    expect(closeInstant('2026-12-10').toISO()).toBe('2026-12-11T12:00:00.000Z');
  });
  it('parses `1.38 closes 2026-12-10` and variants', () => {
    const r = parseOpenArgs(['1.38', 'closes', '2026-12-10'], now);
    expect(r).toMatchObject({ version: '1.38', closeDate: '2026-12-10' });
    expect(parseOpenArgs(['v1.38', '2026-12-10'], now)).toMatchObject({ version: '1.38' });
  });
  it.each([
    [['1.38'], 'version and a closing date'],
    [['one', 'closes', '2026-12-10'], 'not a release version'],
    [['1.38', 'closes', '2026-13-40'], 'not a date'],
    [['1.38', 'closes', '10/12/2026'], 'not a date'],
    [['1.38', 'closes', '2026-11-29'], 'already passed'],
    [['1.38', 'closes', '2027-12-10'], 'more than 120 days'],
  ])('%j -> %s', (args, msg) => {
    const r = parseOpenArgs(args, now);
    expect('error' in r && r.error).toContain(msg);
  });
  it('finds roles by name, case and punctuation insensitive', () => {
    expect(findRole(roles, 'release-signal')?.name).toBe('Release Signal');
    expect(findRole(roles, 'DOCS')?.name).toBe('Docs');
    expect(findRole(roles, 'Bug Triage')).toBeUndefined();
  });
});

describe('application validation', () => {
  it('accepts a complete application and cleans the GitHub handle', () => {
    const r = validateApplication(state(good), roles);
    expect(r).toEqual({
      ok: true,
      input: {
        github: 'tico88612',
        timeZone: 'Asia/Taipei',
        hoursPerWeek: 8,
        servedBefore: true,
        servedRole: 'Enhancements',
        why: good.why,
        choices: ['Docs', 'Enhancements'],
      },
    });
  });
  it('gives one error per bad field', () => {
    const r = validateApplication(
      state({
        role1: undefined,
        role2: 'Docs',
        github: 'not a handle!',
        tz: 'Mars/Olympus',
        hours: '0',
        served: undefined,
        why: ' ',
      }),
      roles,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['github', 'hours', 'role1', 'served', 'tz', 'why']);
  });
  it.each([
    [{ role2: 'Docs' }, 'role2', 'already'],
    [{ role1: 'Bug Triage' }, 'role1', 'does not exist'],
    [{ github: '-bad-' }, 'github', 'not a GitHub handle'],
    [{ github: 'a'.repeat(40) }, 'github', 'not a GitHub handle'],
    [{ tz: 'EST' }, 'tz', 'IANA'],
    [{ hours: '2.5' }, 'hours', 'whole number'],
    [{ hours: '61' }, 'hours', 'between'],
    [{ served: 'yes', served_role: undefined }, 'served_role', 'Which role'],
    [{ served: 'no', served_role: 'Docs' }, 'served_role', 'clear this field'],
    [{ why: 'x'.repeat(3001) }, 'why', 'under 3000'],
  ])('%j -> %s error', (patch, field, msg) => {
    const r = validateApplication(state({ ...good, ...patch }), roles);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[field]).toContain(msg);
  });
});

let nextId = 1;
function app(user: string, choices: string[], tz = 'UTC', extra: Partial<Application> = {}): Application {
  const id = nextId++;
  return {
    id,
    cycleId: 1,
    user,
    github: user.toLowerCase(),
    timeZone: tz,
    hoursPerWeek: 5,
    servedBefore: false,
    why: 'why',
    choices,
    createdAt: `2026-12-01T00:00:${String(id).padStart(2, '0')}Z`,
    updatedAt: '',
    ...extra,
  };
}
const d = (a: Application, role: string, decision: Decision['decision']): Decision => ({
  applicationId: a.id,
  role,
  decision,
  decidedBy: 'U1',
  decidedAt: '',
});

describe('review list, balance and outcomes', () => {
  const docs = roles[2]!;
  const a = app('UA', ['Enhancements', 'Docs'], 'America/New_York');
  const b = app('UB', ['Docs'], 'Europe/Berlin');
  const c = app('UC', ['Docs', 'Enhancements'], 'Asia/Kolkata');
  const e = app('UE', ['Enhancements', 'Docs'], 'Asia/Tokyo');
  const w = app('UW', ['Docs'], 'UTC', { withdrawnAt: 'x' });
  const past = new Map([['uc', [{ version: '1.37', role: 'Docs', position: 'shadow' as const }]]]);

  it('orders first choice first, takes out people accepted elsewhere and withdrawn ones', () => {
    const list = reviewList(docs, [a, b, c, e, w], [d(e, 'Enhancements', 'accepted')], past);
    expect(list.entries.map((x) => [x.app.user, x.choice])).toEqual([
      ['UB', 1],
      ['UC', 1],
      ['UA', 2],
    ]);
    expect(list.acceptedElsewhere.map((x) => [x.app.user, x.role])).toEqual([['UE', 'Enhancements']]);
    expect(list.entries[1]!.returning).toHaveLength(1);
    expect(balanceLine(list, now)).toBe(
      '3 applicants (2 first choice, 1 second) · 2 new, 1 returning · time zones UTC−5 to UTC+5:30: Americas 1, EMEA 1, APAC 1',
    );
  });
  it('puts accepted and waitlisted on top, declined last', () => {
    const list = reviewList(
      docs,
      [a, b, c],
      [d(c, 'Docs', 'declined'), d(a, 'Docs', 'accepted'), d(b, 'Docs', 'waitlisted')],
      past,
    );
    expect(list.entries.map((x) => x.app.user)).toEqual(['UA', 'UB', 'UC']);
    expect(list.accepted).toBe(1);
  });
  it('outcome: a seat wins, else the waitlists in preference order, else not selected', () => {
    expect(outcomeFor(a, [d(a, 'Docs', 'accepted'), d(a, 'Enhancements', 'declined')])).toEqual({
      kind: 'accepted',
      role: 'Docs',
    });
    expect(outcomeFor(a, [d(a, 'Docs', 'waitlisted'), d(a, 'Enhancements', 'waitlisted')])).toEqual({
      kind: 'waitlisted',
      roles: ['Enhancements', 'Docs'],
    });
    expect(outcomeFor(a, [d(a, 'Docs', 'declined')])).toEqual({ kind: 'not_selected', crowded: [] });
    expect(outcomeFor(a, [])).toEqual({ kind: 'not_selected', crowded: [] });
    // Only the roles that really had more applicants than seats are named.
    const demand = new Map([
      ['Docs', { role: 'Docs', applicants: 5, seats: 2 }],
      ['Enhancements', { role: 'Enhancements', applicants: 1, seats: 4 }],
    ]);
    expect(outcomeFor(a, [d(a, 'Docs', 'declined')], demand)).toEqual({
      kind: 'not_selected',
      crowded: [{ role: 'Docs', applicants: 5, seats: 2 }],
    });
  });
});
