import { parse, parseDocument } from 'yaml';
import { fixture } from '../../src/fixtures';
import { parseRoster } from '../../src/shadows/roster';
import { unifiedDiff } from '../../src/shadows/write-back-diff';
import { rosterFile, usergroupEdit, WriteBackFileError } from '../../src/shadows/write-back-files';

/** The edits behind the roster and user-group pull requests, on the real files. */

const groups = fixture('slack-config-sig-release-usergroups.yaml');
const users = fixture('slack-config-users.yaml');

describe('release-team.md edits', () => {
  it.each(['1.35', '1.36', '1.37'])('v%s: the same team leaves the real file byte for byte', (v) => {
    const f = fixture(`release-team-${v}.md`);
    expect(rosterFile(f, parseRoster(f))).toBe(f);
  });

  it('a changed cell is rendered at the width it had; every other byte stays', () => {
    const f = fixture('release-team-1.37.md');
    const r = parseRoster(f);
    r.roles[5]!.shadows.push({ name: 'Ana Lopez', github: 'ana-lopez', slack: 'Ana' });
    const out = rosterFile(f, r);
    const [a, b] = [f.split('\n'), out.split('\n')];
    expect(b.filter((l, i) => l !== a[i])).toHaveLength(1);
    expect(b[9]).toContain(
      'Ryota Sawada ([@rytswd](https://github.com/rytswd) / Slack: `@Ryota`), Ana Lopez',
    );
    expect(parseRoster(out).roles[5]!.shadows.map((p) => p.github)).toEqual([
      'jenshu',
      'rytswd',
      'ana-lopez',
    ]);
  });

  it('a new cycle is rendered in the v1.37 layout', () => {
    const r = { ...parseRoster(fixture('release-team-1.37.md')), version: '1.38' };
    const out = rosterFile(undefined, r);
    expect(out.startsWith('# Kubernetes v1.38 Release Team\n\n| **Team/Role**')).toBe(true);
    expect(
      out.endsWith('It will be updated to include v1.38, once the v1.38 release cycle concludes.\n'),
    ).toBe(true);
  });
});

describe('usergroups.yaml and users.yaml edits', () => {
  it('the yaml Document API does not round-trip usergroups.yaml (so the edit is textual)', () => {
    expect(parseDocument(groups).toString()).not.toBe(groups);
  });

  it('only the group member lines change; kept members stay; a missing person is added to users.yaml', () => {
    const e = usergroupEdit(
      groups,
      users,
      'release-team-leads',
      [
        { github: 'dipesh-rawat', slackId: 'U02GLF28LNM', comment: 'v1.38 RT Lead' },
        { github: 'new-shadow', slackId: 'U0NEW0001', comment: 'v1.38 RT Lead Shadow' },
        { github: 'nobody', comment: 'v1.38 RT Lead Shadow' },
      ],
      '1.38',
    );
    const changed = unifiedDiff(groups, e.usergroups, 'g', 0)
      .split('\n')
      .filter((l) => /^[-+]\s/.test(l));
    expect(changed.every((l) => /^[-+] {6}- |^[-+] {2}# Current release cycle/.test(l))).toBe(true);
    const group = (parse(e.usergroups).usergroups as Array<{ name: string; members: string[] }>).find(
      (g) => g.name === 'release-team-leads',
    )!;
    expect(group.members).toEqual(['dipesh-rawat', 'fsmunoz', 'katcosgrove', 'new-shadow']);
    expect(e.addedUsers).toEqual([['new-shadow', 'U0NEW0001']]);
    expect(e.missing).toEqual(['nobody']);
    expect(parse(e.users).users['new-shadow']).toBe('U0NEW0001');
    expect(
      unifiedDiff(users, e.users, 'u', 0)
        .split('\n')
        .filter((l) => /^[-+]\s/.test(l)),
    ).toEqual(['+  new-shadow: U0NEW0001']);
    // Other groups are untouched.
    const others = (g: string) => g.slice(g.indexOf('  - name: sig-release-leads'));
    expect(others(e.usergroups)).toBe(others(groups));
  });

  it('members are found by Slack ID first (users.yaml names are not always logins)', () => {
    const e = usergroupEdit(groups, users, 'release-team-leads', [
      { github: 'someone-else', slackId: 'U01DZM7PJDT', comment: 'v1.38 Docs Lead' },
    ]);
    expect(e.members).toContain('Bart Farrell');
    expect(e.addedUsers).toEqual([]);
  });

  it('an unknown group is an error, not a new block', () => {
    expect(() => usergroupEdit(groups, users, 'release-team', [])).toThrow(WriteBackFileError);
  });
});
