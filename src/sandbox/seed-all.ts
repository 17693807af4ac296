import type { Relbot } from '../app';
import type { ManualClock } from '../clock';
import type { GitHubEmulator } from './github/server';
import type { SlackEmulator } from './slack/server';

export interface SeedContext {
  github: GitHubEmulator;
  slack: SlackEmulator;
  /** The sandbox relbot.yaml object; seeds add their feature's settings. */
  raw: Record<string, unknown>;
  clock: ManualClock;
}

/** Seeds every feature's sandbox data; `afterStart` runs once relbot is up (e.g. a first sync). */
export async function prepareFeatures(
  _ctx: SeedContext,
): Promise<{ afterStart?: (relbot: Relbot) => Promise<void> }> {
  return {};
}
