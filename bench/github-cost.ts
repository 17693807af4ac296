import { measureDigestRequests } from '../src/blockers/service';
import { BLOCKERS_MILESTONE, seedManyBlockers } from '../src/sandbox/seed-blockers';
import { startHarness } from '../test/helpers/harness';

/**
 * GitHub requests per blocker digest: relbot (real Octokit with its ETag cache) against the
 * emulated GitHub holding N matching items in the milestone, read twice: cold, then unchanged
 * (which must be answered only with 304s). The emulator's own request log is the cross-check.
 */

export interface GithubCostRow {
  items: number;
  run: 'cold' | 'unchanged';
  requests: number;
  fresh: number;
  notModified: number;
  /** Requests the emulated GitHub saw during this digest (independent of relbot's count). */
  emulatorRequests: number;
  /** The target: about 1 + N/100 per query, two queries. */
  bound: number;
  pass: boolean;
}

export async function measureGithubCost(sizes: number[]): Promise<GithubCostRow[]> {
  const rows: GithubCostRow[] = [];
  for (const n of sizes) {
    const h = await startHarness({
      config: (raw) => {
        raw.blockers = { milestone: BLOCKERS_MILESTONE };
      },
    });
    try {
      seedManyBlockers(h.github, n, { now: h.clock.now().toJSDate() });
      const bound = 2 * (1 + n / 100);
      for (const run of ['cold', 'unchanged'] as const) {
        const before = h.github.calls.length;
        const r = await measureDigestRequests(h.relbot.deps, BLOCKERS_MILESTONE);
        const emulatorRequests = h.github.calls.length - before;
        if (r.items < n) throw new Error(`digest saw ${r.items} items, expected at least ${n}`);
        rows.push({
          items: n,
          run,
          requests: r.requests,
          fresh: r.fresh,
          notModified: r.notModified,
          emulatorRequests,
          bound,
          pass: r.requests <= bound && (run === 'cold' || (r.fresh === 0 && r.notModified === r.requests)),
        });
      }
    } finally {
      await h.stop();
    }
  }
  return rows;
}
