import type { RoleConfig } from './config';
import { type Application, type Decision, reviewList, roleDemand } from './rules';

/**
 * The rule of publishing: relbot never decides for anyone. Before the decisions are published, the
 * Release Team Lead sees who is still undecided, per role, with the free seats. Pure functions.
 */

/** A role as the Release Team Lead sees it before publishing. */
export interface PublishRole {
  role: string;
  capacity: number;
  accepted: number;
  /** Undecided applicants listed under this role (their most preferred undecided role). */
  listed: Array<{ app: Application; alsoUndecided: string[] }>;
  /** Undecided here too, but listed under the role they prefer. */
  listedElsewhere: number;
  /** Live applicants for the role. */
  applicants: number;
}

export interface PublishCheck {
  roles: PublishRole[];
  /** Every undecided (application, role) pair, sorted: what "decline the undecided" declines. */
  pairs: Array<{ applicationId: number; user: string; role: string }>;
  /** How many people are undecided (each counted once). */
  people: number;
  /** A short fingerprint of `pairs`: a confirmation applies only to the list it was shown. */
  fingerprint: string;
}

/**
 * What is undecided before publish. An applicant has a decision once they hold a seat, or once
 * each role they chose has a decision (waitlisted or declined); otherwise they are undecided for
 * each chosen role without one. Each person is listed once: under their most preferred undecided role.
 */
export function publishCheck(roles: RoleConfig[], apps: Application[], decisions: Decision[]): PublishCheck {
  const lists = roles.map((r) => reviewList(r, apps, decisions, new Map()));
  const pendingRoles = new Map<number, string[]>();
  for (const l of lists)
    for (const e of l.entries)
      if (!e.decision) pendingRoles.set(e.app.id, [...(pendingRoles.get(e.app.id) ?? []), l.role]);
  const pairs: PublishCheck['pairs'] = [];
  const listedUnder = new Map<number, string>();
  for (const app of apps) {
    const pending = pendingRoles.get(app.id);
    if (!pending) continue;
    const ordered = app.choices.filter((c) => pending.includes(c));
    listedUnder.set(app.id, ordered[0]!);
    for (const role of ordered) pairs.push({ applicationId: app.id, user: app.user, role });
  }
  pairs.sort((a, b) => a.applicationId - b.applicationId || a.role.localeCompare(b.role));
  const demand = roleDemand(roles, apps);
  const out: PublishRole[] = lists.map((l) => {
    const pendingHere = l.entries.filter((e) => !e.decision);
    const listed = pendingHere
      .filter((e) => listedUnder.get(e.app.id) === l.role)
      .map((e) => ({
        app: e.app,
        alsoUndecided: (pendingRoles.get(e.app.id) ?? []).filter((r) => r !== l.role),
      }));
    return {
      role: l.role,
      capacity: l.capacity,
      accepted: l.accepted,
      listed,
      listedElsewhere: pendingHere.length - listed.length,
      applicants: demand.get(l.role)?.applicants ?? 0,
    };
  });
  return {
    roles: out,
    pairs,
    people: listedUnder.size,
    fingerprint: fingerprint(pairs.map((p) => `${p.applicationId}:${p.role}`).join(',')),
  };
}

/** A short, stable hash (FNV-1a, 32 bits, hex) of a string. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
