import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Clock } from '../src/clock';
import { fixture } from '../src/fixtures';
import { CHANNEL, people, seedConfig } from '../src/sandbox/seed';
import { SCHEDULE_FILES, scheduleSourcesConfig } from '../src/sandbox/seed-schedule';
import { timingBounds } from '../src/schedule/dates';
import { parseCycleReadme } from '../src/schedule/readme';
import { APPROVE_ACTION, SIGNING_SECRET } from './constants';

/**
 * What the bench's processes share: the signing secret, the relbot.yaml object, the two cycle pages
 * derived from the real ones, the Slack request bodies (exactly as Slack sends them) and the wire
 * format of the servers' bench-only routes.
 */

export { APPROVE_ACTION, BOT_TOKEN, FLOOD_COMMAND, SIGNING_SECRET } from './constants';

/** The PR whose card is already approved: the Approve click that must not call GitHub. */
export const APPROVED_PR = { owner: 'kubernetes', repo: 'kubernetes', number: 139001 };

/** Where the benchmark's clock stands: inside the v1.37 cycle, so `/schedule` has things ahead. */
export const BENCH_NOW = '2026-06-01T09:00:00Z';

/**
 * A clock that ticks at real speed but starts at BENCH_NOW: caches with a TTL (user groups, time
 * zones) expire as they do in production, and the schedule views show the v1.37 cycle mid-way.
 */
export function benchClock(): Clock {
  const offset = DateTime.fromISO(BENCH_NOW).toMillis() - Date.now();
  return { now: () => DateTime.fromMillis(Date.now() + offset, { zone: 'utc' }) };
}

// ---------------------------------------------------------------------------- derived cycles

const WEEKDAY = '(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(January|February|March|April|May|June|July|August|September|October|November|December)';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)';

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

const fmt = (d: DateTime, withMonth: boolean) =>
  `${d.toFormat('cccc')} ${ordinal(d.day)}${withMonth ? ` ${d.toFormat('LLLL yyyy')}` : ''}`;

/**
 * A release cycle page for another cycle, made from a real one: every date moved by `shiftDays`
 * (a multiple of 7 keeps the weekdays), and the version renamed. Used for the two extra cycles of
 * the bench database (v1.35 from v1.34, v1.38 from v1.37); the result must parse as cleanly as
 * the page it comes from.
 */
export function deriveCycleReadme(text: string, from: string, to: string, shiftDays: number): string {
  const parse = (day: string, month: string, year: string) =>
    DateTime.fromFormat(`${day} ${month} ${year}`, 'd LLLL yyyy', { zone: 'utc' });
  // One pass (a range and a single date alike), so no date is moved twice.
  const out = text.replace(
    new RegExp(`${WEEKDAY} ${DAY}(?: - ${WEEKDAY} ${DAY})? ${MONTH} (\\d{4})`, 'g'),
    (_m, _w1, d1: string, w2: string | undefined, d2: string | undefined, month: string, year: string) => {
      if (!w2 || !d2) return fmt(parse(d1, month, year).plus({ days: shiftDays }), true);
      const end = parse(d2, month, year);
      const s = end.minus({ days: Number(d2) - Number(d1) }).plus({ days: shiftDays });
      const e = end.plus({ days: shiftDays });
      return s.month === e.month ? `${fmt(s, false)} - ${fmt(e, true)}` : `${fmt(s, true)} - ${fmt(e, true)}`;
    },
  );
  const esc = from.replace('.', '\\.');
  return out.replace(new RegExp(`(?<![\\d.])${esc}(?![\\d])`, 'g'), to);
}

export const DERIVED_CYCLES = [
  { version: '1.35', from: '1.34', fixture: 'release-1.34-README.md', shiftDays: 16 * 7 },
  { version: '1.38', from: '1.37', fixture: 'release-1.37-README.md', shiftDays: 16 * 7 },
] as const;

/**
 * The cycles of a database with `cycles` release cycles: the five above, then older ones (v1.33,
 * v1.32, …) derived from v1.34 by moving it back 16 weeks per minor, for the cost-growth figures.
 */
export function derivedCycles(
  cycles = 5,
): Array<{ version: string; from: string; fixture: string; shiftDays: number }> {
  const older = Array.from({ length: Math.max(0, cycles - 5) }, (_, k) => ({
    version: `1.${33 - k}`,
    from: '1.34',
    fixture: 'release-1.34-README.md',
    shiftDays: -16 * 7 * (k + 1),
  }));
  return [...DERIVED_CYCLES, ...older];
}

/** BENCH_CYCLES (default 5): how many cycles the bench's relbot.yaml lists. */
export const benchCycles = (): number => Number(process.env.BENCH_CYCLES ?? 5);

export function derivedCycleFiles(
  cycles = 5,
): Array<{ repo: string; path: string; ref: string; text: string }> {
  return derivedCycles(cycles).map((c) => {
    const text = deriveCycleReadme(fixture(c.fixture), c.from, c.version, c.shiftDays);
    const original = parseCycleReadme(fixture(c.fixture), { version: c.from });
    const derived = parseCycleReadme(text, { version: c.version });
    const start = (m: (typeof derived.milestones)[number]) => timingBounds(m.timing, 'UTC').start.toMillis();
    const moved = derived.milestones.every(
      (m, i) =>
        original.milestones[i] && start(m) - start(original.milestones[i]!) === c.shiftDays * 86_400_000,
    );
    if (
      derived.problems.length > original.problems.length ||
      derived.milestones.length !== original.milestones.length ||
      !moved
    )
      throw new Error(
        `derived v${c.version} page does not parse like v${c.from} moved by ${c.shiftDays} days (${derived.milestones.length}/${original.milestones.length} milestones, ${derived.problems.length} problems)`,
      );
    return {
      repo: 'kubernetes/sig-release',
      path: `releases/release-${c.version}/README.md`,
      ref: 'master',
      text,
    };
  });
}

// ------------------------------------------------------------------------------------- config

/** relbot.yaml of the bench: the seeded workspace, five cycle pages (BENCH_CYCLES), the patch schedule. */
export function benchRawConfig(): Record<string, unknown> {
  const raw = seedConfig();
  const sources = scheduleSourcesConfig() as { cycles: unknown[] };
  sources.cycles = [
    ...sources.cycles,
    ...derivedCycleFiles(benchCycles()).map((f) => ({ repo: f.repo, path: f.path, ref: f.ref })),
  ];
  raw.schedule = { sources };
  raw.blockers = { milestone: 'v1.37' };
  return raw;
}

export const scheduleFileCount = SCHEDULE_FILES.length;

// ------------------------------------------------------------------------------ Slack bodies

export function sign(body: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = createHmac('sha256', SIGNING_SECRET).update(`v0:${timestampSec}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestampSec),
    'x-slack-signature': `v0=${sig}`,
  };
}

/** A slash command body as Slack sends it (the fields of SlackDriver.commandBody). */
export function commandBody(
  user: { id: string; name: string },
  command: string,
  text: string,
  responseUrl: string,
): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'TSIGREL',
    team_domain: 'sig-release',
    channel_id: CHANNEL,
    channel_name: 'release-management',
    user_id: user.id,
    user_name: user.name,
    command,
    text,
    api_app_id: 'ARELBOT',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: `${Date.now()}.bench`,
  }).toString();
}

/** The Approve click on the already-approved card (the payload SlackDriver.blockActionsPayload builds). */
export function approveClickBody(cardTs: string, responseUrl: string): string {
  const key = `${APPROVED_PR.owner}/${APPROVED_PR.repo}#${APPROVED_PR.number}`;
  const u = people.approver;
  const payload = {
    type: 'block_actions',
    user: { id: u.id, username: u.name, name: u.name, team_id: 'TSIGREL' },
    api_app_id: 'ARELBOT',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: cardTs, channel_id: CHANNEL, is_ephemeral: false },
    trigger_id: `${Date.now()}.bench`,
    team: { id: 'TSIGREL', domain: 'sig-release' },
    channel: { id: CHANNEL, name: 'release-management' },
    message: { type: 'message', ts: cardTs, text: `Cherry-pick ${key}`, user: 'UBOTRELBOT' },
    response_url: responseUrl,
    actions: [
      {
        type: 'button',
        action_id: APPROVE_ACTION,
        block_id: `cherrypick:${key}`,
        value: key,
        text: { type: 'plain_text', text: 'Approve' },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

// --------------------------------------------------------------------- child process protocol

/** The first stdout line of every bench server process. */
export interface ServerReady {
  port: number;
  pid: number;
}

/** The emulators process's first stdout line. */
export interface EmulatorsReady {
  slackApiUrl: string;
  githubUrl: string;
  /** Fresh response_urls (Slack allows 5 uses each; one per run is plenty for the ack). */
  responseUrls: string[];
  pid: number;
}

/** GET /bench/memory on a bench server. */
export interface MemoryReport {
  rss: number;
  heapUsed: number;
  /** Largest RSS sampled (every 250 ms) since the last reset. */
  maxRss: number;
  samples: number;
  /** Every 250 ms sample since the last reset (bytes). */
  series: number[];
  gc: boolean;
  /** CPU time the process has used so far (user + system, microseconds). */
  cpuMicros: number;
}
