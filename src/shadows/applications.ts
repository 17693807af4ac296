import { channelFor, type Deps } from '../deps';
import { UserError } from '../errors';
import { channelRef, type Message } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { canPublish, isReviewer, releaseTeamLeads, requireCycle } from './access';
import { applicationModal, closeText, savedMessage, statusReply } from './blocks';
import { cfg, keys, nowIso, store } from './common';
import { publishAuditLine } from './publish';
import {
  type Application,
  type ApplicationInput,
  type Cycle,
  FIELD,
  findRole,
  isOpenAt,
  outcomeFor,
  reviewList,
  roleDemand,
  type ViewStateValues,
  validateApplication,
} from './rules';
import { ShadowStoreError } from './store';

/** Applying: who may apply now, the modal, saving a submission, withdrawing, a seat freed, and `/shadow status`. */

export type ApplyCheck = { ok: true; cycle: Cycle; existing?: Application } | { ok: false; message: string };

/** Whether the user may open the application modal now. */
export function checkCanApply(deps: Deps, user: string): ApplyCheck {
  const cycle = store(deps).currentCycle();
  if (!cycle) return { ok: false, message: 'No shadow applications are open: none have been opened yet.' };
  if (!isOpenAt(cycle, deps.clock.now()))
    return {
      ok: false,
      message: `Shadow applications for v${cycle.version} closed on ${closeText(cycle)}. The next round will be announced in ${channelRef(channelFor(deps.config, 'shadows'))}.`,
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
  await deps.slack.views.open({ trigger_id: triggerId, view });
}

export type SubmitResult =
  | { ok: true; created: boolean; application: Application; cycle: Cycle }
  | { ok: false; errors: Record<string, string> };

/**
 * A submitted application modal: its metadata (which cycle), the fields, then the save. Errors are
 * field errors keyed by block id, to show on the modal; nothing is stored unless all is valid.
 */
export function submitApplication(
  deps: Deps,
  user: string,
  privateMetadata: string,
  values: ViewStateValues,
): SubmitResult {
  const cycleId = metadataCycle(privateMetadata);
  if (cycleId === undefined)
    return { ok: false, errors: { [FIELD.role1]: 'This form is damaged; run `/shadow apply` again.' } };
  const valid = validateApplication(
    values,
    cfg(deps).roles.filter((r) => r.capacity > 0),
  );
  if (!valid.ok) return valid;
  return saveApplication(deps, user, cycleId, valid.input);
}

/** The cycle id in the modal's private_metadata (`{"cycle": 7, "channel": …}`); undefined if damaged. */
function metadataCycle(privateMetadata: string): number | undefined {
  try {
    const meta = JSON.parse(privateMetadata || '{}') as { cycle?: unknown } | null;
    return typeof meta?.cycle === 'number' ? meta.cycle : undefined;
  } catch {
    return undefined;
  }
}

/** Saves a validated application. Errors become field errors on the modal; nothing is stored. */
export function saveApplication(
  deps: Deps,
  user: string,
  cycleId: number,
  input: ApplicationInput,
): SubmitResult {
  try {
    const cycle = store(deps).cycle(cycleId);
    if (!cycle) return { ok: false, errors: { [FIELD.role1]: 'This application round no longer exists.' } };
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
      return {
        ok: false,
        errors: { [FIELD.role1]: 'Applications for this cycle are closed; nothing was saved.' },
      };
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
  await deps.outbound
    .send('chat.postMessage', { channel: user, ...savedMessage(res.cycle, res.application, res.created) })
    .catch((err) => {
      deps.log.warn({ err, user }, 'shadows: confirmation DM failed');
    });
}

/** `/shadow withdraw`: withdraws the user's application while the cycle is open. */
export async function withdrawApplication(deps: Deps, user: string): Promise<Message> {
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

/** `/shadow status`: the user's application in the current cycle and, once published, its outcome. */
export async function applicationStatus(deps: Deps, user: string): Promise<Message> {
  const cycle = store(deps).currentCycle();
  const zone = await deps.directory.timeZone(user);
  const channel = channelFor(deps.config, 'shadows');
  if (!cycle) return statusReply(undefined, undefined, undefined, zone, false, channel);
  const app = store(deps).application(cycle.id, user);
  const outcome =
    app && !app.withdrawnAt && cycle.state === 'published'
      ? outcomeFor(
          app,
          store(deps).decisionsFor(app.id),
          roleDemand(cfg(deps).roles, store(deps).applications(cycle.id)),
        )
      : undefined;
  // The publish audit is for the people who run the selection, not for every applicant.
  const audit =
    (await canPublish(deps, user)) || (await isReviewer(deps, user))
      ? publishAuditLine(deps, cycle)
      : undefined;
  return statusReply(cycle, app, outcome, zone, isOpenAt(cycle, deps.clock.now()), channel, audit);
}
