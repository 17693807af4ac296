import { dataVersion } from '../src/db/versions';
import type { Deps } from '../src/deps';
import { UserError } from '../src/errors';
import type { Feature } from '../src/feature';
import { sendText } from '../src/http';
import { buildCalendar } from '../src/schedule/ics';
import { scheduleJobs } from '../src/schedule/jobs';
import type { Milestone, StoredSchedule } from '../src/schedule/model';
import { compareVersions } from '../src/schedule/patches';
import { allMilestones, loadSchedule } from '../src/schedule/store';
import { syncSchedule } from '../src/schedule/sync';
import {
  cycleView,
  emptyView,
  nextView,
  patchesView,
  syncView,
  type ViewContext,
} from '../src/schedule/views';
import type { Message } from '../src/slack/blocks';
import { type CommandSpec, type Reply, registerCommand } from '../src/slack/command';
import { escapeEntities, escapeMrkdwn } from '../src/slack/escape';
import { editDistance } from '../src/text';
import { personalReminderJobs, registerPersonalReminders, remindSubcommand } from './schedule-remind';

/** /schedule: what is next, a cycle's whole timeline, patch releases, and an admin-only sync. */

const VERSION = /^v?(\d{1,2}\.\d{1,3})$/i;

/**
 * The stored schedule parsed once per write to the schedule_sources rows (their data version), not
 * once per command: every view reads it, and it only changes when a sync writes. Kept per database
 * (one per relbot).
 */
const parsedSchedules = new WeakMap<
  object,
  { version: number; stored: StoredSchedule; milestones: Milestone[] }
>();

function storedSchedule(deps: Deps): { stored: StoredSchedule; milestones: Milestone[] } {
  const version = dataVersion(deps.db, 'schedule');
  const cached = parsedSchedules.get(deps.db);
  if (cached && cached.version === version) return cached;
  const stored = loadSchedule(deps.db, deps.config);
  const fresh = { version, stored, milestones: allMilestones(stored, deps.config) };
  parsedSchedules.set(deps.db, fresh);
  return fresh;
}

async function viewContext(deps: Deps, user: string): Promise<ViewContext | undefined> {
  const { stored, milestones } = storedSchedule(deps);
  if (!stored.cycles.length && !stored.patches) return undefined;
  return {
    stored,
    milestones,
    now: deps.clock.now(),
    tz: await deps.directory.timeZone(user, deps.config.timezone),
    allDayZone: deps.config.schedule.allDayZone,
    cutoff: deps.config.schedule.cherryPickCutoff,
  };
}

/** A view as the answer to the person who asked: only they see it. */
const answer = (view: Message): Reply => ({ response_type: 'ephemeral', ...view });

/**
 * A view as the user sees it, rendered after the ack and kept (src/slack/answers.ts) for the rest
 * of the minute in that time zone, so asking again is answered in the ack (`cachedView`).
 */
async function renderedView(
  deps: Deps,
  user: string,
  view: string,
  render: (ctx: ViewContext) => Message,
): Promise<Reply> {
  const stamp = deps.answers.stamp('schedule');
  const ctx = await viewContext(deps, user);
  if (!ctx) return answer(emptyView());
  const reply = answer(render(ctx));
  deps.answers.set(`/schedule|${view}|${ctx.tz}`, stamp, reply);
  return reply;
}

function cachedView(deps: Deps, user: string, view: string): Reply | undefined {
  const tz = deps.directory.cachedTimeZone(user);
  if (!tz) return undefined;
  return deps.answers.get(`/schedule|${view}|${tz}`, 'schedule');
}

/** Known versions, closest to `asked` first: fewest edits, then the nearest minor, then the newest. */
export function closestVersions(asked: string, known: string[]): string[] {
  const typed = asked.replace(/^v/i, '');
  const minor = (v: string) => Number(v.split('.')[1] ?? Number.NaN);
  const away = (v: string) => {
    const n = Math.abs(minor(v) - minor(typed));
    return Number.isFinite(n) ? n : Number.POSITIVE_INFINITY;
  };
  return [...new Set(known)].sort(
    (a, b) => editDistance(typed, a) - editDistance(typed, b) || away(a) - away(b) || compareVersions(b, a),
  );
}

/** The error for a cycle relbot does not have: says so and names what it knows, closest first. */
function unknownCycle(word: string, known: string[], stored: StoredSchedule): UserError {
  const shown = escapeMrkdwn([...word].slice(0, 20).join(''));
  const closest = closestVersions(word, known);
  const message = VERSION.test(word)
    ? `relbot has no release cycle ${shown}.`
    : `${shown} is not a release cycle version. A cycle version looks like 1.37.`;
  const minor = /^v?(\d{1,2}\.\d{1,3})(?:\.\d+)?$/i.exec(word)?.[1];
  const patch = minor && stored.patches?.schedules.some((s) => s.release === minor);
  const hints: string[] = [];
  if (closest.length)
    hints.push(
      `relbot knows ${closest.length === 1 ? 'this cycle' : 'these cycles'}, closest first: ${closest.map((v) => `\`/schedule ${v}\``).join(', ')}.`,
    );
  else hints.push('No cycle page is configured under `schedule.sources.cycles` in relbot.yaml.');
  if (patch) hints.push(`${minor} is in the patch schedule: \`/schedule patches\` shows its patch releases.`);
  if (closest.length) hints.push('Cycle pages are listed under `schedule.sources.cycles` in relbot.yaml.');
  return new UserError(message, hints.join('\n'));
}

export const spec: CommandSpec = {
  command: '/schedule',
  summary: 'Release cycle milestones and patch-release cherry-pick deadlines',
  subcommands: [
    {
      name: '',
      usage: '',
      summary: 'what is next: coming milestones of the current cycle and the next cherry-pick deadlines',
      ready: ({ deps, user, args }) => (args.length ? undefined : cachedView(deps, user, 'next')),
      async run({ deps, user, args }) {
        if (args.length) throw new UserError(`\`/schedule\` takes no arguments here.`);
        return renderedView(deps, user, 'next', nextView);
      },
    },
    {
      name: 'version',
      usage: '<1.XX> [all]',
      summary:
        'a release cycle: the current week and what is ahead, e.g. `/schedule 1.37`; `all` shows every row, past ones marked',
      // Anything that starts like a version (`1.37`, `v1.37`, `1.3x`, `1.37.2`), so a typo is
      // answered as a version that relbot does not know, never as an unknown subcommand.
      matches: (word) => /^v?\d/i.test(word),
      ready({ deps, user, args }) {
        const version = VERSION.exec(args[0] ?? '')?.[1];
        const all = args.length === 2 && args[1]!.toLowerCase() === 'all';
        return version && (args.length === 1 || all)
          ? cachedView(deps, user, `cycle ${version}${all ? ' all' : ''}`)
          : undefined;
      },
      async run({ deps, user, args }) {
        // `/schedule 1.37` (matched) and `/schedule version 1.37` both arrive with args = ['1.37'].
        const word = args[0] ?? '';
        const version = VERSION.exec(word)?.[1];
        const all = args[1]?.toLowerCase() === 'all';
        const { stored } = storedSchedule(deps);
        if (!stored.cycles.length && !stored.patches) return answer(emptyView());
        const known = stored.cycles.map((c) => c.version);
        if (!word) throw new UserError('Give one release cycle version, like `/schedule 1.37`.');
        if (!version) throw unknownCycle(word, known, stored);
        if (args.length > 2 || (args.length === 2 && !all))
          throw new UserError(
            `\`/schedule ${escapeEntities(version)}\` takes one more word at most: \`all\`.`,
            `\`/schedule ${escapeEntities(version)}\` shows the current week and what is ahead. \`/schedule ${escapeEntities(version)} all\` shows every row.`,
          );
        const cycle = stored.cycles.find((c) => c.version === version);
        if (!cycle) throw unknownCycle(version, known, stored);
        const key = `cycle ${version}${all ? ' all' : ''}`;
        return renderedView(deps, user, key, (ctx) => cycleView(ctx, cycle, all));
      },
    },
    {
      name: 'patches',
      usage: 'patches',
      summary:
        'per supported minor: next patch, cherry-pick deadline, target, maintenance mode and end of life',
      ready: ({ deps, user, args }) => (args.length ? undefined : cachedView(deps, user, 'patches')),
      async run({ deps, user, args }) {
        if (args.length) throw new UserError('`/schedule patches` takes no arguments.');
        return renderedView(deps, user, 'patches', patchesView);
      },
    },
    {
      name: 'sync',
      usage: 'sync',
      summary: 're-import the schedule from GitHub now and post what changed (admins)',
      async run({ deps, user, args }) {
        if (args.length) throw new UserError('`/schedule sync` takes no arguments.');
        if (!(await deps.directory.isIn(deps.config.admins, user)))
          throw new UserError(
            `Only admins can run \`/schedule sync\` (${deps.directory.describe(deps.config.admins)}).`,
            'The schedule is re-imported daily by itself; `/schedule` shows what is stored.',
          );
        return answer(syncView(await syncSchedule(deps)));
      },
    },
    remindSubcommand,
  ],
};

export const feature: Feature = {
  name: 'schedule',
  register(app, deps) {
    registerCommand(app, deps, spec);
    registerPersonalReminders(app, deps);
  },
  jobs: (deps) => [...scheduleJobs(deps), ...personalReminderJobs(deps)],
  routes: (deps) => [
    {
      path: '/calendar.ics',
      method: ['GET'],
      handler: (_req, res) => {
        try {
          const milestones = allMilestones(loadSchedule(deps.db, deps.config), deps.config);
          const body = buildCalendar(milestones, deps.clock.now());
          res.writeHead(200, {
            'content-type': 'text/calendar; charset=utf-8',
            'content-disposition': 'inline; filename="sig-release.ics"',
            'cache-control': 'max-age=300',
          });
          res.end(body);
        } catch (err) {
          deps.log.error({ err }, 'calendar.ics failed');
          sendText(res, 500, 'calendar unavailable');
        }
      },
    },
  ],
};
