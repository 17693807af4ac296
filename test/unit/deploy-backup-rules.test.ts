import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import {
  backupDir,
  backupDue,
  backupFileName,
  backupNames,
  backupsToPrune,
  backupTime,
  lastScheduled,
} from '../../src/backup/backup';
import { ConfigError, parseConfig } from '../../src/config';
import { seedConfig } from '../../src/sandbox/seed';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

describe('backup rules', () => {
  it('names a backup from the clock in UTC, to the second, and reads the name back', () => {
    const t = DateTime.fromISO('2026-07-01T05:30:07.900+02:00', { setZone: true });
    expect(backupFileName(t)).toBe('relbot-20260701T033007Z.db');
    expect(backupTime('relbot-20260701T033007Z.db')?.toISO()).toBe('2026-07-01T03:30:07.000Z');
    for (const other of [
      'relbot.db',
      'relbot-20260701T033007Z.db.partial',
      'relbot-20261301T033007Z.db', // month 13
      'relbot-20260701T033007.db',
      'notes.txt',
    ])
      expect(backupTime(other)).toBeUndefined();
  });

  it('keeps the newest N backups and never touches other files', () => {
    const names = [
      'relbot-20260703T033000Z.db',
      'README.txt',
      'relbot-20260701T033000Z.db',
      'relbot-20260702T033000Z.db',
      'relbot.db',
      'relbot-20260704T033000Z.db.partial',
    ];
    expect(backupNames(names)).toEqual([
      'relbot-20260701T033000Z.db',
      'relbot-20260702T033000Z.db',
      'relbot-20260703T033000Z.db',
    ]);
    expect(backupsToPrune(names, 2)).toEqual(['relbot-20260701T033000Z.db']);
    expect(backupsToPrune(names, 3)).toEqual([]);
    expect(backupsToPrune(names, 10)).toEqual([]);
  });

  it('is due when no backup exists since the last scheduled time, and only then', () => {
    const cron = '30 3 * * *';
    expect(lastScheduled(cron, utc('2026-07-01T03:30:00Z')).toISO()).toBe('2026-07-01T03:30:00.000Z');
    expect(lastScheduled(cron, utc('2026-07-01T03:29:59Z')).toISO()).toBe('2026-06-30T03:30:00.000Z');
    // Nothing yet: due.
    expect(backupDue([], cron, utc('2026-07-01T03:30:00Z')).due).toBe(true);
    // Taken at the wake-up: a second run that day is not due.
    const taken = ['relbot-20260701T033000Z.db'];
    expect(backupDue(taken, cron, utc('2026-07-01T03:30:00Z')).due).toBe(false);
    expect(backupDue(taken, cron, utc('2026-07-02T03:29:59Z')).due).toBe(false);
    // The next day's time: due again.
    expect(backupDue(taken, cron, utc('2026-07-02T03:30:00Z')).due).toBe(true);
    // relbot was down for three nights: one backup at the next wake-up makes up for them.
    expect(backupDue(taken, cron, utc('2026-07-04T11:00:00Z'))).toEqual({
      due: true,
      since: utc('2026-07-04T03:30:00Z'),
    });
    // Other files do not count as backups.
    expect(backupDue(['relbot-20260704T033000Z.db.partial'], cron, utc('2026-07-04T04:00:00Z')).due).toBe(
      true,
    );
  });

  it('puts backups next to the database unless backup.dir says otherwise', () => {
    expect(backupDir({}, '/data/relbot.db')).toBe('/data/backups');
    expect(backupDir({ dir: 'snapshots' }, '/data/relbot.db')).toBe('/data/snapshots');
    expect(backupDir({ dir: '/backup/relbot' }, '/data/relbot.db')).toBe('/backup/relbot');
  });
});

describe('backup: in relbot.yaml', () => {
  const parse = (backup: unknown) => parseConfig(stringify({ ...seedConfig(), backup }), 'relbot.yaml');

  it('defaults to a daily 03:30 UTC backup keeping 7, next to the database', () => {
    const config = parseConfig(stringify(seedConfig()));
    expect(config.backup).toEqual({ enabled: true, cron: '30 3 * * *', keep: 7 });
    expect(parse({ keep: 30, dir: '/backup' }).backup).toEqual({
      enabled: true,
      cron: '30 3 * * *',
      keep: 30,
      dir: '/backup',
    });
  });

  it.each([
    ['a bad cron expression', { cron: 'daily' }, /backup\.cron: a 5-field cron expression/],
    ['a 6-field cron expression', { cron: '0 30 3 * * *' }, /backup\.cron/],
    ['keep 0', { keep: 0 }, /backup\.keep/],
    ['a fractional keep', { keep: 1.5 }, /backup\.keep/],
    ['an empty dir', { dir: '' }, /backup\.dir/],
    ['a misspelt key', { kep: 3 }, /kep|Unrecognized key/],
  ])('names the key for %s', (_what, backup, pattern) => {
    expect(() => parse(backup)).toThrow(ConfigError);
    expect(() => parse(backup)).toThrow(pattern);
  });
});
