import type { SlackEmulator } from './slack/server';

/**
 * The people, channels and user groups of the emulated SIG Release workspace, shared by the e2e
 * tests and the local sandbox. Names and GitHub logins are real (the v1.37 roster and release
 * managers); Slack IDs are from kubernetes/community slack-config/users.yaml.
 */

export const CHANNEL = 'CJH2GBF7Y';
export const RELEASE_MANAGERS_GROUP = 'S0RELMGRS';
export const RELEASE_TEAM_GROUP = 'S0RELTEAM';

export const people = {
  /** v1.37 Release Team Lead; admin. */
  lead: { id: 'U02GLF28LNM', name: 'dipesh-rawat', github: 'dipesh-rawat', tz: 'Europe/London' },
  /** Release Team subproject lead; admin. */
  admin: { id: 'U01GDERGEHF', name: 'katcosgrove', github: 'katcosgrove', tz: 'America/Los_Angeles' },
  /** Release Manager (approver via the release-managers user group). */
  approver: { id: 'U8DFY4TTK', name: 'cpanato', github: 'cpanato', tz: 'Europe/Amsterdam' },
  /** Release Manager (approver via GitHub login). */
  approver2: { id: 'U0E0E78AK', name: 'justaugustus', github: 'justaugustus', tz: 'America/New_York' },
  /** Docs lead: a role lead. */
  docsLead: { id: 'U09E646UPE3', name: 'kernel-kun', github: 'kernel-kun', tz: 'Asia/Kolkata' },
  /** Enhancements lead. */
  enhancementsLead: { id: 'U01Q16YA35J', name: 'whtssub', github: 'whtssub', tz: 'Asia/Kolkata' },
  /** Branch Manager lead. */
  branchLead: {
    id: 'U02GQ3GEQV8',
    name: 'aibarbetta',
    github: 'aibarbetta',
    tz: 'America/Argentina/Buenos_Aires',
  },
  /** A contributor with no special rights. */
  member: { id: 'U03M6SD7CLE', name: 'tico88612', github: 'tico88612', tz: 'Asia/Taipei' },
  /** Another contributor, far east. */
  member2: { id: 'UC4J73YCR', name: 'chadmcrowell', github: 'chadmcrowell', tz: 'Pacific/Kiritimati' },
} as const;

export function seedSlack(slack: SlackEmulator): void {
  slack.addChannel(CHANNEL, 'release-management');
  slack.addChannel('C0SIGREL', 'sig-release');
  for (const p of Object.values(people)) slack.addUser({ id: p.id, name: p.name, tz: p.tz });
  slack.addUsergroup(RELEASE_MANAGERS_GROUP, 'release-managers', [people.approver.id]);
  slack.addUsergroup(RELEASE_TEAM_GROUP, 'release-team', []);
}

/** relbot.yaml for the emulated workspace (as a plain object; tests may change parts of it). */
export function seedConfig(): Record<string, unknown> {
  return {
    timezone: 'UTC',
    channels: { default: CHANNEL },
    admins: { users: [people.lead.id, people.admin.id] },
    github: { repos: ['kubernetes/kubernetes'] },
    people: Object.fromEntries(Object.values(people).map((p) => [p.github, p.id])),
    cherrypicks: {
      approvers: { usergroups: [RELEASE_MANAGERS_GROUP], github: ['justaugustus'] },
      label: 'cherry-pick-approved',
    },
    // Reminders mention the seeded SIG Release user groups: the patch deadlines' Who is Release
    // Managers; "ALL" rows are the whole release team.
    schedule: {
      reminders: { mentions: { 'Release Managers': RELEASE_MANAGERS_GROUP, ALL: RELEASE_TEAM_GROUP } },
    },
    shadows: {
      roles: [
        { name: 'Release Team Lead', leads: [people.lead.id], capacity: 4 },
        { name: 'Enhancements', leads: [people.enhancementsLead.id], capacity: 4 },
        { name: 'Communications', leads: [], capacity: 4 },
        { name: 'Release Signal', leads: [], capacity: 4 },
        { name: 'Docs', leads: [people.docsLead.id], capacity: 4 },
        { name: 'Branch Manager', leads: [people.branchLead.id], capacity: 4 },
      ],
    },
  };
}
