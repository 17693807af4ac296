import { homeBlockerBlocks } from '../blockers/api/home';
import { homePickBlocks } from '../cherrypicks/api/home';
import type { Deps } from '../deps';
import { homeScheduleBlocks } from '../schedule/api/home';
import { homeShadowBlocks } from '../shadows/api/home';
import { cutMrkdwn } from '../slack/blocks';
import { nextTurn } from '../slack/work';
import { homeHash, renderHome } from './render';
import { homeRow, recentOpeners, recordOpen, recordPublish, setNotice } from './store';

/**
 * The Home tab with I/O. Design: relbot remembers who opened Home (SQLite `home_views`, with their
 * zone and the hash of what it last published). It publishes
 * - when a person opens the tab (`app_home_opened`), unless the same view is already there;
 * - right after a click on the tab or a modal submission (the answer shows on top), when the view
 *   changed;
 * - from the `home-refresh` job, for people who opened it in the last `RECENT_DAYS` days: the view
 *   is rendered again and published only if its hash changed and the last publish is at least a
 *   minute old.
 * Every publish goes through the outbound queue (src/slack/outbound.ts), one lane per person.
 */

export const HOME_JOB = 'home-refresh' as const;
/** People who opened Home within this many days get refreshes. */
export const RECENT_DAYS = 30;
/** The most people one refresh run renders (the most recent openers first). */
export const MAX_REFRESH = 500;
/** A job refresh waits this long after the last publish. */
export const MIN_INTERVAL_MS = 60_000;
/** How long the answer to a click stays on top of the tab. */
export const NOTICE_MS = 15 * 60_000;

const nowIso = (deps: Deps) => deps.clock.now().toUTC().toISO()!;

async function render(deps: Deps, user: string, tz: string, notice?: string) {
  const view = renderHome({
    tz,
    schedule: homeScheduleBlocks(deps, user, tz),
    picks: await homePickBlocks(deps, user),
    shadows: homeShadowBlocks(deps, user, tz),
    blockers: homeBlockerBlocks(deps, tz),
    ...(notice ? { notice } : {}),
  });
  return { view, hash: homeHash(view) };
}

export type PublishOutcome = 'published' | 'unchanged' | 'too soon' | 'not opened';

/** Renders `user`'s Home and publishes it when it changed (or `force`), recording what was published. */
export async function publishHome(
  deps: Deps,
  user: string,
  opts: { force?: boolean; minIntervalMs?: number } = {},
): Promise<PublishOutcome> {
  const row = homeRow(deps.db, user);
  if (!row) return 'not opened';
  const now = deps.clock.now();
  if (
    opts.minIntervalMs &&
    row.publishedAt &&
    now.toMillis() - Date.parse(row.publishedAt) < opts.minIntervalMs
  )
    return 'too soon';
  const fresh = row.notice && row.noticeAt && now.toMillis() - Date.parse(row.noticeAt) < NOTICE_MS;
  const tz = row.tz ?? deps.config.timezone;
  const { view, hash } = await render(deps, user, tz, fresh ? row.notice : undefined);
  if (!opts.force && row.hash === hash) return 'unchanged';
  await deps.outbound.send('views.publish', { user_id: user, view });
  recordPublish(deps.db, user, hash, nowIso(deps));
  return 'published';
}

/** `app_home_opened` on the Home tab: remember the person (and their zone), then publish. */
export async function homeOpened(deps: Deps, user: string, hasView: boolean): Promise<PublishOutcome> {
  const tz = await deps.directory.timeZone(user, deps.config.timezone);
  recordOpen(deps.db, user, tz, nowIso(deps));
  return publishHome(deps, user, { force: !hasView });
}

/** After a click on the tab (its answer becomes the notice on top) or a modal submission. */
export async function afterInteraction(deps: Deps, user: string, answer?: string): Promise<PublishOutcome> {
  if (!homeRow(deps.db, user)) return 'not opened';
  if (answer) setNotice(deps.db, user, cutMrkdwn(answer, 2900), nowIso(deps));
  return publishHome(deps, user);
}

/** The `home-refresh` job: republish what changed for recent openers, at most once a minute each. */
export async function refreshHomes(deps: Deps): Promise<string> {
  const since = deps.clock.now().minus({ days: RECENT_DAYS }).toUTC().toISO()!;
  const counts = { published: 0, unchanged: 0, 'too soon': 0, 'not opened': 0, failed: 0 };
  for (const row of recentOpeners(deps.db, since, MAX_REFRESH)) {
    // One person per turn of the event loop: a render that changed nothing awaits no I/O, so
    // without this the whole refresh would hold the loop and other people's acks would wait.
    await nextTurn();
    try {
      counts[await publishHome(deps, row.user, { minIntervalMs: MIN_INTERVAL_MS })]++;
    } catch (err) {
      counts.failed++;
      deps.log.warn({ err, user: row.user }, 'home: could not refresh a Home tab');
    }
  }
  return `published ${counts.published}, unchanged ${counts.unchanged}, too soon ${counts['too soon']}, failed ${counts.failed}`;
}
