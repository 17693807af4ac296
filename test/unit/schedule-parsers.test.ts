import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../src/config';
import { fixture } from '../../src/fixtures';
import { seedConfig } from '../../src/sandbox/seed';
import { cutoffInstant, parseIsoDate, parseWhen } from '../../src/schedule/dates';
import type { Milestone } from '../../src/schedule/model';
import { parseEol, parsePatchSchedule, patchMilestones } from '../../src/schedule/patches';
import { CycleParseError, parseCycleReadme } from '../../src/schedule/readme';

const AOE = { zone: 'AoE', time: '24:00' };

function byName(ms: Milestone[], name: string): Milestone {
  const m = ms.find((x) => x.name === name);
  if (!m) throw new Error(`no milestone ${name}: ${ms.map((x) => x.name).join(' | ')}`);
  return m;
}

describe('cycle README parser (marked lexer) on the real pages', () => {
  test('v1.37: every row, AoE rows as exact instants, dates, spans, names, Who, Week, hard freezes', () => {
    const doc = parseCycleReadme(fixture('release-1.37-README.md'));
    expect(doc.version).toBe('1.37');
    expect(doc.problems).toEqual([]);
    expect(doc.warnings).toEqual([]);
    expect(doc.milestones).toHaveLength(38);
    const instants = doc.milestones
      .filter((m) => m.timing.type === 'instant')
      .map((m) => [m.name, (m.timing as { at: string }).at]);
    expect(instants).toEqual([
      ['Begin Production Readiness Freeze', '2026-06-10T12:00:00Z'],
      ['Begin Enhancements Freeze', '2026-06-17T12:00:00Z'],
      ['Docs deadline — Open placeholder PRs', '2026-07-03T12:00:00Z'],
      ['Begin Feature blog freeze - Open placeholder PRs', '2026-07-10T12:00:00Z'],
      ['Begin Code Freeze and Test Freeze', '2026-07-23T12:00:00Z'],
      ['Docs Freeze', '2026-08-06T12:00:00Z'],
      ['Release blog ready to review', '2026-08-14T12:00:00Z'],
    ]);
    expect(byName(doc.milestones, 'Start of Release Cycle')).toMatchObject({
      id: 'v1.37/start-of-release-cycle',
      who: 'Lead',
      week: 1,
      timing: { type: 'day', date: '2026-05-18' },
      bold: false,
      kinds: [],
    });
    expect(byName(doc.milestones, 'KubeCon India')).toMatchObject({
      timing: { type: 'span', start: '2026-06-18', end: '2026-06-19' },
      bold: true,
      kinds: [],
      week: 5,
    });
    expect(byName(doc.milestones, 'KubeCon India').who).toBeUndefined();
    expect(byName(doc.milestones, 'KubeCon Japan').timing).toEqual({
      type: 'span',
      start: '2026-07-28',
      end: '2026-07-30',
    });
    // markdown stripped: bold, [Code Freeze] reference links, [Exceptions]
    expect(byName(doc.milestones, 'Begin Code Freeze and Test Freeze')).toMatchObject({
      who: 'Branch Manager',
      week: 10,
      bold: true,
      kinds: ['hardFreeze'],
    });
    expect(byName(doc.milestones, 'Call for Code Freeze Exceptions').bold).toBe(false);
    expect(byName(doc.milestones, 'Thaw').timing).toEqual({ type: 'day', date: '2026-08-26' });
    expect(byName(doc.milestones, 'v1.37.0 released')).toMatchObject({ kinds: ['releaseDay'], bold: true });
    expect(byName(doc.milestones, 'Brace Yourself, Code Freeze is Coming').who).toBe(
      'Comms / Release Signal',
    );
    expect(doc.milestones.filter((m) => m.kinds.includes('hardFreeze')).map((m) => m.name)).toEqual([
      'Begin Production Readiness Freeze',
      'Begin Enhancements Freeze',
      'Begin Code Freeze and Test Freeze',
      'Docs Freeze',
    ]);
    expect(doc.milestones.every((m) => !/[*[\]]/.test(m.name))).toBe(true);
    expect(new Set(doc.milestones.map((m) => m.id)).size).toBe(38);
  });

  test('v1.36: every row; AoE instants across the DST change; KubeCon EU span', () => {
    const doc = parseCycleReadme(fixture('release-1.36-README.md'));
    expect(doc.version).toBe('1.36');
    expect(doc.problems).toEqual([]);
    expect(doc.milestones).toHaveLength(37);
    expect(
      doc.milestones.filter((m) => m.timing.type === 'instant').map((m) => (m.timing as { at: string }).at),
    ).toEqual([
      '2026-02-05T12:00:00Z',
      '2026-02-12T12:00:00Z',
      '2026-02-27T12:00:00Z',
      '2026-03-06T12:00:00Z',
      '2026-03-19T12:00:00Z',
      '2026-04-09T12:00:00Z',
      '2026-04-10T12:00:00Z',
    ]);
    expect(byName(doc.milestones, 'KubeCon EU').timing).toEqual({
      type: 'span',
      start: '2026-03-23',
      end: '2026-03-26',
    });
    expect(byName(doc.milestones, 'v1.36.0-rc.1 released').timing).toEqual({
      type: 'day',
      date: '2026-04-14',
    });
  });

  test('v1.34: the UTC part of "[02:00 UTC ... / 19:00 PDT ...](link)" is authoritative', () => {
    const doc = parseCycleReadme(fixture('release-1.34-README.md'));
    expect(doc.version).toBe('1.34');
    expect(doc.problems).toEqual([]);
    expect(doc.milestones).toHaveLength(36);
    expect(
      doc.milestones
        .filter((m) => m.timing.type === 'instant')
        .map((m) => [m.name, (m.timing as { at: string }).at]),
    ).toEqual([
      // "21:00 UTC Friday 20th June 2025 / 14:00 PST Friday 20th June 2025": PST is wrong in June; UTC wins
      ['Begin Enhancements Freeze', '2025-06-20T21:00:00Z'],
      ['Begin Feature blog freeze - Open placeholder PRs', '2025-07-11T02:00:00Z'],
      ['Begin Code Freeze and Test Freeze', '2025-07-25T02:00:00Z'],
      ['Release blog ready to review', '2025-08-15T02:00:00Z'],
    ]);
    // date-only rows, including a Saturday cut and an undefined reference link
    expect(byName(doc.milestones, 'Begin Production Readiness Freeze')).toMatchObject({
      timing: { type: 'day', date: '2025-06-12' },
      kinds: ['hardFreeze'],
    });
    expect(byName(doc.milestones, 'Docs Freeze').timing).toEqual({ type: 'day', date: '2025-08-06' });
    expect(
      byName(doc.milestones, 'v1.34.0-rc.1 released (additional release cut for critical bug fix)').timing,
    ).toEqual({ type: 'day', date: '2025-08-09' });
    expect(byName(doc.milestones, 'Call for Exceptions').timing).toEqual({ type: 'day', date: '2025-07-07' });
    expect(byName(doc.milestones, 'v1.34.0 released').timing).toEqual({ type: 'day', date: '2025-08-27' });
    expect(
      doc.milestones.some(
        (m) =>
          m.name === 'Release Notes complete — reviewed & merged to https://github.com/kubernetes/kubernetes',
      ),
    ).toBe(true);
  });

  test('a row in an unknown date format is reported; the rest imports', () => {
    const page = fixture('release-1.37-README.md')
      .replace(
        '| Wednesday 24th June 2026                                              |',
        '| Sometime in late June, TBC |',
      )
      .replace('Monday 29th June 2026', 'Monday 31st June 2026');
    const doc = parseCycleReadme(page);
    expect(doc.milestones).toHaveLength(36);
    expect(doc.problems).toEqual([
      {
        row: 12,
        what: 'v1.37.0-alpha.2 released',
        when: 'Sometime in late June, TBC',
        message: 'unknown date format "Sometime in late June, TBC"',
      },
      {
        row: 13,
        what: 'Brace Yourself, Code Freeze is Coming',
        when: 'Monday 31st June 2026',
        message: 'no such date: 31 June 2026',
      },
    ]);
  });

  test('a page without a Timeline table, or without a version, is an error (nothing half-imported)', () => {
    expect(() => parseCycleReadme('# Kubernetes v1.38\n\nTBD\n')).toThrow(CycleParseError);
    expect(() => parseCycleReadme('# Kubernetes v1.38\n\n| a | b |\n|---|---|\n| 1 | 2 |\n')).toThrow(
      /no Timeline table/,
    );
    expect(() => parseCycleReadme('| What | When |\n|---|---|\n| x | Monday 18th May 2026 |\n')).toThrow(
      /which release/,
    );
    // the version may come from the path when the page has no title
    expect(
      parseCycleReadme('| What | When |\n|---|---|\n| x | Monday 18th May 2026 |\n', { version: '1.38' })
        .version,
    ).toBe('1.38');
  });

  test('huge and hostile cells do not break the parser', () => {
    const row = `| <!channel> ${'🚀'.repeat(2000)} | Lead | Monday 18th May 2026 | week 1 | |`;
    const doc = parseCycleReadme(
      `# Kubernetes v1.40\n## Timeline\n| What | Who | When | Week | Release Signal |\n|---|---|---|---|---|\n${row}\n`,
    );
    expect(doc.milestones).toHaveLength(1);
    expect(doc.milestones[0]!.id.length).toBeLessThanOrEqual(86);
  });
});

describe('parseWhen', () => {
  test.each([
    [
      'Tuesday 16th June 2026 (AoE) / Wednesday 17th June 2026, 12:00 UTC',
      { type: 'instant', at: '2026-06-17T12:00:00Z' },
    ],
    [
      '02:00 UTC Friday 25th July 2025 / 19:00 PDT Thursday 24th July 2025',
      { type: 'instant', at: '2025-07-25T02:00:00Z' },
    ],
    ['Monday 18th May 2026', { type: 'day', date: '2026-05-18' }],
    ['Thursday 18th - Friday 19th June 2026', { type: 'span', start: '2026-06-18', end: '2026-06-19' }],
    ['Monday 30th March - Friday 3rd April 2026', { type: 'span', start: '2026-03-30', end: '2026-04-03' }],
    [
      'Monday 28th December - Friday 1st January 2027',
      { type: 'span', start: '2026-12-28', end: '2027-01-01' },
    ],
    ['1st May 2026', { type: 'day', date: '2026-05-01' }],
  ])('%s', (text, timing) => {
    expect(parseWhen(text).timing).toEqual(timing);
  });

  test('a weekday that disagrees with the date is a warning, the date wins', () => {
    const r = parseWhen('Tuesday 18th May 2026');
    expect(r.timing).toEqual({ type: 'day', date: '2026-05-18' });
    expect(r.warnings[0]).toContain('a monday');
  });

  test.each(['', 'TBD', 'June 2026', '18/05/2026', '25:00 UTC Friday 25th July 2025'])(
    'rejects %p',
    (text) => {
      expect(() => parseWhen(text)).toThrow();
    },
  );
});

describe('patch schedule (schedule.yaml, eol.yaml)', () => {
  test('schedule.yaml (2026 fork copy): minors as strings, next, previous, upcoming', () => {
    const doc = parsePatchSchedule(fixture('schedule.yaml'));
    expect(doc.schedules.map((s) => s.release)).toEqual(['1.36', '1.35', '1.34', '1.33']);
    expect(doc.schedules[0]).toMatchObject({
      release: '1.36',
      releaseDate: '2026-04-22',
      maintenanceModeStartDate: '2027-04-28',
      endOfLifeDate: '2027-06-28',
      next: { release: '1.36.2', cherryPickDeadline: '2026-06-05', targetDate: '2026-06-09' },
    });
    expect(doc.schedules[1]!.previousPatches[3]!.note).toContain(
      '[address several Go CVEs](https://groups.google.com',
    );
    expect(doc.upcoming).toEqual([
      { cherryPickDeadline: '2026-06-05', targetDate: '2026-06-09' },
      { cherryPickDeadline: '2026-07-10', targetDate: '2026-07-14' },
      { cherryPickDeadline: '2026-08-07', targetDate: '2026-08-11' },
    ]);
    expect(doc.warnings).toEqual([]);
  });

  test('schedule-upstream-2024-10.yaml: N/A and missing deadlines accepted', () => {
    const doc = parsePatchSchedule(fixture('schedule-upstream-2024-10.yaml'));
    expect(doc.schedules.map((s) => s.release)).toEqual(['1.31', '1.30', '1.29', '1.28']);
    const p128 = doc.schedules[3]!.previousPatches;
    expect(p128.find((p) => p.release === '1.28.1')).toEqual({
      release: '1.28.1',
      targetDate: '2023-08-23',
      note: 'Unplanned release to include CVE fixes',
    });
    expect(p128.find((p) => p.release === '1.28.0')).toEqual({ release: '1.28.0', targetDate: '2023-08-15' });
    expect(p128.find((p) => p.release === '1.28.4')!.cherryPickDeadline).toBeUndefined();
    expect(doc.warnings).toEqual([]);
    const deadlines = patchMilestones(doc, AOE).filter((m) => m.kinds.includes('cherryPickDeadline'));
    expect(deadlines.at(-1)).toMatchObject({
      id: 'patches/cherry-pick-deadline/2024-12',
      timing: { type: 'instant', at: '2024-12-07T12:00:00Z' },
    });
  });

  test('hand-written edge cases: unquoted 1.30 stays "1.30", scalar next, Not Planned, empty deadline', () => {
    const doc = parsePatchSchedule(
      [
        'schedules:',
        '- release: 1.30',
        '  releaseDate: 2024-04-17',
        '  next:',
        '    release: Not Planned',
        '  previousPatches:',
        '  - release: 1.30.1',
        '    cherryPickDeadline: ""',
        '    targetDate: 2024-05-15',
        '- release: 1.19',
        '  next: 1.19.16',
        'upcoming_releases: []',
      ].join('\n'),
    );
    expect(doc.schedules[0]).toEqual({
      release: '1.30',
      releaseDate: '2024-04-17',
      next: {},
      previousPatches: [{ release: '1.30.1', targetDate: '2024-05-15' }],
    });
    expect(doc.schedules[1]!.next).toEqual({ release: '1.19.16' });
  });

  test('broken YAML and wrong shapes are errors, not empty schedules', () => {
    expect(() => parsePatchSchedule('schedules: [')).toThrow(/not valid YAML/);
    expect(() => parsePatchSchedule('foo: bar')).toThrow(/no `schedules:`/);
    expect(() => parsePatchSchedule('schedules:\n- release: banana')).toThrow(/not a minor version/);
    expect(() => parseEol('- a')).toThrow(/mapping/);
  });

  test('eol.yaml: releases as strings', () => {
    const eol = parseEol(fixture('eol.yaml'));
    expect(eol.branches[0]).toEqual({
      release: '1.31',
      finalPatchRelease: '1.31.14',
      endOfLifeDate: '2025-11-11',
    });
    expect(eol.branches.find((b) => b.release === '1.30')!.finalPatchRelease).toBe('1.30.14');
    expect(eol.branches.every((b) => typeof b.release === 'string' && /^\d+\.\d+$/.test(b.release))).toBe(
      true,
    );
  });

  test('patch milestones: one deadline per date with all branches, month-keyed ids, AoE cut-off', () => {
    const ms = patchMilestones(parsePatchSchedule(fixture('schedule.yaml')), AOE);
    const june = ms.find((m) => m.id === 'patches/cherry-pick-deadline/2026-06')!;
    expect(june).toMatchObject({
      name: 'Cherry-pick deadline for the June 2026 patch releases (1.36.2, 1.35.6, 1.34.9, 1.33.13)',
      timing: { type: 'instant', at: '2026-06-06T12:00:00Z' },
      releases: ['1.36.2', '1.35.6', '1.34.9', '1.33.13'],
      who: 'Release Managers',
    });
    expect(ms.find((m) => m.id === 'patches/release/2026-07')!.timing).toEqual({
      type: 'day',
      date: '2026-07-14',
    });
    // two February 2026 dates (regular + out-of-band Go CVE release) keep distinct ids
    expect(
      ms.filter((m) => m.id.startsWith('patches/cherry-pick-deadline/2026-02')).map((m) => m.id),
    ).toEqual(['patches/cherry-pick-deadline/2026-02-06', 'patches/cherry-pick-deadline/2026-02-26']);
    expect(new Set(ms.map((m) => m.id)).size).toBe(ms.length);
    expect(ms.find((m) => m.id === 'patches/1.34/end-of-life')!.timing).toEqual({
      type: 'day',
      date: '2026-10-27',
    });
  });

  test('cut-off policy', () => {
    expect(cutoffInstant('2026-06-05', AOE).toISO()).toBe('2026-06-06T12:00:00.000Z');
    expect(cutoffInstant('2026-06-05', { zone: 'UTC', time: '24:00' }).toISO()).toBe(
      '2026-06-06T00:00:00.000Z',
    );
    expect(cutoffInstant('2026-06-05', { zone: 'America/Los_Angeles', time: '17:00' }).toISO()).toBe(
      '2026-06-06T00:00:00.000Z',
    );
    expect(cutoffInstant('2026-01-09', { zone: 'America/Los_Angeles', time: '17:00' }).toISO()).toBe(
      '2026-01-10T01:00:00.000Z',
    );
    expect(parseIsoDate('N/A')).toBeUndefined();
    expect(parseIsoDate('')).toBeUndefined();
    expect(parseIsoDate('2026-02-30')).toBeUndefined();
  });
});

describe('schedule config', () => {
  const withSchedule = (schedule: unknown) => stringify({ ...seedConfig(), schedule });

  test('defaults: the real sources, AoE cut-off, default reminder rules', () => {
    const c = parseConfig(withSchedule(undefined)).schedule;
    expect(c.sources.cycles).toEqual([
      { repo: 'kubernetes/sig-release', path: 'releases/release-1.37/README.md', ref: 'master' },
    ]);
    expect(c.sources.patches).toEqual({
      repo: 'kubernetes/website',
      path: 'data/releases/schedule.yaml',
      ref: 'main',
    });
    expect(c.cherryPickCutoff).toEqual({ zone: 'AoE', time: '24:00' });
    expect(c.reminders.rules.map((r) => [r.select, r.leads])).toEqual([
      ['hardFreeze', ['7d', '1d', '1h', 'now']],
      ['releaseDay', ['7d', '1d', '1h', 'now']],
      ['cherryPickDeadline', ['7d', '1d', '1h', 'now']],
    ]);
  });

  test('relbot.example.yaml: the real Kubernetes sources', () => {
    const c = parseConfig(readFileSync(join(__dirname, '..', '..', 'relbot.example.yaml'), 'utf8')).schedule;
    expect(c.sources.cycles.map((s) => s.path)).toEqual([
      'releases/release-1.37/README.md',
      'releases/release-1.36/README.md',
    ]);
    expect(c.cherryPickCutoff).toEqual({ zone: 'AoE', time: '24:00' });
  });

  test('an invalid time zone is a start-up error naming the key and the value', () => {
    expect(() => parseConfig(withSchedule({ allDayZone: 'Mars/Olympus_Mons' }))).toThrow(ConfigError);
    expect(() => parseConfig(withSchedule({ allDayZone: 'Mars/Olympus_Mons' }))).toThrow(
      /schedule\.allDayZone: an IANA time zone.*Mars\/Olympus_Mons/,
    );
    expect(() => parseConfig(withSchedule({ cherryPickCutoff: { zone: 'Pacific/Atlantis' } }))).toThrow(
      /schedule\.cherryPickCutoff\.zone.*Pacific\/Atlantis/,
    );
  });

  test('bad lead times, selectors, user groups and unknown keys are refused', () => {
    expect(() =>
      parseConfig(withSchedule({ reminders: { rules: [{ select: 'hardFreeze', leads: ['soon'] }] } })),
    ).toThrow(/schedule\.reminders\.rules\.0\.leads\.0: a lead time/);
    expect(() => parseConfig(withSchedule({ reminders: { rules: [{ select: 'kubecon' }] } }))).toThrow(
      /schedule\.reminders\.rules\.0\.select/,
    );
    expect(() =>
      parseConfig(withSchedule({ reminders: { mentions: { 'Docs Lead': 'docs-team' } } })),
    ).toThrow(/schedule\.reminders\.mentions\.Docs Lead: a Slack user group ID/);
    expect(() => parseConfig(withSchedule({ remindres: {} }))).toThrow(/remindres/);
  });
});
