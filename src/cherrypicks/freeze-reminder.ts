import type { Deps } from '../deps';
import { channelFor } from '../deps';
import { actions, button, context, groupRef, type Message, message, section } from '../slack/blocks';
import { escapeEntities } from '../slack/escape';
import { knownBranches } from './branches';
import { nextCut } from './freeze';
import { freezeStoreOf } from './freeze-post';
import { cpConfig } from './shared';

/**
 * The reminder before each patch cut (optional in the handbook's words): once a branch's cherry-pick
 * deadline has passed and its cut is still ahead, the channel gets one message per cut day,
 * mentioning the release managers, with a **Preview freeze** button per branch not frozen yet. The
 * button shows the clicker the `/cherrypick freeze` preview; nothing is written until they confirm.
 * Checked after each discovery run; one outbox post per cut day (`cherrypick-freeze-reminder:<day>`).
 */

/** One button per branch; action_ids must differ within a block, so each names its branch. */
export const PREVIEW_ACTION = /^cherrypick_freeze_preview:/;
const previewActionId = (branch: string) => `cherrypick_freeze_preview:${branch}`;

export async function remindFreezes(deps: Deps): Promise<number> {
  if (!cpConfig(deps).freezeReminder) return 0;
  const now = deps.clock.now();
  const fs = freezeStoreOf(deps);
  const byDay = new Map<string, Array<{ branch: string; release: string }>>();
  for (const branch of knownBranches(deps)) {
    const cut = nextCut(deps, branch);
    if (!cut || cut.deadline > now || fs.active(branch)) continue;
    const day = cut.target.toUTC().toISODate()!;
    byDay.set(day, [...(byDay.get(day) ?? []), { branch, release: cut.release }]);
  }
  let posted = 0;
  for (const [day, cuts] of byDay) {
    try {
      const res = await deps.outbox.postOnce(
        `cherrypick-freeze-reminder:${day}`,
        channelFor(deps.config, 'cherrypicks'),
        {
          ...freezeReminder(day, cuts, mention(deps)),
          unfurl_links: false,
        },
      );
      if (res.posted) posted++;
    } catch (err) {
      deps.log.error({ err, day }, 'the freeze reminder could not be posted; the next run retries');
    }
  }
  return posted;
}

function mention(deps: Deps): string {
  const a = cpConfig(deps).approvers;
  if (a.usergroups.length) return `${a.usergroups.map(groupRef).join(' ')} `;
  return a.users.length ? `${a.users.map((u) => `<@${u}>`).join(' ')} ` : '';
}

export function freezeReminder(
  day: string,
  cuts: Array<{ branch: string; release: string }>,
  mention: string,
): Message {
  const date = new Date(`${day}T00:00:00Z`);
  const dayWords = date.toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  const releases = cuts.map((c) => `v${escapeEntities(c.release)}`).join(', ');
  const text = `${mention}:snowflake: *Patch cut ahead on ${dayWords}* (${releases}): the cherry-pick deadline has passed. Before the cut, preview which approved picks are not ready to merge; relbot takes \`cherry-pick-approved\` off them only when you confirm.`;
  const shown = cuts.slice(0, 25);
  return message(`Patch cut ahead on ${dayWords}: ${cuts.map((c) => `v${c.release}`).join(', ')}`, [
    section(text),
    context(
      'Only release managers can preview and confirm a freeze; `/cherrypick freeze release-1.XX` shows the same preview.',
    ),
    actions(
      `cherrypick_freeze_reminder:${day}`,
      shown.map((c) => button(`Preview ${c.branch} freeze`, previewActionId(c.branch), c.branch)),
    ),
  ]);
}
