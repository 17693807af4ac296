import type { Deps } from '../../deps';
import { burndownOf, burndownSvg, chartMetrics, describeUploadError } from '../burndown';
import { BlockerHistory } from '../history';

/**
 * What the read-only /release page (src/insight/page.ts) asks the blockers feature: the burndown
 * of a milestone as inline SVG (the same renderer as the PNG in Slack) and its numbers as text.
 */

export interface PageBurndown {
  milestone: string;
  /** SVG markup from echarts' SSR renderer (its text is escaped by the renderer). */
  svg?: string;
  /** The chart's numbers in one line. */
  fallback: string;
  /** Why there is no SVG. */
  error?: string;
  /** The latest day with data (UTC date), for caching. */
  latestDay?: string;
  latestTakenAt?: string;
}

export async function pageBurndown(deps: Deps, version: string): Promise<PageBurndown> {
  const milestone = `v${version.replace(/^v/i, '')}`;
  const chart = burndownOf(deps, milestone, 'sig');
  const last = new BlockerHistory(deps.db).days(milestone).at(-1);
  const base = {
    milestone,
    fallback: chart.fallback,
    ...(last ? { latestDay: last.day, latestTakenAt: last.takenAt } : {}),
  };
  try {
    const svg = await burndownSvg(deps, chart);
    chartMetrics(deps.metrics.registry).inc({ trigger: 'page', outcome: 'shared' });
    return { ...base, svg };
  } catch (err) {
    chartMetrics(deps.metrics.registry).inc({ trigger: 'page', outcome: 'render_failed' });
    deps.log.warn({ err, milestone }, 'release page: burndown render failed');
    return { ...base, error: describeUploadError(err) };
  }
}

/** The history's last recorded instant for the milestone (a cache key for the page). */
export function burndownVersion(deps: Deps, version: string): string {
  const last = new BlockerHistory(deps.db).days(`v${version.replace(/^v/i, '')}`).at(-1);
  return last ? `${last.day}@${last.takenAt}` : 'none';
}

/** Milestones with a blocker history ('v1.37'). */
export function burndownMilestones(deps: Deps): string[] {
  return new BlockerHistory(deps.db).milestones();
}
