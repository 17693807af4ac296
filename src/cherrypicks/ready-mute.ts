import type { Deps } from '../deps';
import { UserError } from '../errors';
import { escapeEntities } from '../slack/escape';
import { when } from './blocks';
import { assertReleaseManager, branchArg } from './freeze-args';
import { mutedBy, setMuted } from './ready';

/** `/cherrypick mute|unmute release-1.XX`: ready-for-approval notices of one branch, off or on again. */
export async function muteBranch(deps: Deps, user: string, args: string[], mute: boolean): Promise<string> {
  const verb = mute ? 'mute' : 'unmute';
  const branch = branchArg(deps, args, verb);
  await assertReleaseManager(deps, user, verb);
  const b = `\`${escapeEntities(branch)}\``;
  const tz = await deps.directory.timeZone(user, deps.config.timezone);
  const prior = mutedBy(deps, branch);
  if (!setMuted(deps, branch, mute, user)) {
    if (mute && prior)
      throw new UserError(
        `Ready-for-approval notices for ${b} are already muted (by <@${prior.actor}> on ${when(prior.at, tz)}).`,
        `\`/cherrypick unmute ${escapeEntities(branch)}\` turns them on again. Nothing was changed.`,
      );
    throw new UserError(`Ready-for-approval notices for ${b} are not muted.`, 'Nothing was changed.');
  }
  return mute
    ? `:mute: Muted ready-for-approval notices for ${b}. Cards still show when a pick's gates pass; \`/cherrypick unmute ${escapeEntities(branch)}\` turns the notices on again.`
    : `:loud_sound: Ready-for-approval notices for ${b} are on again. Picks that become ready from now on are announced.`;
}
