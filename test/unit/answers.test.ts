import { ManualClock } from '../../src/clock';
import { openDb } from '../../src/db';
import { dataVersion } from '../../src/db/versions';
import { AnswerCache, type Stamp, stampFrom } from '../../src/slack/answers';
import type { Reply } from '../../src/slack/command';

const reply = (text: string): Reply => ({ text });

describe('AnswerCache', () => {
  // The stamp the cache compares with: set by each test (the real one reads the clock and SQLite).
  let now: Stamp = { minute: 100, version: 7 };
  const stampOf = () => now;

  it('answers only for the same minute and data version', () => {
    const c = new AnswerCache(stampOf);
    now = { minute: 100, version: 7 };
    c.set('k', { minute: 100, version: 7 }, reply('a'));
    expect(c.get('k', 'schedule')?.text).toBe('a');
    now = { minute: 101, version: 7 };
    expect(c.get('k', 'schedule')).toBeUndefined();
    now = { minute: 100, version: 8 };
    expect(c.get('k', 'schedule')).toBeUndefined();
    now = { minute: 100, version: 7 };
    expect(c.get('other', 'schedule')).toBeUndefined();
    c.set('k', { minute: 101, version: 8 }, reply('b'));
    now = { minute: 101, version: 8 };
    expect(c.get('k', 'schedule')?.text).toBe('b');
    now = { minute: 100, version: 7 };
    expect(c.get('k', 'schedule')).toBeUndefined();
  });

  it('is bounded: entries of past minutes go first, then the oldest', () => {
    const c = new AnswerCache(stampOf, 3);
    c.set('old', { minute: 1, version: 0 }, reply('old'));
    now = { minute: 2, version: 0 };
    c.set('a', now, reply('a'));
    c.set('b', now, reply('b'));
    c.set('c', now, reply('c')); // full: the past minute's entry goes
    now = { minute: 1, version: 0 };
    expect(c.get('old', 'schedule')).toBeUndefined();
    expect(c.size).toBe(3);
    now = { minute: 2, version: 0 };
    c.set('d', now, reply('d')); // full, all current: the oldest goes
    expect(c.get('a', 'schedule')).toBeUndefined();
    expect(['b', 'c', 'd'].map((k) => c.get(k, 'schedule')?.text)).toEqual(['b', 'c', 'd']);
  });

  it('stamps from the clock minute and the data version', () => {
    const db = openDb(':memory:');
    const clock = new ManualClock('2026-07-01T09:00:00Z');
    const stamp = stampFrom(db, clock);
    const first = stamp('schedule');
    clock.set('2026-07-01T09:00:59.999Z');
    expect(stamp('schedule')).toEqual(first);
    clock.set('2026-07-01T09:01:00Z');
    expect(stamp('schedule').minute).toBe(first.minute + 1);
    db.close();
  });
});

describe('data versions (migration 006 triggers)', () => {
  it('every insert, update and delete of the counted tables bumps their version, and nothing else does', () => {
    const db = openDb(':memory:');
    const v = () => [dataVersion(db, 'schedule'), dataVersion(db, 'cherrypicks')];
    expect(v()).toEqual([0, 0]);
    db.prepare("INSERT INTO schedule_sources (key, kind, label) VALUES ('a', 'cycle', 'A')").run();
    db.prepare("UPDATE schedule_sources SET checked_at = 'now' WHERE key = 'a'").run();
    expect(v()).toEqual([2, 0]);
    db.prepare(
      `INSERT INTO cherrypicks (repo, number, snapshot, base, pr_state, pr_created_at, pr_updated_at, first_seen_at, refreshed_at)
       VALUES ('k/k', 1, '{}', 'release-1.36', 'open', 't', 't', 't', 't')`,
    ).run();
    db.prepare("UPDATE cherrypicks SET state = 'approved' WHERE number = 1").run();
    db.prepare('DELETE FROM cherrypicks WHERE number = 1').run();
    db.prepare("DELETE FROM schedule_sources WHERE key = 'a'").run();
    expect(v()).toEqual([3, 3]);
    db.prepare(
      "INSERT INTO schedule_moves (milestone_id, from_timing, to_timing, at) VALUES ('m', 'a', 'b', 't')",
    ).run();
    db.prepare("UPDATE cherrypicks SET state = 'approved' WHERE number = 999").run(); // no row: no write
    expect(v()).toEqual([3, 3]);
    db.close();
  });
});
