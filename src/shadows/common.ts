import type { Deps } from '../deps';
import type { Cycle } from './rules';
import { ShadowStore } from './store';

/** What every shadow feature file shares: the store, the config, now as ISO, and the keys of once-only posts. */

export const store = (deps: Deps) => new ShadowStore(deps.db);
export const cfg = (deps: Deps) => deps.config.shadows;
export const nowIso = (deps: Deps) => deps.clock.now().toUTC().toISO()!;

/** Outbox keys: each post or DM that must go out once per cycle (or per person, seat) is keyed here. */
export const keys = {
  announce: (c: Cycle) => `shadows:${c.id}:announce`,
  closed: (c: Cycle) => `shadows:${c.id}:closed`,
  published: (c: Cycle) => `shadows:${c.id}:published`,
  outcome: (c: Cycle, user: string) => `shadows:${c.id}:outcome:${user}`,
  seatFreed: (c: Cycle, appId: number, role: string, at: string, lead: string) =>
    `shadows:${c.id}:freed:${appId}:${role}:${at}:${lead}`,
};
