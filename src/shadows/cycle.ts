import { channelFor, type Deps } from '../deps';
import { UserError } from '../errors';
import { channelRef, type Message } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { isAdmin, requireCycle } from './access';
import { announcement, applications, closeText, countsMessage } from './blocks';
import { cfg, keys, nowIso, store } from './common';
import { importPastRosters } from './past-rosters';
import { type Cycle, countsByRole, isOpenAt, parseOpenArgs } from './rules';
import { ShadowStoreError } from './store';

/** The application cycle: opening it (with the announcement), announcing, closing, and the `shadows-close` job. */

export async function openCycle(deps: Deps, user: string, args: string[]): Promise<Message> {
  if (!(await isAdmin(deps, user)))
    throw new UserError(
      `Only admins can open shadow applications: ${deps.directory.describe(deps.config.admins)}.`,
    );
  const parsed = parseOpenArgs(args, deps.clock.now());
  if ('error' in parsed) throw new UserError(parsed.error);
  let cycle: Cycle;
  try {
    cycle = store(deps).openCycle(
      parsed.version,
      parsed.closeDate,
      parsed.closesAt.toISO()!,
      user,
      nowIso(deps),
    );
  } catch (err) {
    if (err instanceof ShadowStoreError && err.code === 'cycle_open')
      throw new UserError(
        `Applications for v${String(err.detail.version)} are already open; only one cycle can be open at a time.`,
        'Close them first with `/shadow close`.',
      );
    if (err instanceof ShadowStoreError && err.code === 'version_exists')
      throw new UserError(
        `v${parsed.version} already had a shadow application round (${String(err.detail.state)}).`,
      );
    throw err;
  }
  const notes: string[] = [];
  const imported = await importPastRosters(deps).catch((err: Error) => ({ error: err.message }));
  if ('error' in imported)
    notes.push(`:warning: Past rosters could not be read: ${escapeMrkdwn(imported.error)}`);
  else if (imported.failed.length)
    notes.push(`:warning: Past rosters not read: ${imported.failed.map(escapeMrkdwn).join('; ')}`);
  const posted = await announce(deps, cycle).catch((err: Error) => err);
  if (posted instanceof Error)
    notes.push(
      `:warning: The announcement could not be posted (${escapeMrkdwn(posted.message)}). Applications are open anyway; retry the post with \`/shadow announce\`.`,
    );
  const text =
    `:white_check_mark: Shadow applications for v${cycle.version} are open until ${closeText(cycle)}.` +
    (posted instanceof Error ? '' : ` Announced in <#${posted.channel}>.`) +
    (notes.length ? `\n${notes.join('\n')}` : '');
  return { text };
}

/** Posts the announcement with the Apply button, once per cycle. */
export function announce(deps: Deps, cycle: Cycle) {
  return deps.outbox.postOnce(keys.announce(cycle), channelFor(deps.config, 'shadows'), {
    ...announcement(cycle, cfg(deps).roles),
    unfurl_links: false,
  });
}

/** `/shadow announce`: posts the open cycle's announcement unless it is already posted. */
export async function postAnnouncement(deps: Deps, user: string): Promise<Message> {
  if (!(await isAdmin(deps, user))) throw new UserError('Only admins can post the announcement.');
  const cycle = requireCycle(deps);
  if (!isOpenAt(cycle, deps.clock.now()))
    throw new UserError(`Applications for v${cycle.version} are closed.`);
  const res = await announce(deps, cycle);
  return {
    text: res.posted
      ? `Announced in <#${res.channel}>.`
      : `The announcement was already posted in <#${res.channel}>.`,
  };
}

/** Closes the cycle (idempotent) and posts the per-role counts once. */
export async function closeCycle(
  deps: Deps,
  cycle: Cycle,
  by: string,
): Promise<{ closed: boolean; posted: boolean }> {
  const closed = store(deps).closeCycle(cycle.id, by, nowIso(deps));
  const fresh = store(deps).cycle(cycle.id)!;
  if (fresh.state === 'open') return { closed: false, posted: false };
  const counts = countsByRole(cfg(deps).roles, store(deps).applications(cycle.id));
  const res = await deps.outbox.postOnce(
    keys.closed(fresh),
    channelFor(deps.config, 'shadows'),
    countsMessage(fresh, counts),
  );
  return { closed, posted: res.posted };
}

/** `/shadow close`: an admin closes the open cycle before its deadline. */
export async function closeNow(deps: Deps, user: string): Promise<Message> {
  if (!(await isAdmin(deps, user)))
    throw new UserError(
      `Only admins can close shadow applications: ${deps.directory.describe(deps.config.admins)}.`,
    );
  const cycle = requireCycle(deps);
  if (cycle.state !== 'open') throw new UserError(`Applications for v${cycle.version} are already closed.`);
  let posted = true;
  let error: string | undefined;
  try {
    await closeCycle(deps, cycle, user);
  } catch (err) {
    posted = false;
    error = (err as Error).message;
  }
  const counts = countsByRole(cfg(deps).roles, store(deps).applications(cycle.id));
  const channel = channelRef(channelFor(deps.config, 'shadows'));
  return {
    text:
      `:lock: Applications for v${cycle.version} are closed (${applications(counts.total)}).` +
      (posted
        ? ` The per-role counts are posted in ${channel}.`
        : ` The counts could not be posted in ${channel} (${escapeMrkdwn(error ?? '')}). The close job retries.`),
  };
}

/** The `shadows-close` job: closes an open cycle whose AoE deadline passed, and makes sure its counts are posted. */
export async function runCloseJob(deps: Deps): Promise<string> {
  const cycle = store(deps).currentCycle();
  if (!cycle) return 'no cycle';
  const now = deps.clock.now();
  if (cycle.state === 'open' && !isOpenAt(cycle, now)) {
    const r = await closeCycle(deps, cycle, 'relbot');
    return `closed v${cycle.version}${r.posted ? ', counts posted' : ''}`;
  }
  if (cycle.state !== 'open' && !deps.outbox.find(keys.closed(cycle))) {
    const r = await closeCycle(deps, cycle, 'relbot');
    return `v${cycle.version} counts ${r.posted ? 'posted' : 'already posted'}`;
  }
  return cycle.state === 'open'
    ? `v${cycle.version} open until ${cycle.closesAt}`
    : `v${cycle.version} ${cycle.state}`;
}
