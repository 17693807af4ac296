import type { BlockersConfig } from './config';

/**
 * Go/No-Go from testgrid dashboard summaries (`https://testgrid.k8s.io/<dashboard>/summary`: job
 * name -> { overall_status: PASSING | FLAKY | FAILING | STALE, ... }) by the Release Signal
 * handbook's matrix ("Judging State of Testgrid dashboards"):
 *
 *   blocking ✅ + informing ✅/⚠️ -> 🟢;  blocking ⚠️ (+ informing ✅/⚠️) -> 🟡;  any ❌ -> 🔴.
 *
 * A dashboard that cannot be read makes the signal unknown, never green.
 */

export type BoardState = 'passing' | 'flaky' | 'failing';
export type Signal = 'green' | 'yellow' | 'red' | 'unknown';

export interface DashboardResult {
  name: string;
  kind: 'blocking' | 'informing';
  /** undefined when the summary could not be read */
  state?: BoardState;
  /** jobs that are not passing, e.g. ['ci-kubernetes-e2e-gci-gce (FAILING)'] */
  problems: string[];
  error?: string;
}

export interface GoNoGo {
  signal: Signal;
  dashboards: DashboardResult[];
}

const RANK: Record<BoardState, number> = { passing: 0, flaky: 1, failing: 2 };

/** A dashboard's state from its summary JSON: the worst of its jobs (STALE counts as flaky). */
export function boardState(summary: unknown): { state: BoardState; problems: string[] } | { error: string } {
  if (!summary || typeof summary !== 'object' || Array.isArray(summary))
    return { error: 'the summary is not a JSON object of jobs' };
  let state: BoardState = 'passing';
  const problems: string[] = [];
  let jobs = 0;
  for (const [job, raw] of Object.entries(summary as Record<string, unknown>)) {
    const status = String((raw as { overall_status?: unknown } | null)?.overall_status ?? '').toUpperCase();
    if (!status) continue;
    jobs++;
    const s: BoardState = status === 'PASSING' ? 'passing' : status === 'FAILING' ? 'failing' : 'flaky';
    if (s !== 'passing') problems.push(`${job} (${status})`);
    if (RANK[s] > RANK[state]) state = s;
  }
  if (jobs === 0) return { error: 'the summary lists no jobs' };
  return { state, problems };
}

/** The handbook's matrix. */
export function signalOf(dashboards: DashboardResult[]): Signal {
  if (dashboards.length === 0 || dashboards.some((d) => d.state === undefined)) return 'unknown';
  const worst = (kind: 'blocking' | 'informing') =>
    dashboards
      .filter((d) => d.kind === kind)
      .reduce<BoardState>((w, d) => (RANK[d.state!] > RANK[w] ? d.state! : w), 'passing');
  const blocking = worst('blocking');
  const informing = worst('informing');
  if (blocking === 'failing' || informing === 'failing') return 'red';
  if (blocking === 'flaky') return 'yellow';
  return 'green';
}

export function dashboardKind(d: {
  name: string;
  kind?: 'blocking' | 'informing';
}): 'blocking' | 'informing' {
  return d.kind ?? (/informing$/.test(d.name) ? 'informing' : 'blocking');
}

export function summaryUrl(cfg: BlockersConfig['testgrid'], d: { name: string; url?: string }): string {
  return d.url ?? `${cfg.baseUrl.replace(/\/$/, '')}/${d.name}/summary`;
}

/** Reads every configured dashboard (in parallel); undefined when none are configured. */
export async function readGoNoGo(
  cfg: BlockersConfig['testgrid'],
  fetchFn: typeof fetch = fetch,
): Promise<GoNoGo | undefined> {
  if (cfg.dashboards.length === 0) return undefined;
  const dashboards = await Promise.all(
    cfg.dashboards.map(async (d): Promise<DashboardResult> => {
      const kind = dashboardKind(d);
      try {
        const res = await fetchFn(summaryUrl(cfg, d), {
          signal: AbortSignal.timeout(cfg.timeoutMs),
          headers: { accept: 'application/json' },
        });
        if (!res.ok) return { name: d.name, kind, problems: [], error: `HTTP ${res.status}` };
        const parsed = boardState(await res.json());
        if ('error' in parsed) return { name: d.name, kind, problems: [], error: parsed.error };
        return { name: d.name, kind, state: parsed.state, problems: parsed.problems };
      } catch (err) {
        return { name: d.name, kind, problems: [], error: (err as Error).message };
      }
    }),
  );
  return { signal: signalOf(dashboards), dashboards };
}
