import { fixture } from '../fixtures';
import type { GitHubEmulator } from './github/server';

/**
 * The upstream repos of the roster and user-group pull requests in the emulated GitHub:
 * kubernetes/sig-release (the v1.35–v1.37 release-team.md files) and kubernetes/community (the
 * real usergroups.yaml and users.yaml), both on `master` as upstream, and the fork account relbot
 * pushes from (forks are created on first use).
 */

export const WRITE_BACK_FORK = 'relbot-bot';
export const USERGROUPS_PATH = 'communication/slack-config/sig-release/usergroups.yaml';
export const USERS_PATH = 'communication/slack-config/users.yaml';

export function seedWriteBackRepos(github: GitHubEmulator): void {
  github.git.setDefaultBranch('kubernetes', 'sig-release', 'master');
  github.git.setDefaultBranch('kubernetes', 'community', 'master');
  github.git.setViewer(WRITE_BACK_FORK);
  for (const v of ['1.35', '1.36', '1.37'])
    github.setFile(
      'kubernetes',
      'sig-release',
      `releases/release-${v}/release-team.md`,
      fixture(`release-team-${v}.md`),
      'master',
    );
  github.setFile(
    'kubernetes',
    'community',
    USERGROUPS_PATH,
    fixture('slack-config-sig-release-usergroups.yaml'),
    'master',
  );
  github.setFile('kubernetes', 'community', USERS_PATH, fixture('slack-config-users.yaml'), 'master');
}

/**
 * The sandbox offers the pull requests on publish. The user group is then Tempelis' (it follows
 * usergroups.yaml), so relbot no longer sets `releaseTeamUsergroup` directly: the two exclude
 * each other in the config.
 */
export function writeBackSandboxConfig(raw: Record<string, unknown>): void {
  const shadows = { ...(raw.shadows as Record<string, unknown>) };
  delete shadows.releaseTeamUsergroup;
  shadows.writeBack = { fork: WRITE_BACK_FORK };
  raw.shadows = shadows;
}
