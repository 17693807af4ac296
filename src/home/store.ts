import type { Db } from '../db';

/** Who opened the Home tab and what relbot last published there (migration 008, `home_views`). */

export interface HomeRow {
  user: string;
  openedAt: string;
  tz?: string;
  publishedAt?: string;
  hash?: string;
  notice?: string;
  noticeAt?: string;
}

interface Raw {
  user: string;
  opened_at: string;
  tz: string | null;
  published_at: string | null;
  hash: string | null;
  notice: string | null;
  notice_at: string | null;
}

const fromRaw = (r: Raw): HomeRow => ({
  user: r.user,
  openedAt: r.opened_at,
  ...(r.tz ? { tz: r.tz } : {}),
  ...(r.published_at ? { publishedAt: r.published_at } : {}),
  ...(r.hash ? { hash: r.hash } : {}),
  ...(r.notice ? { notice: r.notice } : {}),
  ...(r.notice_at ? { noticeAt: r.notice_at } : {}),
});

export function homeRow(db: Db, user: string): HomeRow | undefined {
  const r = db.prepare('SELECT * FROM home_views WHERE user = ?').get(user) as Raw | undefined;
  return r ? fromRaw(r) : undefined;
}

export function recordOpen(db: Db, user: string, tz: string, now: string): void {
  db.prepare(
    `INSERT INTO home_views (user, opened_at, tz) VALUES (?, ?, ?)
     ON CONFLICT (user) DO UPDATE SET opened_at = excluded.opened_at, tz = excluded.tz`,
  ).run(user, now, tz);
}

export function recordPublish(db: Db, user: string, hash: string, now: string): void {
  db.prepare('UPDATE home_views SET hash = ?, published_at = ? WHERE user = ?').run(hash, now, user);
}

export function setNotice(db: Db, user: string, notice: string, now: string): void {
  db.prepare('UPDATE home_views SET notice = ?, notice_at = ? WHERE user = ?').run(notice, now, user);
}

/** People who opened Home since `since`, most recent first, at most `max`. */
export function recentOpeners(db: Db, since: string, max: number): HomeRow[] {
  return (
    db
      .prepare('SELECT * FROM home_views WHERE opened_at >= ? ORDER BY opened_at DESC LIMIT ?')
      .all(since, max) as Raw[]
  ).map(fromRaw);
}
