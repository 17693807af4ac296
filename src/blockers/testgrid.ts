import type { BlockersConfig } from './config';

/**
 * Go/No-Go from testgrid dashboard summaries (`https://testgrid.k8s.io/<dashboard>/summary`: job
 * name -> { overall_status: PASSING | FLAKY | FAILING | STALE, ... }) by the Release Signal
 * handbook's matrix ("Judging State of Testgrid dashboards"):
 *
 *   blocking ✅ + informing ✅/⚠️ -> 🟢;  blocking ⚠️ (+ informing ✅/⚠️) -> 🟡;  any ❌ -> 🔴.
 *
 * A dashboard that cannot be read makes the signal unknown, never green. Dashboards follow the
 * milestone asked: `sig-release-{version}-blocking` is read as `sig-release-1.36-blocking` for
 * v1.36; a name without `{version}` (the master branch's boards) only for the current milestone.
 * A per-version board that testgrid does not have (HTTP 404: the Branch Manager sets them up after
 * rc.0) is left out of the matrix and said so; with no board left the signal is unknown.
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
  /** A per-version board testgrid does not have (yet): not part of the matrix. */
  absent?: boolean;
  /** The dashboard's page on testgrid. */
  pageUrl?: string;
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
export function signalOf(all: DashboardResult[]): Signal {
  const dashboards = all.filter((d) => !d.absent);
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

const VERSION = /\{version\}/g;

/**
 * The dashboards to read for `milestone` (v1.36 -> `{version}` = 1.36): the per-version ones
 * always, the others (master) only when `milestone` is the current one.
 */
export function dashboardsFor(
  cfg: BlockersConfig['testgrid'],
  milestone: string,
  current: boolean,
): { name: string; kind: 'blocking' | 'informing'; url?: string; perVersion: boolean }[] {
  const version = milestone.replace(/^v/i, '');
  const out = cfg.dashboards
    .filter((d) => current || d.name.includes('{version}'))
    .map((d) => ({
      name: d.name.replace(VERSION, version),
      kind: dashboardKind({ ...d, name: d.name.replace(VERSION, version) }),
      ...(d.url ? { url: d.url.replace(VERSION, version) } : {}),
      perVersion: d.name.includes('{version}'),
    }));
  return out.filter((d, i) => out.findIndex((o) => o.name === d.name) === i);
}

/**
 * Reads the dashboards of `milestone` (in parallel); undefined when none are configured. With
 * dashboards configured but none for this milestone, the signal is unknown (never green).
 */
export async function readGoNoGo(
  cfg: BlockersConfig['testgrid'],
  target: { milestone: string; current: boolean },
  fetchFn: typeof fetch = fetch,
): Promise<GoNoGo | undefined> {
  if (cfg.dashboards.length === 0) return undefined;
  const base = cfg.baseUrl.replace(/\/$/, '');
  const dashboards = await Promise.all(
    dashboardsFor(cfg, target.milestone, target.current).map(async (d): Promise<DashboardResult> => {
      const { kind } = d;
      // The board's web page, where there is one (testgrid.k8s.io; an emulator serves only summaries).
      const pageUrl = /^https:\/\/testgrid\.k8s\.io$/.test(base) ? `${base}/${d.name}` : undefined;
      try {
        const res = await fetchFn(summaryUrl(cfg, d), {
          signal: AbortSignal.timeout(cfg.timeoutMs),
          headers: { accept: 'application/json' },
        });
        if (res.status === 404 && d.perVersion)
          return { name: d.name, kind, problems: [], error: 'not on testgrid', absent: true, pageUrl };
        if (!res.ok) return { name: d.name, kind, problems: [], error: `HTTP ${res.status}`, pageUrl };
        const parsed = boardState(await res.json());
        if ('error' in parsed) return { name: d.name, kind, problems: [], error: parsed.error, pageUrl };
        return { name: d.name, kind, state: parsed.state, problems: parsed.problems, pageUrl };
      } catch (err) {
        return { name: d.name, kind, problems: [], error: (err as Error).message, pageUrl };
      }
    }),
  );
  return { signal: signalOf(dashboards), dashboards };
}
