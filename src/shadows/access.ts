import type { Deps } from '../deps';
import { UserError } from '../errors';
import { escapeMrkdwn } from '../slack/escape';
import { cfg, store } from './common';
import type { RoleConfig } from './config';
import { closestFirst, likelyMeant } from './match';
import { type Cycle, findRole, OPEN_USAGE } from './rules';

/** Who may do what in shadow sign-up (admins, role leads, the Release Team Lead), and the lookups that refuse. */

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
export async function isReviewer(deps: Deps, user: string): Promise<boolean> {
  return cfg(deps).roles.some((r) => r.leads.includes(user)) || (await isAdmin(deps, user));
}

/** The Release Team Lead; admins only when no Release Team Lead is configured. */
export async function canPublish(deps: Deps, user: string): Promise<boolean> {
  const rtl = releaseTeamLeads(deps);
  return rtl.length ? rtl.includes(user) : isAdmin(deps, user);
}

export function describeUsers(users: string[]): string {
  return users.length ? users.map((u) => `<@${u}>`).join(', ') : 'nobody (none configured)';
}

/** The configured roles as `` `Docs`, `Enhancements`, … ``, closest to `typed` first. */
export function rolesClosestFirst(deps: Deps, typed: string): string {
  return closestFirst(
    cfg(deps).roles.map((r) => r.name),
    typed,
  )
    .map((r) => `\`${escapeMrkdwn(r)}\``)
    .join(', ');
}

/** The role `text` names; an unknown one is an error naming the roles, closest match first. */
export function requireRole(deps: Deps, text: string): RoleConfig {
  const role = findRole(cfg(deps).roles, text);
  if (!role) {
    const names = cfg(deps).roles.map((r) => r.name);
    const meant = likelyMeant(names, text);
    throw new UserError(
      `\`${escapeMrkdwn(text.slice(0, 60)) || '(none)'}\` is not a role this cycle.` +
        (meant ? ` Did you mean \`${escapeMrkdwn(meant)}\`?` : ''),
      `Roles, closest first: ${rolesClosestFirst(deps, text)}.`,
    );
  }
  return role;
}

export function requireCycle(deps: Deps): Cycle {
  const cycle = store(deps).currentCycle();
  if (!cycle)
    throw new UserError(
      'No shadow applications have been opened yet.',
      `An admin opens them with ${OPEN_USAGE}.`,
    );
  return cycle;
}
