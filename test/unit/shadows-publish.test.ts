import type { RoleConfig } from '../../src/shadows/config';
import { closestFirst, likelyMeant } from '../../src/shadows/match';
import { publishCheck } from '../../src/shadows/publish-rules';
import type { Application, Decision } from '../../src/shadows/rules';

const roles: RoleConfig[] = ['Release Team Lead', 'Enhancements', 'Docs'].map((name) => ({
  name,
  leads: [],
  capacity: 2,
}));

function app(id: number, choices: string[], extra: Partial<Application> = {}): Application {
  return {
    id,
    cycleId: 1,
    user: `U${id}`,
    github: `gh${id}`,
    timeZone: 'UTC',
    hoursPerWeek: 5,
    servedBefore: false,
    why: 'x',
    choices,
    createdAt: `2026-12-01T09:00:0${id}Z`,
    updatedAt: '2026-12-01T09:00:00Z',
    ...extra,
  };
}
const d = (a: Application, role: string, decision: Decision['decision']): Decision => ({
  applicationId: a.id,
  role,
  decision,
  decidedBy: 'ULEAD',
  decidedAt: '2026-12-02T09:00:00Z',
});

describe('closest match', () => {
  it('orders known names closest first and guesses only a likely typo', () => {
    const names = roles.map((r) => r.name);
    expect(closestFirst(names, 'Dcos')[0]).toBe('Docs');
    expect(closestFirst(names, 'enh')[0]).toBe('Enhancements');
    expect(closestFirst(names, 'release team')[0]).toBe('Release Team Lead');
    expect(likelyMeant(names, 'Dcos')).toBe('Docs');
    expect(likelyMeant(names, 'Enhancments')).toBe('Enhancements');
    expect(likelyMeant(names, 'Xyzzy')).toBeUndefined();
  });
});

describe('before publishing', () => {
  it('an applicant is decided by a seat, or by a decision on every role they chose; each undecided person is listed once', () => {
    const seated = app(1, ['Docs', 'Enhancements']);
    const both = app(2, ['Docs', 'Enhancements']);
    const half = app(3, ['Enhancements', 'Docs']);
    const done = app(4, ['Docs']);
    const gone = app(5, ['Docs'], { withdrawnAt: '2026-12-01T10:00:00Z' });
    const c = publishCheck(
      roles,
      [seated, both, half, done, gone],
      [d(seated, 'Docs', 'accepted'), d(half, 'Enhancements', 'waitlisted'), d(done, 'Docs', 'declined')],
    );
    expect(c.people).toBe(2);
    expect(c.pairs).toEqual([
      { applicationId: 2, user: 'U2', role: 'Docs' },
      { applicationId: 2, user: 'U2', role: 'Enhancements' },
      { applicationId: 3, user: 'U3', role: 'Docs' },
    ]);
    const docs = c.roles.find((r) => r.role === 'Docs')!;
    expect(docs.listed.map((x) => [x.app.user, x.alsoUndecided])).toEqual([
      ['U2', ['Enhancements']],
      ['U3', []],
    ]);
    expect(docs).toMatchObject({ accepted: 1, capacity: 2, applicants: 4, listedElsewhere: 0 });
    const enh = c.roles.find((r) => r.role === 'Enhancements')!;
    expect(enh.listed).toEqual([]);
    expect(enh.listedElsewhere).toBe(1);
    // The fingerprint follows the undecided list.
    const after = publishCheck(roles, [seated, both, half, done], [d(both, 'Docs', 'declined')]);
    expect(after.fingerprint).not.toBe(c.fingerprint);
    expect(
      publishCheck(
        roles,
        [seated, both, half, done, gone],
        [d(seated, 'Docs', 'accepted'), d(half, 'Enhancements', 'waitlisted'), d(done, 'Docs', 'declined')],
      ).fingerprint,
    ).toBe(c.fingerprint);
  });
});
