import type { Deps } from '../deps';
import { UserError } from '../errors';
import type { Message } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { canReview, describeUsers, requireCycle, requireRole, rolesClosestFirst } from './access';
import { reviewMessage } from './blocks';
import { cfg, nowIso, store } from './common';
import type { RoleConfig } from './config';
import { type Cycle, type DecisionKind, findRole, REVIEW_USAGE, reviewList } from './rules';
import { ShadowStoreError } from './store';

/** Review and decisions: a role's applicants page by page, and a lead's Accept / Waitlist / Decline. */

const DAMAGED = `That button is damaged. Run ${REVIEW_USAGE} again.`;

/** `/shadow review <role> [page]`. */
export async function reviewRole(deps: Deps, user: string, words: string[]): Promise<Message> {
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
      `Use ${REVIEW_USAGE}, e.g. \`/shadow review Docs\`. Roles: ${cfg(deps)
        .roles.map((r) => `\`${escapeMrkdwn(r.name)}\``)
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
): Message {
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

/** What a review message's button carries (its `value`, written by `reviewMessage`). */
export interface DecisionRequest {
  cycleId: number;
  applicationId: number;
  role: string;
  page: number;
}

/** Reads a review button's value `{c, a, r, p}`; undefined when it is not one. */
export function parseReviewButton(raw: string | undefined): DecisionRequest | undefined {
  try {
    const v = JSON.parse(raw ?? '') as { c?: unknown; a?: unknown; r?: unknown; p?: unknown };
    if (typeof v.c !== 'number' || typeof v.r !== 'string') return undefined;
    return {
      cycleId: v.c,
      applicationId: typeof v.a === 'number' ? v.a : 0,
      role: v.r,
      page: typeof v.p === 'number' ? v.p : 1,
    };
  } catch {
    return undefined;
  }
}

/** Previous / Next on a review message: that page of the role, for someone who may review it. */
export async function reviewPage(
  deps: Deps,
  user: string,
  buttonValue: string | undefined,
): Promise<Message> {
  const req = parseReviewButton(buttonValue);
  if (!req) throw new UserError(DAMAGED);
  const role = requireRole(deps, req.role);
  if (!(await canReview(deps, user, role)))
    throw new UserError(
      `Only the ${escapeMrkdwn(role.name)} lead(s) (${describeUsers(role.leads)}), the Release Team Lead and admins can review ${escapeMrkdwn(role.name)} applications.`,
    );
  const cycle = store(deps).cycle(req.cycleId);
  if (!cycle) throw new UserError('That application round no longer exists.');
  return renderReview(deps, cycle, role, req.page);
}

/** Accept / Waitlist / Decline on a review message. */
export async function decideFromButton(
  deps: Deps,
  user: string,
  buttonValue: string | undefined,
  decision: DecisionKind,
): Promise<Message> {
  const req = parseReviewButton(buttonValue);
  if (!req?.applicationId) throw new UserError(DAMAGED);
  return decide(deps, user, req, decision);
}

/** A lead decided on an applicant. Returns the updated review with a notice on top. */
export async function decide(
  deps: Deps,
  user: string,
  req: DecisionRequest,
  decision: DecisionKind,
): Promise<Message> {
  const role = findRole(cfg(deps).roles, req.role);
  if (!role)
    throw new UserError(
      `The role ${escapeMrkdwn(req.role)} is no longer configured. Nothing was changed.`,
      `Roles, closest first: ${rolesClosestFirst(deps, req.role)}.`,
    );
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
