import type { WebClient } from '@slack/web-api';
import { ManualClock } from '../../src/clock';
import { Directory, LruTtl, ZONE_CACHE } from '../../src/slack/directory';

/** A Slack client with only users.info, answering after `release()`, counting calls per user. */
function slowSlack(zones: Record<string, string | undefined>) {
  const calls = new Map<string, number>();
  let waiting: Array<() => void> = [];
  const client = {
    users: {
      info: async ({ user }: { user: string }) => {
        calls.set(user, (calls.get(user) ?? 0) + 1);
        await new Promise<void>((r) => waiting.push(r));
        if (user.startsWith('UFAIL')) throw new Error('slack_webapi_platform_error: user_not_found');
        return { ok: true, user: { id: user, tz: zones[user] } };
      },
    },
  } as unknown as WebClient;
  const release = () => {
    const w = waiting;
    waiting = [];
    for (const r of w) r();
  };
  return { client, calls, release };
}

/** Lets the pending lookups run, answering each as it asks. */
async function settle<T>(p: Promise<T>, release: () => void): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  while (!done) {
    release();
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

describe('users’ time zones: bounded, kept for a while, one lookup at a time per person', () => {
  test('100 concurrent asks by one person make one users.info call', async () => {
    const slack = slowSlack({ UANA: 'Europe/Berlin' });
    const dir = new Directory(slack.client, new ManualClock('2026-06-01T09:00:00Z'), {});
    const all = Promise.all(Array.from({ length: 100 }, () => dir.timeZone('UANA', 'UTC')));
    const zones = await settle(all, slack.release);
    expect(new Set(zones)).toEqual(new Set(['Europe/Berlin']));
    expect(slack.calls.get('UANA')).toBe(1);
    expect(dir.cachedTimeZone('UANA')).toBe('Europe/Berlin');
  });

  test('kept for the TTL, then asked again', async () => {
    const clock = new ManualClock('2026-06-01T09:00:00Z');
    const slack = slowSlack({ UANA: 'Asia/Tokyo' });
    const dir = new Directory(slack.client, clock, {});
    await settle(dir.timeZone('UANA'), slack.release);
    clock.advance({ milliseconds: ZONE_CACHE.ttlMs - 1 });
    expect(await dir.timeZone('UANA')).toBe('Asia/Tokyo');
    expect(slack.calls.get('UANA')).toBe(1);
    clock.advance({ milliseconds: 1 });
    expect(dir.cachedTimeZone('UANA')).toBeUndefined();
    await settle(dir.timeZone('UANA'), slack.release);
    expect(slack.calls.get('UANA')).toBe(2);
  });

  test('a failed lookup is not kept; no zone from Slack gives each caller its own fallback', async () => {
    const slack = slowSlack({ UNONE: undefined });
    const dir = new Directory(slack.client, new ManualClock('2026-06-01T09:00:00Z'), {});
    expect(await settle(dir.timeZone('UFAIL1', 'America/Chicago'), slack.release)).toBe('America/Chicago');
    expect(dir.cachedTimeZone('UFAIL1')).toBeUndefined();
    await settle(dir.timeZone('UFAIL1'), slack.release);
    expect(slack.calls.get('UFAIL1')).toBe(2);
    expect(await settle(dir.timeZone('UNONE', ''), slack.release)).toBe('');
    expect(await dir.timeZone('UNONE', 'UTC')).toBe('UTC');
    expect(slack.calls.get('UNONE')).toBe(1);
  });

  test('at most maxZones people are kept; the one asked longest ago goes first', async () => {
    const slack = slowSlack({ U1: 'UTC', U2: 'UTC', U3: 'UTC', U4: 'UTC' });
    const dir = new Directory(
      slack.client,
      new ManualClock('2026-06-01T09:00:00Z'),
      {},
      {
        maxZones: 3,
      },
    );
    for (const u of ['U1', 'U2', 'U3']) await settle(dir.timeZone(u), slack.release);
    await dir.timeZone('U1'); // U1 is now the most recent
    await settle(dir.timeZone('U4'), slack.release); // pushes out U2
    expect(dir.cachedTimeZone('U2')).toBeUndefined();
    expect(dir.cachedTimeZone('U1')).toBe('UTC');
    expect(slack.calls.get('U1')).toBe(1);
  });

  test('LruTtl never holds more than its bound', () => {
    let now = 0;
    const lru = new LruTtl<number>(100, 1000, () => now);
    for (let i = 0; i < 10_000; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(100);
    expect(lru.get('k9999')).toBe(9999);
    expect(lru.get('k0')).toBeUndefined();
    now = 1000;
    expect(lru.get('k9999')).toBeUndefined();
  });
});
