import { channelFor, type Deps } from '../deps';
import { UserError } from '../errors';
import type { Message } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { canPublish, describeUsers, releaseTeamLeads, requireCycle } from './access';
import { closeText, outcomeMessage } from './blocks';
import { cfg, keys, nowIso, store } from './common';
import { type Cycle, outcomeFor } from './rules';

/** Publishing the decisions: one outcome DM per applicant, the channel summary, the team's user group. */

/** `/shadow publish`: the Release Team Lead publishes (again: only what is still missing is sent). */
export async function publishDecisions(deps: Deps, user: string): Promise<Message> {
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
