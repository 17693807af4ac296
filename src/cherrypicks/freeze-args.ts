import type { Deps } from '../deps';
import { UserError } from '../errors';
import { escapeEntities } from '../slack/escape';
import { assertKnownBranch } from './branches';
import { mayAct, whoCanApprove } from './permissions';
import { normalizeBranch } from './refs';
import { cpConfig } from './shared';

/** The checks `/cherrypick freeze|unfreeze|mute|unmute` share: one known release branch, a release manager. */

/** The release branch a person typed (`release-1.36` or `1.36`), known to relbot, or a UserError. */
export function branchArg(deps: Deps, args: string[], verb: string): string {
  if (args.length !== 1)
    throw new UserError(
      `\`${verb}\` needs one release branch.`,
      `Example: \`/cherrypick ${verb} release-1.36\`.`,
    );
  const branch = normalizeBranch(args[0]!);
  if (!new RegExp(cpConfig(deps).branchPattern).test(branch))
    throw new UserError(
      `\`${escapeEntities(branch.slice(0, 60))}\` is not a release branch.`,
      `Use a branch such as \`release-1.36\` (or just \`1.36\`): \`/cherrypick ${verb} release-1.36\`.`,
    );
  assertKnownBranch(deps, branch);
  return branch;
}

/** Release managers are the cherry-pick approvers (permissions.ts). */
export async function assertReleaseManager(deps: Deps, user: string, verb: string): Promise<void> {
  if (!(await mayAct(deps, user)))
    throw new UserError(
      `${whoCanApprove(deps)} The same people may ${verb} a branch.`,
      'Nothing was changed.',
    );
}
