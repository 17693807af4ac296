import type { Feature } from '../src/feature';
import { afterInteraction, HOME_JOB, homeOpened, refreshHomes } from '../src/home/service';
import { defineJob } from '../src/jobs/runner';
import { afterHomeInteraction, registerEvent } from '../src/slack/interactions';

/**
 * The App Home tab: `app_home_opened` publishes the person's Home (src/home/), the `home-refresh`
 * job republishes what changed. The tab's buttons belong to the features they act on (Approve and
 * Reject… are the cherry-pick cards' own action_ids, Remove and "Add a reminder" the schedule's),
 * so no button is registered here: after any click on the tab, or a modal submission, the
 * interaction layer hands the click's answer to this feature, which shows it on top of the tab
 * and republishes it.
 */

const FEATURE = 'home';

interface AppHomeOpened {
  type: 'app_home_opened';
  user: string;
  tab?: 'home' | 'messages';
  view?: { id?: string; hash?: string };
}

export const feature: Feature = {
  name: FEATURE,
  register(app, deps) {
    registerEvent<AppHomeOpened>(app, deps, {
      feature: FEATURE,
      event: 'app_home_opened',
      async run({ event, deps }) {
        if (event.tab && event.tab !== 'home') return 'ignored';
        if (typeof event.user !== 'string' || !/^[UW][A-Z0-9]+$/.test(event.user)) return 'ignored';
        await homeOpened(deps, event.user, !!event.view?.id);
        return 'ok';
      },
    });
    afterHomeInteraction(deps, async ({ user, answer }) => {
      await afterInteraction(deps, user, answer?.text);
    });
  },
  jobs: (deps) => [defineJob(deps, HOME_JOB, refreshHomes)],
};
