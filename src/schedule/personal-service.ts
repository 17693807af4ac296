import { DateTime } from 'luxon';
import { dataVersion } from '../db/versions';
import type { Deps } from '../deps';
import { UserError } from '../errors';
import type { Message } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { timingBounds } from './dates';
import type { Milestone } from './model';
import {
  closestTargets,
  LEAD_HINT,
  leadWords,
  MAX_SUBSCRIPTIONS,
  nextDm,
  type PlannedDm,
  parseLead,
  planPersonal,
  resolveTarget,
  type Subscription,
  type Target,
  targetKey,
  targetMatches,
} from './personal';
import {
  dmMessage,
  dmText,
  listMessage,
  removedMessage,
  type SubscriptionLine,
  subscribedMessage,
  USAGE_LINE,
} from './personal-render';
import {
  addSubscription,
  insertSend,
  markDropped,
  markRefused,
  markSent,
  removeSubscriptions,
  sendLedger,
  subscription,
  subscriptions,
} from './personal-store';
import { decideReminders } from './reminders';
import { allMilestones, loadSchedule } from './store';

/**
 * Personal reminders with I/O: `/schedule remind` (subscribe, list, off) and the job that sends
 * the DMs that are due, with the same guarantees as the channel reminders (src/schedule/jobs.ts):
 * each DM is decided once in the ledger, written as 'posting' with its text before Slack is called,
 * and sent through `outbox.postOnce` with the same key, so a crash or a restart never sends it
 * twice and never drops it; after downtime it is sent late, labelled late, while the milestone is
 * still ahead, and otherwise recorded (and logged) as missed.
 */

export const PERSONAL_JOB = 'schedule-personal-reminders' as const;

const parsed = new WeakMap<object, { version: number; milestones: Milestone[] }>();

/** The stored milestones, parsed once per write to the schedule tables. */
export function milestonesOf(deps: Deps): Milestone[] {
  const version = dataVersion(deps.db, 'schedule');
  const hit = parsed.get(deps.db);
  if (hit && hit.version === version) return hit.milestones;
  const milestones = allMilestones(loadSchedule(deps.db, deps.config), deps.config);
  parsed.set(deps.db, { version, milestones });
  return milestones;
}

const zoneOf = (deps: Deps, user: string) => deps.directory.timeZone(user, deps.config.timezone);

export function linesOf(deps: Deps, subs: Subscription[], milestones: Milestone[]): SubscriptionLine[] {
  const now = deps.clock.now();
  const zone = deps.config.schedule.allDayZone;
  return subs.map((s) => {
    const next = nextDm(s, milestones, now, zone);
    return next ? { subscription: s, next } : { subscription: s };
  });
}

function unknownTarget(word: string, closest: string[]): UserError {
  const shown = escapeMrkdwn([...word].slice(0, 40).join(''));
  return new UserError(
    `relbot knows no milestone or kind of milestone called \`${shown}\`.`,
    `Closest first: ${closest.map((c) => `\`${c}\``).join(', ')}. A kind (\`code-freeze\`, \`rc\`, \`cherry-pick-deadline\`, …) covers every such milestone; a milestone name covers that one. \`/schedule 1.XX all\` lists a cycle's milestones.`,
  );
}

/** Checks and stores a subscription; throws UserError (nothing stored) for what cannot be. */
export async function subscribe(
  deps: Deps,
  user: string,
  targetWord: string,
  leadWord: string,
): Promise<Message> {
  const milestones = milestonesOf(deps);
  const now = deps.clock.now();
  const zone = deps.config.schedule.allDayZone;
  const resolved = resolveTarget(targetWord, milestones, now, zone);
  if (!resolved.ok) throw unknownTarget(targetWord, resolved.closest);
  return subscribeTo(deps, user, resolved.target, leadWord, milestones);
}

/** Whether `target` with `leadWord` can be a subscription now; throws UserError saying why not. Stores nothing. */
export function checkSubscription(
  deps: Deps,
  target: Target,
  leadWord: string,
  milestones = milestonesOf(deps),
): { lead: string; minutes: number } {
  const lead = parseLead(leadWord);
  if (!lead.ok)
    throw new UserError(
      `${lead.reason} (You typed \`${escapeMrkdwn([...leadWord].slice(0, 20).join(''))}\`.)`,
      LEAD_HINT,
    );
  const now = deps.clock.now();
  const zone = deps.config.schedule.allDayZone;
  if (target.type === 'milestone') {
    const m = milestones.find((x) => x.id === target.id);
    if (!m) throw unknownTarget(target.id, closestTargets(target.id, milestones));
    const at = timingBounds(m.timing, zone).start;
    if (at <= now)
      throw new UserError(
        `*${escapeMrkdwn(m.name)}* has already begun, so there is nothing to remind you of.`,
        USAGE_LINE,
      );
    if (at.toMillis() - lead.minutes * 60_000 <= now.toMillis())
      throw new UserError(
        `*${escapeMrkdwn(m.name)}* begins sooner than ${leadWords(lead.lead)} from now, so that reminder could never come on time. Nothing was stored.`,
        `Choose a shorter lead time. ${LEAD_HINT}`,
      );
  }
  return { lead: lead.lead, minutes: lead.minutes };
}

/** Stores a checked subscription; throws UserError when the person already holds the most. */
export function storeSubscription(
  deps: Deps,
  user: string,
  target: Target,
  lead: { lead: string; minutes: number },
): { subscription: Subscription; existed: boolean } {
  const res = addSubscription(
    deps.db,
    {
      user,
      target: targetKey(target),
      lead: lead.lead,
      leadMinutes: lead.minutes,
      now: deps.clock.now().toUTC().toISO()!,
    },
    MAX_SUBSCRIPTIONS,
  );
  if (res.status === 'full')
    throw new UserError(
      `You have ${res.count} personal reminders, the most one person can have. Nothing was added.`,
      '`/schedule remind list` shows them; `/schedule remind off &lt;id&gt;` stops one.',
    );
  return { subscription: res.subscription, existed: res.status === 'exists' };
}

export async function subscribeTo(
  deps: Deps,
  user: string,
  target: Target,
  leadWord: string,
  milestones = milestonesOf(deps),
): Promise<Message> {
  const lead = checkSubscription(deps, target, leadWord, milestones);
  const { subscription: sub, existed } = storeSubscription(deps, user, target, lead);
  const tz = await zoneOf(deps, user);
  const [line] = linesOf(deps, [sub], milestones);
  return subscribedMessage(line!, milestones, tz, existed);
}

export async function listReminders(deps: Deps, user: string): Promise<Message> {
  const milestones = milestonesOf(deps);
  const tz = await zoneOf(deps, user);
  return listMessage(linesOf(deps, subscriptions(deps.db, user), milestones), milestones, tz);
}

/** `off <id | milestone | kind | all>`: removes the person's own matching subscriptions. */
export function unsubscribe(deps: Deps, user: string, word: string): Message {
  const mine = subscriptions(deps.db, user);
  const milestones = milestonesOf(deps);
  if (!mine.length) throw new UserError('You have no personal reminders to stop.', USAGE_LINE);
  const typed = word.trim().toLowerCase();
  let ids: number[];
  if (typed === 'all') ids = mine.map((s) => s.id);
  else if (/^\d+$/.test(typed)) ids = mine.filter((s) => s.id === Number(typed)).map((s) => s.id);
  else {
    const r = resolveTarget(typed, milestones, deps.clock.now(), deps.config.schedule.allDayZone);
    ids = r.ok
      ? mine
          .filter(
            (s) =>
              s.target === targetKey(r.target) ||
              (r.target.type === 'kind' &&
                s.target.startsWith('milestone:') &&
                milestones.some((m) => m.id === s.target.slice(10) && targetMatches(r.target, m))),
          )
          .map((s) => s.id)
      : [];
  }
  if (!ids.length)
    throw new UserError(
      `None of your reminders is \`${escapeMrkdwn([...word].slice(0, 40).join(''))}\`.`,
      `Yours: ${mine.map((s) => `\`${s.id}\``).join(', ')}. \`/schedule remind list\` says what each is; \`/schedule remind off all\` stops them all.`,
    );
  return removedMessage(removeSubscriptions(deps.db, user, ids), milestones);
}

/** A Stop / Remove button: only the subscription's owner can remove it. */
export function unsubscribeById(deps: Deps, user: string, value: string | undefined): Message {
  const id = /^\d{1,12}$/.test(value ?? '') ? Number(value) : undefined;
  const s = id === undefined ? undefined : subscription(deps.db, id);
  if (!s)
    throw new UserError(
      'That reminder is already stopped.',
      '`/schedule remind list` shows the ones you have.',
    );
  if (s.user !== user) throw new UserError("That reminder is someone else's; only they can stop it.");
  return removedMessage(removeSubscriptions(deps.db, user, [s.id]), milestonesOf(deps));
}

// ------------------------------------------------------------------ the job

function lastFinishedRun(deps: Deps): DateTime | undefined {
  const row = deps.db
    .prepare(
      'SELECT finished_at FROM job_runs WHERE job = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1',
    )
    .get(PERSONAL_JOB) as { finished_at: string } | undefined;
  return row ? DateTime.fromISO(row.finished_at, { zone: 'utc' }) : undefined;
}

/** The DM channel with `user` (conversations.open through the outbound queue). */
async function dmChannel(deps: Deps, user: string): Promise<string> {
  const res = (await deps.outbound.send('conversations.open', { users: user })) as {
    channel?: { id?: string };
  };
  if (!res.channel?.id) throw new Error('conversations.open returned no channel');
  return res.channel.id;
}

/**
 * Slack's answers that no retry changes (the person left the workspace, or cannot be sent a DM):
 * the DM is recorded as not sent, with Slack's reason, instead of being retried on every run.
 */
const PERMANENT = new Set([
  'user_not_found',
  'user_disabled',
  'account_inactive',
  'cannot_dm_bot',
  'not_allowed_token_type',
]);

function refused(deps: Deps, key: string, err: unknown): boolean {
  const code = (err as { data?: { error?: string } }).data?.error;
  if (!code || !PERMANENT.has(code)) return false;
  markRefused(deps.db, key, `Slack refused the DM: ${code}`);
  deps.log.warn({ key, code }, 'personal reminder: Slack refused the DM; not retried');
  return true;
}

async function deliver(deps: Deps, key: string, user: string, subId: number, text: string): Promise<boolean> {
  const channel = deps.outbox.find(key)?.channel ?? (await dmChannel(deps, user));
  const res = await deps.outbox.postOnce(key, channel, dmMessage(text, subId));
  markSent(deps.db, key, res.ts, deps.clock.now().toUTC().toISO()!);
  return res.posted;
}

export async function runPersonalReminders(deps: Deps): Promise<string> {
  const { db, config, clock, log } = deps;
  const rc = config.schedule.reminders;
  if (!rc.enabled) return 'reminders disabled';
  const now = clock.now().toUTC();
  const { keys, posting } = sendLedger(db);
  let sent = 0;
  let failed = 0;
  const missed: string[] = [];
  // 1. Finish DMs a previous run began (crash or Slack error between intent and record).
  for (const row of posting) {
    if (!subscription(db, row.subscription_id)) {
      markDropped(db, row.key);
      continue;
    }
    try {
      if (await deliver(deps, row.key, row.user, row.subscription_id, row.text ?? '')) sent++;
    } catch (err) {
      if (refused(deps, row.key, err))
        missed.push(`${row.user} ${row.milestone_id} ${row.lead} (Slack refused)`);
      else {
        failed++;
        log.error({ err, key: row.key }, 'personal reminder: could not finish a DM; will retry');
      }
    }
  }
  // 2. Decide what became due, per person (their own leads supersede each other, as a channel's do).
  const milestones = milestonesOf(deps);
  const undecided = planPersonal(subscriptions(db), milestones, config.schedule.allDayZone).filter(
    (p) => !keys.has(p.key),
  );
  const byUser = new Map<string, PlannedDm[]>();
  for (const p of undecided) byUser.set(p.subscription.user, [...(byUser.get(p.subscription.user) ?? []), p]);
  const offline = { from: lastFinishedRun(deps), to: now };
  for (const [user, planned] of byUser) {
    // Only the due ones are decided; the rest only tell whether a later lead is due within the hour.
    const decisions = decideReminders(planned, now, rc.graceMinutes, { lateNowInEffectHours: 0 });
    if (!decisions.length) continue;
    const tz = await zoneOf(deps, user);
    for (const d of decisions) {
      const p = d.reminder as PlannedDm;
      const base = {
        key: p.key,
        subscription_id: p.subscription.id,
        user,
        milestone_id: p.milestone.id,
        lead: p.lead,
        due_at: p.dueAt.toISO()!,
        milestone_at: p.milestoneAt.toISO()!,
        decided_at: now.toISO()!,
      };
      if (d.action === 'skip') {
        insertSend(db, { ...base, state: 'skipped', late: 0, reason: d.reason, text: null });
        missed.push(`${user} ${p.milestone.id} ${p.lead} (${d.reason})`);
        continue;
      }
      const text = dmText(p, { now, tz, late: d.late, ...(d.late ? { offline } : {}) });
      insertSend(db, {
        ...base,
        state: 'posting',
        late: d.late ? 1 : 0,
        reason: d.late ? 'sent late' : null,
        text,
      });
      try {
        if (await deliver(deps, p.key, user, p.subscription.id, text)) sent++;
        if (d.late) log.warn({ key: p.key, dueAt: p.dueAt.toISO() }, 'personal reminder sent late');
      } catch (err) {
        if (refused(deps, p.key, err)) missed.push(`${user} ${p.milestone.id} ${p.lead} (Slack refused)`);
        else {
          failed++;
          log.error({ err, key: p.key }, 'personal reminder: DM failed; the next run retries it');
        }
      }
    }
  }
  if (missed.length)
    log.warn(
      { missed: missed.slice(0, 20), count: missed.length },
      'personal reminders missed (relbot was down, and the milestone has begun)',
    );
  return `sent ${sent}, missed ${missed.length}, failed ${failed}`;
}
