import { openDb } from '../../src/db';
import { dataVersion } from '../../src/db/versions';
import { AnswerCache } from '../../src/slack/answers';
import type { Reply } from '../../src/slack/command';

const reply = (text: string): Reply => ({ text });

describe('AnswerCache', () => {
  it('answers only for the same minute and data version', () => {
    const c = new AnswerCache();
    c.set('k', 100, 7, reply('a'));
    expect(c.get('k', 100, 7)?.text).toBe('a');
    expect(c.get('k', 101, 7)).toBeUndefined();
    expect(c.get('k', 100, 8)).toBeUndefined();
    expect(c.get('other', 100, 7)).toBeUndefined();
    c.set('k', 101, 8, reply('b'));
    expect(c.get('k', 101, 8)?.text).toBe('b');
    expect(c.get('k', 100, 7)).toBeUndefined();
  });

  it('is bounded: entries of past minutes go first, then the oldest', () => {
    const c = new AnswerCache(3);
    c.set('old', 1, 0, reply('old'));
    c.set('a', 2, 0, reply('a'));
    c.set('b', 2, 0, reply('b'));
    c.set('c', 2, 0, reply('c')); // full: the past minute's entry goes
    expect(c.get('old', 1, 0)).toBeUndefined();
    expect(c.size).toBe(3);
    c.set('d', 2, 0, reply('d')); // full, all current: the oldest goes
    expect(c.get('a', 2, 0)).toBeUndefined();
    expect(['b', 'c', 'd'].map((k) => c.get(k, 2, 0)?.text)).toEqual(['b', 'c', 'd']);
    expect(AnswerCache.minuteOf(Date.UTC(2026, 6, 1, 9, 0, 59_999 / 1000))).toBe(
      AnswerCache.minuteOf(Date.UTC(2026, 6, 1, 9, 0, 0)),
    );
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
