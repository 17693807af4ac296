import type { Db } from '../db';
import type { Subscription } from './personal';

/** Reads and writes of personal reminders (migration 008): the subscriptions and their DM ledger. */

interface SubRow {
  id: number;
  user: string;
  target: string;
  lead: string;
  lead_minutes: number;
  created_at: string;
}

const fromRow = (r: SubRow): Subscription => ({
  id: r.id,
  user: r.user,
  target: r.target,
  lead: r.lead,
  leadMinutes: r.lead_minutes,
  createdAt: r.created_at,
});

/** One person's subscriptions (oldest first), or everyone's. */
export function subscriptions(db: Db, user?: string): Subscription[] {
  const rows = (
    user
      ? db.prepare('SELECT * FROM personal_reminders WHERE user = ? ORDER BY id').all(user)
      : db.prepare('SELECT * FROM personal_reminders ORDER BY id').all()
  ) as SubRow[];
  return rows.map(fromRow);
}

export function subscription(db: Db, id: number): Subscription | undefined {
  const row = db.prepare('SELECT * FROM personal_reminders WHERE id = ?').get(id) as SubRow | undefined;
  return row ? fromRow(row) : undefined;
}

export type AddResult =
  | { status: 'added'; subscription: Subscription }
  | { status: 'exists'; subscription: Subscription }
  | { status: 'full'; count: number };

/** Adds a subscription unless the person has it already or holds `max` (one transaction). */
export function addSubscription(
  db: Db,
  s: { user: string; target: string; lead: string; leadMinutes: number; now: string },
  max: number,
): AddResult {
  return db.transaction((): AddResult => {
    const existing = db
      .prepare('SELECT * FROM personal_reminders WHERE user = ? AND target = ? AND lead_minutes = ?')
      .get(s.user, s.target, s.leadMinutes) as SubRow | undefined;
    if (existing) return { status: 'exists', subscription: fromRow(existing) };
    const count = (
      db.prepare('SELECT COUNT(*) AS n FROM personal_reminders WHERE user = ?').get(s.user) as { n: number }
    ).n;
    if (count >= max) return { status: 'full', count };
    const id = Number(
      db
        .prepare(
          'INSERT INTO personal_reminders (user, target, lead, lead_minutes, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(s.user, s.target, s.lead, s.leadMinutes, s.now).lastInsertRowid,
    );
    return { status: 'added', subscription: subscription(db, id)! };
  })();
}

/** Removes the given subscriptions of `user` (never another person's); returns what was removed. */
export function removeSubscriptions(db: Db, user: string, ids: number[]): Subscription[] {
  return db.transaction(() => {
    const removed: Subscription[] = [];
    for (const id of ids) {
      const s = subscription(db, id);
      if (!s || s.user !== user) continue;
      db.prepare('DELETE FROM personal_reminders WHERE id = ?').run(id);
      removed.push(s);
    }
    return removed;
  })();
}

// ------------------------------------------------------------------ the DM ledger

export interface SendRow {
  key: string;
  subscription_id: number;
  user: string;
  milestone_id: string;
  lead: string;
  due_at: string;
  milestone_at: string;
  state: 'posting' | 'posted' | 'skipped';
  late: number;
  reason: string | null;
  text: string | null;
  ts: string | null;
}

/** Every decided key, and the rows left at 'posting' (a crash or a Slack error between intent and record). */
export function sendLedger(db: Db): { keys: Set<string>; posting: SendRow[] } {
  const keys = new Set(
    (db.prepare('SELECT key FROM personal_reminder_sends').all() as { key: string }[]).map((r) => r.key),
  );
  const posting = db
    .prepare("SELECT * FROM personal_reminder_sends WHERE state = 'posting' ORDER BY due_at")
    .all() as SendRow[];
  return { keys, posting };
}

export function insertSend(db: Db, row: Omit<SendRow, 'ts'> & { decided_at: string }): void {
  db.prepare(
    `INSERT INTO personal_reminder_sends (key, subscription_id, user, milestone_id, lead, due_at, milestone_at, state, late, reason, text, decided_at)
     VALUES (@key, @subscription_id, @user, @milestone_id, @lead, @due_at, @milestone_at, @state, @late, @reason, @text, @decided_at)`,
  ).run(row);
}

export function markSent(db: Db, key: string, ts: string, now: string): void {
  db.prepare("UPDATE personal_reminder_sends SET state = 'posted', ts = ?, posted_at = ? WHERE key = ?").run(
    ts,
    now,
    key,
  );
}

/** A DM left at 'posting' whose subscription was removed meanwhile: it is not sent. */
export function markDropped(db: Db, key: string): void {
  db.prepare(
    "UPDATE personal_reminder_sends SET state = 'skipped', reason = 'unsubscribed before it was sent' WHERE key = ? AND state = 'posting'",
  ).run(key);
}

/** A DM Slack refuses for good (the person left, cannot be messaged): recorded, never retried. */
export function markRefused(db: Db, key: string, reason: string): void {
  db.prepare(
    "UPDATE personal_reminder_sends SET state = 'skipped', reason = ? WHERE key = ? AND state = 'posting'",
  ).run(reason, key);
}
