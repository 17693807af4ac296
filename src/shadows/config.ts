import { z } from 'zod';
import { movedKey, repoName, slackUsergroupId, slackUserId } from '../config-types';

const role = z
  .object({
    name: z.string().min(1).max(60),
    /** Role lead(s): Slack users who review this role's applications. */
    leads: z.array(slackUserId).default([]),
    capacity: z.number().int().min(0).max(50).default(4),
  })
  .strict();

const pastRoster = z
  .object({
    /** The cycle the roster belongs to, e.g. '1.37'. */
    version: z.string().regex(/^\d+\.\d+$/, 'a minor version such as 1.37'),
    repo: repoName.default('kubernetes/sig-release'),
    /** Defaults to releases/release-<version>/release-team.md. */
    path: z.string().min(1).optional(),
    ref: z.string().min(1).default('master'),
  })
  .strict();
export type PastRosterSource = z.infer<typeof pastRoster>;

/**
 * The roster and user-group pull requests offered on publish (write-back.ts): pushed to a fork
 * the token can write to, one branch per cycle, opened against the upstream repos.
 */
const writeBack = z
  .object({
    /** The GitHub account or organization that holds the forks (created when missing). */
    fork: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub account or organization'),
    sigReleaseRepo: repoName.default('kubernetes/sig-release'),
    communityRepo: repoName.default('kubernetes/community'),
    /** The upstream branch the pull requests go into (both repos use master). */
    baseBranch: z.string().min(1).default('master'),
    /** Branch per cycle in the fork: `<prefix><version>`, e.g. relbot/release-team-1.38. */
    branchPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits, . _ / -')
      .default('relbot/release-team-'),
    /** The Tempelis user group whose members the community PR sets. */
    usergroup: z.string().min(1).default('release-team-leads'),
    /** `leads`: every role lead plus the Release Team Lead shadows; `team`: leads plus every shadow. */
    usergroupMembers: z.enum(['leads', 'team']).default('leads'),
    usergroupsPath: z.string().min(1).default('communication/slack-config/sig-release/usergroups.yaml'),
    usersPath: z.string().min(1).default('communication/slack-config/users.yaml'),
    /** Confirm says what it would do and writes nothing. */
    dryRun: z.boolean().default(false),
  })
  .strict();
export type WriteBackConfig = z.infer<typeof writeBack>;

export const DEFAULT_ROLES = [
  'Release Team Lead',
  'Enhancements',
  'Communications',
  'Release Signal',
  'Docs',
  'Branch Manager',
];

/** relbot.yaml `shadows:` block. */
export const shadowsConfig = z
  .object({
    roles: z
      .array(role)
      .min(1)
      .refine((roles) => new Set(roles.map((r) => r.name.toLowerCase())).size === roles.length, {
        message: 'role names must be unique',
      }),
    /** The role whose lead(s) are the Release Team Lead: they review every role and publish. */
    releaseTeamLeadRole: z.string().min(1).default('Release Team Lead'),
    /**
     * Past rosters (release-team.md) read through the GitHub contents API when a cycle opens, so
     * returning applicants are recognised. Empty: none are read (the seed imports them directly).
     */
    pastRosters: z.array(pastRoster).default([]),
    /**
     * Slack user group set to the new team (leads + accepted shadows) on publish. Leave unset where
     * Tempelis owns the user groups (the Kubernetes workspace): it would revert a direct update.
     */
    releaseTeamUsergroup: slackUsergroupId.optional(),
    /** Roster and user-group pull requests on publish; unset: none are offered. */
    writeBack: writeBack.optional(),
    /** Moved: the close job wakes at `jobs.shadows-close`. */
    closeCheckCron: movedKey('jobs.shadows-close'),
    /** Applicants per page of `/shadow review` (each takes two blocks; a message holds at most 50). */
    reviewPageSize: z.number().int().min(1).max(20).default(20),
  })
  .strict()
  .refine((s) => !(s.writeBack && s.releaseTeamUsergroup), {
    message:
      'set either releaseTeamUsergroup (relbot sets the Slack user group) or writeBack (a usergroups.yaml PR, and Tempelis sets the group), not both: Tempelis would undo the direct update',
    path: ['releaseTeamUsergroup'],
  })
  .prefault({ roles: DEFAULT_ROLES.map((name) => ({ name })) });

export type ShadowsConfig = z.infer<typeof shadowsConfig>;
export type RoleConfig = ShadowsConfig['roles'][number];

/** Path of a past roster in kubernetes/sig-release. */
export function pastRosterPath(src: PastRosterSource): string {
  return src.path ?? `releases/release-${src.version}/release-team.md`;
}
