import { IANAZone } from 'luxon';
import { commandBody } from './common';
import { labelOf } from './constants';

/**
 * The people who ask, and what they ask: ASKERS users spread over every IANA zone Intl and luxon
 * both know (about 420), each known to the emulated Slack (users.info gives the zone), plus a
 * separate set of NEWCOMERS nobody has asked as before (for "first answer to a person not seen
 * before"). The mix is what a release channel asks; the order comes from a seeded PRNG so the
 * baseline and relbot get the same sequence in a round.
 */

export const ASKERS = 2000;
export const NEWCOMERS = 400;

export interface Asker {
  id: string;
  name: string;
  tz: string;
}

/** Every IANA zone both Intl and luxon accept (UTC first). */
export function zones(): string[] {
  const all = Intl.supportedValuesOf('timeZone').filter((z) => IANAZone.isValidZone(z));
  return ['UTC', ...all.filter((z) => z !== 'UTC')];
}

function people(prefix: string, n: number, offset: number): Asker[] {
  const zs = zones();
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${String(i).padStart(6, '0')}`,
    name: `${prefix.toLowerCase()}-asker-${i}`,
    // Spread over every zone; newcomers start at another offset so their zones differ.
    tz: zs[(i * 7 + offset) % zs.length]!,
  }));
}

/** The regular askers (user IDs UB000000…). */
export const askers = (): Asker[] => people('UB', ASKERS, 0);
/** People who have not asked yet (UN000000…); each is used once per server. */
export const newcomers = (): Asker[] => people('UN', NEWCOMERS, 3);

/**
 * What is asked, with its share of the traffic. `/blockers` is not in the open-loop mix: each one
 * makes GitHub searches, which Octokit's throttling spaces 2 s apart (GitHub allows 30 searches a
 * minute), so at 50 req/s × 10 % they queue without end and fill relbot's work queue. It is
 * measured on its own, at a rate GitHub allows (BLOCKERS).
 */
export const MIX: Array<{ command: string; text: () => string; weight: number }> = [
  { command: '/schedule', text: () => '', weight: 35 },
  { command: '/schedule', text: () => `1.${34 + Math.floor(rand() * 5)}`, weight: 20 },
  { command: '/schedule', text: () => 'patches', weight: 15 },
  { command: '/cherrypick', text: () => 'list', weight: 15 },
  { command: '/shadow', text: () => 'status', weight: 15 },
];

/** The labels of the mix, in report order. */
export const LABELS = [
  '/schedule',
  '/schedule 1.XX',
  '/schedule patches',
  '/cherrypick list',
  '/shadow status',
];

// A small seeded PRNG (mulberry32) so a round's sequence is the same for both servers.
let state = 1;
function rand(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function reseed(seed: number): void {
  state = seed | 0 || 1;
}

export interface Ask {
  label: string;
  /** Builds the signed-later body for this response_url. */
  body: (responseUrl: string) => string;
}

/** The next request of the mix, from a uniformly chosen asker. */
export function nextAsk(people: Asker[]): Ask {
  const total = MIX.reduce((s, m) => s + m.weight, 0);
  let pick = rand() * total;
  let m = MIX[0]!;
  for (const x of MIX) {
    pick -= x.weight;
    if (pick < 0) {
      m = x;
      break;
    }
  }
  const who = people[Math.floor(rand() * people.length)]!;
  const text = m.text();
  return { label: labelOf(m.command, text), body: (u) => commandBody(who, m.command, text, u) };
}

/** `/blockers` by one of the askers, measured alone (see MIX). */
export function blockersAsk(people: Asker[]): Ask {
  const who = people[Math.floor(rand() * people.length)]!;
  return { label: '/blockers', body: (u) => commandBody(who, '/blockers', '', u) };
}
