import type { WebClient } from '@slack/web-api';
import { ManualClock } from '../src/clock';
import { Directory } from '../src/slack/directory';

/**
 * Profiling driver (issue 15): users.info calls for a day of asking. 2,000 people across every
 * zone ask 6 times each over 8 hours (a question, often a second one at once: a retry or a second
 * command), against a Slack that answers users.info after 5 ms. Prints the users.info calls made
 * and the time-zone lookups that waited for one. `tsx bench/profile-directory.ts`
 */
async function main(): Promise<void> {
  const zones = Intl.supportedValuesOf('timeZone');
  let calls = 0;
  const client = {
    users: {
      info: async ({ user }: { user: string }) => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        return { ok: true, user: { id: user, tz: zones[Number(user.slice(1)) % zones.length] } };
      },
    },
  } as unknown as WebClient;
  const clock = new ManualClock('2026-06-01T09:00:00Z');
  const dir = new Directory(client, clock, {});
  const people = 2000;
  const asks: Array<{ at: number; user: string; twice: boolean }> = [];
  let seed = 15;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let p = 0; p < people; p++)
    for (let k = 0; k < 6; k++)
      asks.push({ at: Math.floor(next() * 8 * 3600_000), user: `U${p}`, twice: next() < 0.3 });
  asks.sort((a, b) => a.at - b.at);
  const start = clock.now();
  let waited = 0;
  for (const a of asks) {
    clock.set(start.plus({ milliseconds: a.at }));
    const cached = dir.cachedTimeZone(a.user) !== undefined;
    if (!cached) waited++;
    await Promise.all(a.twice ? [dir.timeZone(a.user), dir.timeZone(a.user)] : [dir.timeZone(a.user)]);
  }
  console.log(
    `${asks.length} asks (${asks.filter((a) => a.twice).length} with a second at once): ${calls} users.info calls, ${waited} asks waited for one`,
  );
}
void main();
