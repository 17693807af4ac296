import { DateTime } from 'luxon';
import { channelFor, type Deps } from '../deps';
import { UserError } from '../errors';
import { channelRef, lineSections, type Message, message, slackDate } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { canPublish, describeUsers, releaseTeamLeads, requireCycle } from './access';
import { applicants, closeText, contradictionText, outcomeMessage } from './blocks';
import { cfg, keys, nowIso, store } from './common';
import { listText, publishCheckMessage, publishSummaryText } from './publish-blocks';
import { publishCheck } from './publish-rules';
import { ShadowPublishStore } from './publish-store';
import { type Cycle, outcomeFor, roleDemand } from './rules';
import { ShadowStoreError } from './store';
import { writeBackOffered } from './write-back';
import { offerBlocks } from './write-back-blocks';

/**
 * Publishing the decisions: first a check that every applicant has one (relbot never decides for
 * anyone), then one outcome DM per applicant, the channel summary, and the team's user group.
 */

async function requirePublisher(deps: Deps, user: string): Promise<void> {
  if (!(await canPublish(deps, user)))
    throw new UserError(
      `Only the Release Team Lead (${describeUsers(releaseTeamLeads(deps))}) can publish the decisions.`,
    );
}

function requireClosed(cycle: Cycle): void {
  if (cycle.state === 'open')
    throw new UserError(
      `Applications for v${cycle.version} are still open (until ${closeText(cycle)}).`,
      'An admin can close them early with `/shadow close`.',
    );
}

/** The undecided applicants of a cycle, as the pre-publish check shows them. */
function check(deps: Deps, cycle: Cycle) {
  const s = store(deps);
  return publishCheck(cfg(deps).roles, s.applications(cycle.id), s.decisions(cycle.id));
}

/** Live applicants whose "first time" answer contradicts an imported roster, one line each. */
function contradictions(deps: Deps, cycle: Cycle): string[] {
  const s = store(deps);
  const apps = s.applications(cycle.id).filter((a) => !a.withdrawnAt);
  const past = s.pastService(apps.map((a) => a.github));
  return apps
    .map((a) => {
      const c = contradictionText(a, past.get(a.github.toLowerCase()) ?? []);
      return c ? `<@${a.user}> ${c.replace(/^:warning: /, '')}.` : '';
    })
    .filter(Boolean);
}

/**
 * `/shadow publish`: with every applicant decided, publishes (again: only what is still missing is
 * sent). Otherwise shows the Release Team Lead what is undecided, and publishes nothing.
 */
export async function publishDecisions(deps: Deps, user: string): Promise<Message> {
  await requirePublisher(deps, user);
  const cycle = requireCycle(deps);
  requireClosed(cycle);
  if (cycle.state === 'closed') {
    const c = check(deps, cycle);
    if (c.pairs.length) return publishCheckMessage(cycle, c, contradictions(deps, cycle));
  }
  const first = store(deps).markPublished(cycle.id, user, nowIso(deps));
  return publishedAnswer(deps, cycle, first);
}

/** "Decline the undecided and publish" (after Slack's confirm dialog): audited, then published. */
export async function declineUndecidedAndPublish(
  deps: Deps,
  user: string,
  buttonValue: string | undefined,
): Promise<Message> {
  await requirePublisher(deps, user);
  const req = parseValue(buttonValue);
  if (!req) throw new UserError('That button is damaged. Run `/shadow publish` again.');
  const cycle = store(deps).cycle(req.cycleId);
  if (!cycle) throw new UserError('That application round no longer exists.');
  requireClosed(cycle);
  if (cycle.state === 'published') return publishedAnswer(deps, cycle, false);
  let first: boolean;
  try {
    first = new ShadowPublishStore(deps.db).declineUndecidedAndPublish(
      cycle.id,
      req.fingerprint,
      () => check(deps, cycle),
      user,
      nowIso(deps),
    );
  } catch (err) {
    if (!(err instanceof ShadowStoreError) || err.code !== 'changed') throw err;
    const c = check(deps, cycle);
    if (!c.pairs.length) {
      // Everyone got a decision since the check was shown: nothing to decline, publish as asked.
      return publishedAnswer(deps, cycle, store(deps).markPublished(cycle.id, user, nowIso(deps)));
    }
    return publishCheckMessage(
      cycle,
      c,
      contradictions(deps, cycle),
      ':information_source: The undecided applicants changed since this list was shown, so nobody was declined and nothing was published. Here is the list as it is now.',
    );
  }
  return publishedAnswer(deps, cycle, first);
}

function parseValue(raw: string | undefined): { cycleId: number; fingerprint: string } | undefined {
  try {
    const v = JSON.parse(raw ?? '') as { c?: unknown; f?: unknown };
    return typeof v.c === 'number' && typeof v.f === 'string'
      ? { cycleId: v.c, fingerprint: v.f }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The audit of "Decline the undecided and publish", as one line: who, when, whom. Undefined when
 * it was not used for the cycle.
 */
export function publishAuditLine(deps: Deps, cycle: Cycle): string | undefined {
  const rows = new ShadowPublishStore(deps.db).publishDeclines(cycle.id);
  if (!rows.length) return undefined;
  const byUser = new Map<string, string[]>();
  for (const r of rows) byUser.set(r.user, [...(byUser.get(r.user) ?? []), r.role]);
  const at = DateTime.fromISO(rows[0]!.at, { zone: 'utc' });
  const when = slackDate(at, '{date_short_pretty} {time}', `${at.toFormat('ccc d LLL yyyy HH:mm')} UTC`);
  const whom = [...byUser].map(([u, roles]) => `<@${u}> (${roles.map(escapeMrkdwn).join(', ')})`);
  return (
    `:memo: *Publish audit:* <@${rows[0]!.by}> declined ${applicants(byUser.size)} who had no decision, ` +
    `and published on ${when}. Declined: ${listText(whom)}.`
  );
}

async function publishedAnswer(deps: Deps, cycle: Cycle, first: boolean): Promise<Message> {
  const published = store(deps).cycle(cycle.id)!;
  const r = await publishOutcomes(deps, published);
  const channel = channelRef(channelFor(deps.config, 'shadows'));
  const lines = [
    first
      ? `:mega: Published the v${cycle.version} decisions. The summary is posted in ${channel}.`
      : `The v${cycle.version} decisions were already published. Only messages still missing were sent.`,
    `DMs: ${r.sent} sent now, ${r.already} already sent, ${r.failed.length} failed.` +
      (r.withdrawn
        ? ` ${r.withdrawn === 1 ? '1 applicant' : `${r.withdrawn} applicants`} withdrew and got no DM.`
        : ''),
  ];
  if (r.failed.length)
    lines.push(
      `:warning: Not delivered to ${r.failed.map((u) => `<@${u}>`).join(', ')}. Run \`/shadow publish\` again to retry them.`,
    );
  if (r.usergroup) lines.push(r.usergroup);
  const audit = publishAuditLine(deps, published);
  if (audit) lines.push(audit);
  // With shadows.writeBack, the answer offers the roster and user-group pull requests.
  if (writeBackOffered(deps))
    return message(lines.join('\n'), [...lineSections(lines), ...offerBlocks(cycle.id)]);
  return { text: lines.join('\n') };
}

export async function publishOutcomes(deps: Deps, cycle: Cycle) {
  const s = store(deps);
  const all = s.applications(cycle.id);
  const apps = all.filter((a) => !a.withdrawnAt);
  const withdrawn = all.length - apps.length;
  const decisions = s.decisions(cycle.id);
  const demand = roleDemand(cfg(deps).roles, all);
  const channel = channelFor(deps.config, 'shadows');
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
            outcomeMessage(cycle, outcomeFor(app, decisions, demand), channel),
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
  const filled = cfg(deps).roles.map((r) => ({
    role: r.name,
    shadows: decisions.filter((d) => d.role === r.name && d.decision === 'accepted').length,
  }));
  await deps.outbox
    .postOnce(keys.published(cycle), channel, {
      text: publishSummaryText(cycle, filled, {
        delivered: sent + already,
        failed: failed.length,
        withdrawn,
      }),
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
  return { sent, already, failed, withdrawn, usergroup };
}
