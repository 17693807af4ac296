import { parse } from 'yaml';
import { fixture } from '../../src/fixtures';
import { CHANNEL, people } from '../../src/sandbox/seed';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { store } from '../../src/shadows/common';
import { parseRoster, type Roster } from '../../src/shadows/roster';
import { closeInstant } from '../../src/shadows/rules';
import type { Harness } from './harness';

/**
 * The roster and user-group pull requests in e2e tests: the real v1.37 team as relbot would know it
 * (leads in the config with their Slack names, shadows as accepted applications), and clicks whose
 * answer is read from their own response_url.
 */

export const FORK = 'relbot-bot';
export const users = parse(fixture('slack-config-users.yaml')).users as Record<string, string>;
const idOf = (github: string, i: number) =>
  Object.entries(users).find(([k]) => k.toLowerCase() === github.toLowerCase())?.[1] ??
  `U0TEAM${String(i).padStart(3, '0')}`;

export const team137: Roster = parseRoster(fixture('release-team-1.37.md'));

/** relbot.yaml for the v1.37 team: each role's lead with their Slack ID and GitHub login, roomy capacity. */
export function teamConfig(raw: Record<string, unknown>): void {
  const shadows = raw.shadows as { roles: Array<{ name: string; leads: string[]; capacity: number }> };
  shadows.roles = team137.roles.map((r) => ({
    name: r.role,
    leads: r.leads.map((l, i) => idOf(l.github, i)),
    capacity: 10,
  }));
  (shadows as Record<string, unknown>).writeBack = { fork: FORK };
  const map = raw.people as Record<string, string>;
  for (const r of team137.roles) for (const [i, l] of r.leads.entries()) map[l.github] = idOf(l.github, i);
}

/** The v1.37 leads in the emulated Slack, named as the roster names them. */
export function addLeads(h: Harness): void {
  for (const r of team137.roles)
    for (const [i, l] of r.leads.entries())
      h.slack.addUser({ id: idOf(l.github, i), name: l.slack ?? l.github, real_name: l.name });
}

/**
 * A closed round for `version` whose accepted shadows are `roster`'s, created through the store
 * (the application modal has its own tests), plus `extra` people for a role.
 */
export function closedRound(
  h: Harness,
  version: string,
  roster: Roster,
  extra: Array<{ role: string; id: string; name: string; github: string; slack: string }> = [],
): number {
  const s = store(h.relbot.deps);
  const now = h.clock.now().toUTC().toISO()!;
  const close = h.clock.now().plus({ days: 3 }).toISODate()!;
  const cycle = s.openCycle(version, close, closeInstant(close).toISO()!, people.lead.id, now);
  let n = 0;
  const all = [
    ...roster.roles.flatMap((r) =>
      r.shadows.map((p) => ({
        role: r.role,
        id: idOf(p.github, 500 + n++),
        name: p.name,
        github: p.github,
        slack: p.slack ?? p.github,
      })),
    ),
    ...extra,
  ];
  for (const p of all) {
    h.slack.addUser({ id: p.id, name: p.slack, real_name: p.name });
    const res = s.saveApplication(
      cycle.id,
      p.id,
      {
        github: p.github,
        timeZone: 'UTC',
        hoursPerWeek: 8,
        servedBefore: false,
        why: 'To help.',
        choices: [p.role],
      },
      now,
    );
    s.setNames(res.application.id, p.name, p.slack);
    s.decide(cycle.id, res.application.id, p.role, 'accepted', 10, people.lead.id, now);
  }
  s.closeCycle(cycle.id, people.admin.id, now);
  return cycle.id;
}

export interface Answer {
  text: string;
  blocks: unknown[];
}

/** Clicks `actionId` on an answer `user` was shown, and returns relbot's answer to that click. */
export async function click(
  h: Harness,
  user: string,
  on: Answer,
  actionId: string,
  value?: string,
): Promise<Answer> {
  const msg: SlackMessage = {
    channel: CHANNEL,
    ts: '0.000001',
    user: h.slack.botUserId,
    edits: 0,
    ephemeralTo: user,
    blocks: on.blocks,
    text: on.text,
  };
  const payload = h.driver.blockActionsPayload(user, msg, actionId, value);
  const url = String(payload.response_url);
  const id = url.slice(url.lastIndexOf('/') + 1);
  const res = await h.driver.sendInteraction(payload);
  if (res.status !== 200) throw new Error(`click ${actionId}: HTTP ${res.status}`);
  await h.slack.waitFor(() => (h.slack.responseUrls.get(id)?.bodies.length ?? 0) > 0, 60_000);
  return h.slack.responseUrls.get(id)!.bodies[0] as Answer;
}

/** The value of the button `actionId` on an answer. */
export function buttonValue(on: Answer, actionId: string): string | undefined {
  for (const b of on.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
    for (const e of b.elements ?? []) if (e.action_id === actionId) return e.value;
  return undefined;
}

/** Requests that write (anything but GET/HEAD) the emulated GitHub got so far. */
export const writes = (h: Harness) =>
  h.github.calls.filter((c) => c.method !== 'GET' && c.method !== 'HEAD').length;

/**
 * Upstream's v1.37 roster with one shadow (Ryota) taken out, their cell keeping its width, so that
 * publishing the real v1.37 team has exactly one change to make. Returns the file it set.
 */
export function seedUpstream137WithoutRyota(h: Harness): string {
  const ryota = ', Ryota Sawada ([@rytswd](https://github.com/rytswd) / Slack: `@Ryota`)';
  const upstream = fixture('release-team-1.37.md').replace(`${ryota} `, ' '.repeat(ryota.length + 1));
  h.github.setFile('kubernetes', 'sig-release', 'releases/release-1.37/release-team.md', upstream, 'master');
  return upstream;
}
