import { channelFor, type Deps } from '../deps';
import type { Reply } from '../slack/command';
import { UserError } from '../slack/command';
import { escapeMrkdwn } from '../slack/escape';
import {
  announcement,
  applicationModal,
  closeText,
  codeReply,
  countsMessage,
  outcomeMessage,
  reviewMessage,
  statusReply,
} from './blocks';
import { pastRosterPath, type RoleConfig } from './config';
import { parseRoster, type Roster, type RosterPerson, renderRosterCsv, renderRosterMarkdown } from './roster';
import {
  type Application,
  type ApplicationInput,
  type Cycle,
  countsByRole,
  type DecisionKind,
  findRole,
  isOpenAt,
  outcomeFor,
  parseOpenArgs,
  reviewList,
} from './rules';
import { ShadowStore, ShadowStoreError } from './store';

/**
 * Shadow sign-up as feature functions: commands/shadow.ts, the close job and the seed call these.
 * Rules and renderers are pure (rules.ts, blocks.ts, roster.ts); this file does the I/O.
 */

export const store = (deps: Deps) => new ShadowStore(deps.db);
const cfg = (deps: Deps) => deps.config.shadows;
const nowIso = (deps: Deps) => deps.clock.now().toUTC().toISO()!;

export const keys = {
  announce: (c: Cycle) => `shadows:${c.id}:announce`,
  closed: (c: Cycle) => `shadows:${c.id}:closed`,
  published: (c: Cycle) => `shadows:${c.id}:published`,
  outcome: (c: Cycle, user: string) => `shadows:${c.id}:outcome:${user}`,
  seatFreed: (c: Cycle, appId: number, role: string, at: string, lead: string) =>
    `shadows:${c.id}:freed:${appId}:${role}:${at}:${lead}`,
};

// ------------------------------------------------------------------ who may do what

export async function isAdmin(deps: Deps, user: string): Promise<boolean> {
  return deps.directory.isIn(deps.config.admins, user);
}

export function releaseTeamLeads(deps: Deps): string[] {
  const rtl = findRole(cfg(deps).roles, cfg(deps).releaseTeamLeadRole);
  return rtl?.leads ?? [];
}

/** A role's lead, the Release Team Lead, or an admin. */
export async function canReview(deps: Deps, user: string, role: RoleConfig): Promise<boolean> {
  return role.leads.includes(user) || releaseTeamLeads(deps).includes(user) || (await isAdmin(deps, user));
}

/** Any role lead, the Release Team Lead, or an admin. */
async function isReviewer(deps: Deps, user: string): Promise<boolean> {
  return cfg(deps).roles.some((r) => r.leads.includes(user)) || (await isAdmin(deps, user));
}

/** The Release Team Lead; admins only when no Release Team Lead is configured. */
async function canPublish(deps: Deps, user: string): Promise<boolean> {
  const rtl = releaseTeamLeads(deps);
  return rtl.length ? rtl.includes(user) : isAdmin(deps, user);
}

function describeUsers(users: string[]): string {
  return users.length ? users.map((u) => `<@${u}>`).join(', ') : 'nobody (none configured)';
}

export function requireRole(deps: Deps, text: string): RoleConfig {
  const role = findRole(cfg(deps).roles, text);
  if (!role)
    throw new UserError(
      `\`${escapeMrkdwn(text.slice(0, 60)) || '(none)'}\` is not a role this cycle.`,
      `Roles: ${cfg(deps)
        .roles.map((r) => `\`${r.name}\``)
        .join(', ')}.`,
    );
  return role;
}

function requireCycle(deps: Deps): Cycle {
  const cycle = store(deps).currentCycle();
  if (!cycle)
    throw new UserError(
      'No shadow applications have been opened yet.',
      'An admin opens them with `/shadow open <version> closes <YYYY-MM-DD>`.',
    );
  return cycle;
}

// ------------------------------------------------------------------ open / close / announce

export async function openCycle(deps: Deps, user: string, args: string[]): Promise<Reply> {
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
  return { response_type: 'ephemeral', text };
}

/** Posts the announcement with the Apply button, once per cycle. */
export function announce(deps: Deps, cycle: Cycle) {
  return deps.outbox.postOnce(keys.announce(cycle), channelFor(deps.config, 'shadows'), {
    ...announcement(cycle, cfg(deps).roles),
    unfurl_links: false,
  });
}

export async function announceCommand(deps: Deps, user: string): Promise<Reply> {
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

export async function closeCommand(deps: Deps, user: string): Promise<Reply> {
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
  return {
    text:
      `:lock: Applications for v${cycle.version} are closed (${counts.total} applications).` +
      (posted
        ? ' The per-role counts are posted in the channel.'
        : ` The counts could not be posted (${escapeMrkdwn(error ?? '')}); the close job retries.`),
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

// ------------------------------------------------------------------ past rosters

export async function importPastRosters(
  deps: Deps,
): Promise<{ imported: Record<string, number>; failed: string[] }> {
  const imported: Record<string, number> = {};
  const failed: string[] = [];
  for (const src of cfg(deps).pastRosters) {
    const [owner, repo] = src.repo.split('/') as [string, string];
    const path = pastRosterPath(src);
    try {
      const res = await deps.github.rest.repos.getContent({
        owner,
        repo,
        path,
        ref: src.ref,
        mediaType: { format: 'raw' },
      });
      const text = typeof res.data === 'string' ? res.data : decodeContent(res.data);
      imported[src.version] = store(deps).importRoster(parseRoster(text), src.version);
    } catch (err) {
      failed.push(`${src.repo}/${path}@${src.ref}: ${(err as Error).message.slice(0, 200)}`);
    }
  }
  return { imported, failed };
}

function decodeContent(data: unknown): string {
  const d = data as { content?: string; encoding?: string };
  if (typeof d?.content === 'string' && d.encoding === 'base64')
    return Buffer.from(d.content, 'base64').toString('utf8');
  if (typeof d?.content === 'string') return d.content;
  throw new Error('not a file');
}

/** Stores a parsed roster (the seed and `/shadow import` use it). */
export function importRosterText(deps: Deps, markdown: string, version?: string): number {
  return store(deps).importRoster(parseRoster(markdown), version);
}

export async function importCommand(deps: Deps, user: string): Promise<Reply> {
  if (!(await isAdmin(deps, user))) throw new UserError('Only admins can import past rosters.');
  if (cfg(deps).pastRosters.length === 0)
    throw new UserError(
      'No past rosters are configured.',
      'List them under `shadows.pastRosters` in relbot.yaml.',
    );
  const r = await importPastRosters(deps);
  const ok = Object.entries(r.imported).map(([v, n]) => `v${v}: ${n} people`);
  return {
    text:
      (ok.length ? `Imported past rosters: ${ok.join(', ')}.` : 'No roster was imported.') +
      (r.failed.length ? `\n:warning: Failed: ${r.failed.map(escapeMrkdwn).join('; ')}` : ''),
  };
}

// ------------------------------------------------------------------ applying

export type ApplyCheck = { ok: true; cycle: Cycle; existing?: Application } | { ok: false; message: string };

/** Whether the user may open the application modal now. */
export function checkCanApply(deps: Deps, user: string): ApplyCheck {
  const cycle = store(deps).currentCycle();
  if (!cycle) return { ok: false, message: 'No shadow applications are open: none have been opened yet.' };
  if (!isOpenAt(cycle, deps.clock.now()))
    return {
      ok: false,
      message: `Shadow applications for v${cycle.version} closed on ${closeText(cycle)}. Watch #sig-release for the next cycle.`,
    };
  const existing = store(deps).application(cycle.id, user);
  return { ok: true, cycle, ...(existing ? { existing } : {}) };
}

/** Opens the modal for `triggerId` (right after the ack: the trigger is single use and lives 3 s). */
export async function openApplicationModal(
  deps: Deps,
  user: string,
  triggerId: string,
  check: Extract<ApplyCheck, { ok: true }>,
  channel: string | undefined,
): Promise<void> {
  const github = check.existing?.github ?? deps.directory.githubLoginFor(user);
  // users.info for the time zone, bounded so the trigger does not expire.
  const timeZone = check.existing
    ? check.existing.timeZone
    : await Promise.race([
        deps.directory.timeZone(user, ''),
        new Promise<string>((r) => setTimeout(() => r(''), 1200).unref?.()),
      ]);
  const view = applicationModal(
    check.cycle,
    cfg(deps).roles,
    check.existing,
    {
      ...(github ? { github } : {}),
      ...(timeZone ? { timeZone } : {}),
    },
    channel,
  );
  await deps.slack.views.open({ trigger_id: triggerId, view: view as never });
}

export type SubmitResult =
  | { ok: true; created: boolean; application: Application; cycle: Cycle }
  | { ok: false; errors: Record<string, string> };

/** Saves a validated application. Errors become field errors on the modal; nothing is stored. */
export function saveApplication(
  deps: Deps,
  user: string,
  cycleId: number,
  input: ApplicationInput,
): SubmitResult & { freed?: Application } {
  try {
    const cycle = store(deps).cycle(cycleId);
    if (!cycle) return { ok: false, errors: { role1: 'This application round no longer exists.' } };
    const res = store(deps).saveApplication(cycleId, user, input, nowIso(deps));
    if (res.freedSeats.length)
      void notifySeatsFreed(
        deps,
        cycle,
        res.application,
        res.freedSeats.map((d) => ({ role: d.role, at: d.decidedAt })),
      );
    return { ok: true, created: res.created, application: res.application, cycle };
  } catch (err) {
    if (err instanceof ShadowStoreError && err.code === 'closed')
      return { ok: false, errors: { role1: 'Applications for this cycle are closed; nothing was saved.' } };
    throw err;
  }
}

/** After a save: names for the roster (best effort) and a confirmation DM. */
export async function afterSave(
  deps: Deps,
  user: string,
  res: Extract<SubmitResult, { ok: true }>,
): Promise<void> {
  try {
    const info = (await deps.slack.users.info({ user })) as {
      user?: { real_name?: string; name?: string; profile?: { real_name?: string; display_name?: string } };
    };
    const u = info.user;
    store(deps).setNames(
      res.application.id,
      u?.profile?.real_name || u?.real_name || undefined,
      u?.profile?.display_name || u?.name || undefined,
    );
  } catch (err) {
    deps.log.warn({ err, user }, 'shadows: users.info failed; the roster will use the GitHub handle as name');
  }
  const a = res.application;
  const text =
    `${res.created ? ':white_check_mark: Your application' : ':pencil2: Your edited application'} for the Kubernetes v${res.cycle.version} Release Team is saved: ` +
    `${a.choices.map((r, i) => `${i + 1}. *${escapeMrkdwn(r)}*`).join(', ')}. ` +
    `You can edit it with \`/shadow apply\` or withdraw with \`/shadow withdraw\` until ${closeText(res.cycle, a.timeZone)}.`;
  await deps.outbound
    .send('chat.postMessage', {
      channel: user,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    })
    .catch((err) => {
      deps.log.warn({ err, user }, 'shadows: confirmation DM failed');
    });
}

export async function withdrawCommand(deps: Deps, user: string): Promise<Reply> {
  const cycle = requireCycle(deps);
  if (!isOpenAt(cycle, deps.clock.now()))
    throw new UserError(
      `Applications for v${cycle.version} are closed; withdrawing is no longer possible here.`,
      'Tell your role lead directly.',
    );
  try {
    const res = store(deps).withdraw(cycle.id, user, nowIso(deps));
    if (res.freedSeats.length)
      await notifySeatsFreed(
        deps,
        cycle,
        res.application,
        res.freedSeats.map((d) => ({ role: d.role, at: d.decidedAt })),
      );
    return {
      text: `Your v${cycle.version} application is withdrawn. You can apply again with \`/shadow apply\` until ${closeText(cycle)}.`,
    };
  } catch (err) {
    if (err instanceof ShadowStoreError && (err.code === 'no_application' || err.code === 'withdrawn'))
      throw new UserError(
        err.code === 'withdrawn'
          ? 'Your application is already withdrawn.'
          : `You have no v${cycle.version} application to withdraw.`,
      );
    if (err instanceof ShadowStoreError && err.code === 'closed')
      throw new UserError(`Applications for v${cycle.version} are closed.`);
    throw err;
  }
}

/** Tells a role's leads that a seat is free again and who is waitlisted (no one is promoted automatically). */
async function notifySeatsFreed(
  deps: Deps,
  cycle: Cycle,
  app: Application,
  freed: Array<{ role: string; at: string }>,
) {
  for (const f of freed) {
    const role = findRole(cfg(deps).roles, f.role);
    if (!role) continue;
    const list = reviewList(
      role,
      store(deps).applications(cycle.id),
      store(deps).decisions(cycle.id),
      new Map(),
    );
    const waiting = list.entries.filter((e) => e.decision === 'waitlisted');
    const text =
      `:information_source: <@${app.user}> gave up their accepted *${escapeMrkdwn(role.name)}* seat for v${cycle.version}. ` +
      `${role.name} now has ${list.accepted}/${role.capacity} accepted. ` +
      (waiting.length
        ? `Waitlisted: ${waiting.map((e) => `<@${e.app.user}>`).join(', ')}. Offer the seat with Accept in \`/shadow review ${role.name}\`.`
        : `Nobody is waitlisted; see \`/shadow review ${role.name}\`.`);
    for (const lead of role.leads.length ? role.leads : releaseTeamLeads(deps)) {
      await deps.outbox
        .postOnce(keys.seatFreed(cycle, app.id, role.name, f.at, lead), lead, { text })
        .catch((err) => deps.log.warn({ err, lead }, 'shadows: seat-freed DM failed'));
    }
  }
}

export async function statusCommand(deps: Deps, user: string): Promise<Reply> {
  const cycle = store(deps).currentCycle();
  const zone = await deps.directory.timeZone(user);
  if (!cycle) return statusReply(undefined, undefined, undefined, zone, false);
  const app = store(deps).application(cycle.id, user);
  const outcome =
    app && !app.withdrawnAt && cycle.state === 'published'
      ? outcomeFor(app, store(deps).decisionsFor(app.id))
      : undefined;
  return statusReply(cycle, app, outcome, zone, isOpenAt(cycle, deps.clock.now()));
}

// ------------------------------------------------------------------ review and decisions

export async function reviewCommand(deps: Deps, user: string, words: string[]): Promise<Reply> {
  let page = 1;
  const last = words.at(-1);
  if (words.length > 1 && last && /^\d+$/.test(last)) {
    page = Number(last);
    words = words.slice(0, -1);
  }
  const text = words.join(' ').trim();
  if (!text)
    throw new UserError(
      'Which role?',
      `Use \`/shadow review <role>\`, e.g. \`/shadow review Docs\`. Roles: ${cfg(deps)
        .roles.map((r) => `\`${r.name}\``)
        .join(', ')}.`,
    );
  const role = requireRole(deps, text);
  if (!(await canReview(deps, user, role)))
    throw new UserError(
      `Only the ${escapeMrkdwn(role.name)} lead(s) (${describeUsers(role.leads)}), the Release Team Lead and admins can review ${escapeMrkdwn(role.name)} applications.`,
    );
  const cycle = requireCycle(deps);
  return renderReview(deps, cycle, role, page);
}

export function renderReview(
  deps: Deps,
  cycle: Cycle,
  role: RoleConfig,
  page: number,
  notice?: string,
): Reply {
  const s = store(deps);
  const apps = s.applications(cycle.id);
  const past = s.pastService(apps.map((a) => a.github));
  const list = reviewList(role, apps, s.decisions(cycle.id), past);
  return reviewMessage({
    cycle,
    list,
    page,
    pageSize: cfg(deps).reviewPageSize,
    now: deps.clock.now(),
    ...(notice ? { notice } : {}),
  });
}

export interface DecisionRequest {
  cycleId: number;
  applicationId: number;
  role: string;
  page: number;
}

/** A lead pressed Accept / Waitlist / Decline. Returns the updated review with a notice on top. */
export async function decideCommand(
  deps: Deps,
  user: string,
  req: DecisionRequest,
  decision: DecisionKind,
): Promise<Reply> {
  const role = findRole(cfg(deps).roles, req.role);
  if (!role) throw new UserError(`The role ${escapeMrkdwn(req.role)} is no longer configured.`);
  if (!(await canReview(deps, user, role)))
    throw new UserError(
      `Only the ${escapeMrkdwn(role.name)} lead(s) (${describeUsers(role.leads)}), the Release Team Lead and admins can decide on ${escapeMrkdwn(role.name)} shadows. Nothing was changed.`,
    );
  const cycle = store(deps).cycle(req.cycleId);
  if (!cycle) throw new UserError('That application round no longer exists.');
  const app = store(deps).applicationById(req.applicationId);
  const who = app ? `<@${app.user}>` : 'this applicant';
  let notice: string;
  try {
    const res = store(deps).decide(
      cycle.id,
      req.applicationId,
      role.name,
      decision,
      role.capacity,
      user,
      nowIso(deps),
    );
    const seats = `${role.name} now has ${res.accepted}/${role.capacity} accepted.`;
    if (res.outcome === 'unchanged')
      notice = `${who} was already ${decision} for ${escapeMrkdwn(role.name)}. ${seats}`;
    else if (decision === 'accepted')
      notice = `:white_check_mark: Accepted ${who} for *${escapeMrkdwn(role.name)}*. ${seats}`;
    else {
      notice = `${decision === 'waitlisted' ? ':hourglass: Waitlisted' : ':x: Declined'} ${who} for *${escapeMrkdwn(role.name)}*.`;
      if (res.outcome === 'changed' && res.previous === 'accepted')
        notice += ` A seat is free again: ${seats}`;
    }
  } catch (err) {
    if (!(err instanceof ShadowStoreError)) throw err;
    switch (err.code) {
      case 'full':
        notice = `:no_entry: *${escapeMrkdwn(role.name)} is full* (${String(err.detail.accepted)}/${role.capacity} accepted): ${who} was not accepted. Waitlist them, or decline an accepted shadow first.`;
        break;
      case 'accepted_elsewhere':
        notice = `:no_entry: ${who} already holds a seat in ${escapeMrkdwn(String(err.detail.role))}; that lead must decline them first.`;
        break;
      case 'withdrawn':
        notice = `${who} withdrew their application; nothing was changed.`;
        break;
      case 'published':
        notice = `The v${cycle.version} decisions are published and final; nothing was changed.`;
        break;
      default:
        notice = `${who} did not apply for ${escapeMrkdwn(role.name)}; nothing was changed.`;
    }
  }
  return renderReview(deps, store(deps).cycle(cycle.id)!, role, req.page, notice);
}

// ------------------------------------------------------------------ publish

export async function publishCommand(deps: Deps, user: string): Promise<Reply> {
  if (!(await canPublish(deps, user)))
    throw new UserError(
      `Only the Release Team Lead (${describeUsers(releaseTeamLeads(deps))}) can publish the decisions.`,
    );
  const cycle = requireCycle(deps);
  if (cycle.state === 'open')
    throw new UserError(
      `Applications for v${cycle.version} are still open (until ${closeText(cycle)}).`,
      'An admin can close them early with `/shadow close`.',
    );
  const first = store(deps).markPublished(cycle.id, user, nowIso(deps));
  const published = store(deps).cycle(cycle.id)!;
  const r = await publishOutcomes(deps, published);
  const lines = [
    first
      ? `:mega: Published the v${cycle.version} decisions.`
      : `The v${cycle.version} decisions were already published; only messages still missing were sent.`,
    `DMs: ${r.sent} sent now, ${r.already} already sent, ${r.failed.length} failed.`,
  ];
  if (r.failed.length)
    lines.push(
      `:warning: Not delivered to ${r.failed.map((u) => `<@${u}>`).join(', ')}: run \`/shadow publish\` again to retry them.`,
    );
  if (r.usergroup) lines.push(r.usergroup);
  return { text: lines.join('\n') };
}

export async function publishOutcomes(deps: Deps, cycle: Cycle) {
  const s = store(deps);
  const apps = s.applications(cycle.id).filter((a) => !a.withdrawnAt);
  const decisions = s.decisions(cycle.id);
  let sent = 0;
  let already = 0;
  const failed: string[] = [];
  const batch = 10;
  for (let i = 0; i < apps.length; i += batch) {
    await Promise.all(
      apps.slice(i, i + batch).map(async (app) => {
        try {
          const res = await deps.outbox.postOnce(
            keys.outcome(cycle, app.user),
            app.user,
            outcomeMessage(cycle, outcomeFor(app, decisions)),
          );
          if (res.posted) sent += 1;
          else already += 1;
        } catch (err) {
          deps.log.warn({ err, user: app.user }, 'shadows: outcome DM failed');
          failed.push(app.user);
        }
      }),
    );
  }
  const accepted = apps.filter((a) =>
    decisions.some((d) => d.applicationId === a.id && d.decision === 'accepted'),
  );
  await deps.outbox
    .postOnce(keys.published(cycle), channelFor(deps.config, 'shadows'), {
      text: `:tada: The Kubernetes v${cycle.version} Release Team shadows are selected: ${cfg(deps)
        .roles.map(
          (r) =>
            `${r.name} ${decisions.filter((d) => d.role === r.name && d.decision === 'accepted').length}`,
        )
        .join(', ')}. Everyone who applied gets a DM. Thank you all for applying!`,
    })
    .catch((err) => deps.log.warn({ err }, 'shadows: publish summary post failed'));
  let usergroup: string | undefined;
  const group = cfg(deps).releaseTeamUsergroup;
  if (group) {
    const members = [
      ...new Set([...cfg(deps).roles.flatMap((r) => r.leads), ...accepted.map((a) => a.user)]),
    ];
    try {
      if (members.length === 0) throw new Error('nobody to add');
      await deps.slack.usergroups.users.update({ usergroup: group, users: members.join(',') });
      usergroup = `User group <!subteam^${group}> set to the ${members.length} members of the new team.`;
    } catch (err) {
      usergroup = `:warning: User group <!subteam^${group}> was not updated: ${escapeMrkdwn((err as Error).message)}. Run \`/shadow publish\` again to retry.`;
    }
  }
  return { sent, already, failed, usergroup };
}

// ------------------------------------------------------------------ roster

async function slackPerson(
  deps: Deps,
  user: string,
  cache: Map<string, RosterPerson | undefined>,
): Promise<RosterPerson | undefined> {
  if (cache.has(user)) return cache.get(user);
  let person: RosterPerson | undefined;
  const github = deps.directory.githubLoginFor(user);
  try {
    const info = (await deps.slack.users.info({ user })) as {
      user?: { real_name?: string; name?: string; profile?: { real_name?: string; display_name?: string } };
    };
    const u = info.user;
    const gh = github ?? u?.name;
    if (gh)
      person = {
        name: u?.profile?.real_name || u?.real_name || gh,
        github: gh,
        slack: u?.profile?.display_name || u?.name || gh,
      };
  } catch {
    if (github) person = { name: github, github, slack: github };
  }
  cache.set(user, person);
  return person;
}

/** The new team: configured leads plus accepted shadows, per role, shadows sorted by name. */
export async function buildRoster(
  deps: Deps,
  cycle: Cycle,
): Promise<{ roster: Roster; slackIds: Map<string, { id: string; tz?: string }> }> {
  const s = store(deps);
  const apps = s.applications(cycle.id);
  const decisions = s.decisions(cycle.id);
  const cache = new Map<string, RosterPerson | undefined>();
  const slackIds = new Map<string, { id: string; tz?: string }>();
  const roles = [];
  for (const role of cfg(deps).roles) {
    const leads: RosterPerson[] = [];
    for (const id of role.leads) {
      const p = await slackPerson(deps, id, cache);
      if (p) {
        leads.push(p);
        slackIds.set(p.github.toLowerCase(), { id });
      }
    }
    const shadows = decisions
      .filter((d) => d.role === role.name && d.decision === 'accepted')
      .map((d) => apps.find((a) => a.id === d.applicationId))
      .filter((a): a is Application => !!a && !a.withdrawnAt)
      .map((a) => {
        slackIds.set(a.github.toLowerCase(), { id: a.user, tz: a.timeZone });
        return { name: a.name ?? a.github, github: a.github, slack: a.slackName ?? a.github };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    roles.push({
      role: role.name,
      leads,
      shadows,
      leadTbd: leads.length === 0,
      shadowsTbd: shadows.length === 0,
    });
  }
  return { roster: { version: cycle.version, roles }, slackIds };
}

export async function rosterCommand(deps: Deps, user: string, words: string[]): Promise<Reply> {
  const format = (words[0] ?? 'markdown').toLowerCase();
  if (!['markdown', 'md', 'csv'].includes(format))
    throw new UserError(
      `\`${escapeMrkdwn(format.slice(0, 20))}\` is not a roster format.`,
      'Use `/shadow roster` (markdown) or `/shadow roster csv`.',
    );
  const cycle = requireCycle(deps);
  if (cycle.state !== 'published' && !(await isReviewer(deps, user)))
    throw new UserError(
      `The v${cycle.version} roster is not published yet.`,
      'It is shown to everyone once the Release Team Lead publishes the decisions.',
    );
  const { roster, slackIds } = await buildRoster(deps, cycle);
  const draft = cycle.state === 'published' ? '' : ' (draft: decisions not published yet)';
  if (format === 'csv') {
    const csv = renderRosterCsv(roster, (p) => {
      const x = slackIds.get(p.github.toLowerCase());
      return x ? { slackId: x.id, ...(x.tz ? { timeZone: x.tz } : {}) } : {};
    });
    return codeReply(`*v${cycle.version} roster, CSV*${draft}`, csv);
  }
  return codeReply(
    `*v${cycle.version} roster* for \`releases/release-${cycle.version}/release-team.md\`${draft}`,
    renderRosterMarkdown(roster),
  );
}
