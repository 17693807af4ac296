import type { Deps } from '../deps';
import { UserError } from '../errors';
import type { Message } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { isReviewer, requireCycle } from './access';
import { codeReply } from './blocks';
import { cfg, store } from './common';
import { closestFirst } from './match';
import { type Roster, type RosterPerson, renderRosterCsv, renderRosterMarkdown } from './roster';
import type { Application, Cycle } from './rules';

/** `/shadow roster`: the new team (leads from Slack, accepted shadows) as release-team.md or CSV. */

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

/** `/shadow roster [csv]`: everyone once published; before that, reviewers only (marked as a draft). */
export async function exportRoster(deps: Deps, user: string, words: string[]): Promise<Message> {
  const format = (words[0] ?? 'markdown').toLowerCase();
  if (!['markdown', 'md', 'csv'].includes(format))
    throw new UserError(
      `\`${escapeMrkdwn(format.slice(0, 20))}\` is not a roster format.`,
      closestFirst(['markdown', 'csv'], format)[0] === 'csv'
        ? 'Use `/shadow roster csv`, or `/shadow roster` for markdown.'
        : 'Use `/shadow roster` (markdown), or `/shadow roster csv`.',
    );
  const cycle = requireCycle(deps);
  if (cycle.state !== 'published' && !(await isReviewer(deps, user)))
    throw new UserError(
      `The v${cycle.version} roster is not published yet.`,
      'It is shown to everyone once the Release Team Lead publishes the decisions.',
    );
  const { roster, slackIds } = await buildRoster(deps, cycle);
  const draft = cycle.state === 'published' ? '' : ' (draft: decisions not published yet)';
  const perRole = roster.roles.map(
    (r) => `${r.role} ${r.leads.length} lead(s), ${r.shadows.length} shadow(s)`,
  );
  const whenCut = (other: string) => `Every role: ${perRole.join('; ')}. ${other}`;
  if (format === 'csv') {
    const csv = renderRosterCsv(roster, (p) => {
      const x = slackIds.get(p.github.toLowerCase());
      return x ? { slackId: x.id, ...(x.tz ? { timeZone: x.tz } : {}) } : {};
    });
    return codeReply(
      `*v${cycle.version} roster, CSV*${draft}`,
      csv,
      whenCut('The markdown table (`/shadow roster`) is shorter.'),
    );
  }
  return codeReply(
    `*v${cycle.version} roster* for \`releases/release-${cycle.version}/release-team.md\`${draft}`,
    renderRosterMarkdown(roster),
    whenCut('`/shadow roster csv` gives one line per person.'),
  );
}
