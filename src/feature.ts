import type { App, CustomRoute } from '@slack/bolt';
import type { Deps } from './deps';
import type { Job } from './jobs/runner';

/**
 * A feature as the composition root sees it: its slash command (with the buttons and modals its
 * messages carry), its scheduled jobs, and any HTTP routes. `src/features.ts` lists them.
 */
export interface Feature {
  name: string;
  register(app: App, deps: Deps): void;
  jobs?(deps: Deps): Job[];
  routes?(deps: Deps): CustomRoute[];
}
