import type { Deps } from '../deps';
import { cpConfig } from './shared';

/** Who may approve or reject cherry-picks (approvers, never a PR's own author), and how they are named on GitHub. */

/** May `user` act at all? (approvers only) */
export async function mayAct(deps: Deps, user: string): Promise<boolean> {
  return deps.directory.isIn(cpConfig(deps).approvers, user);
}

/** Refusal text naming who may approve. */
export function whoCanApprove(deps: Deps): string {
  return `Only ${deps.directory.describe(cpConfig(deps).approvers)} can approve or reject cherry-picks.`;
}

/** Is the GitHub `login` (of a Slack user, when mapped) the PR's `author`? */
export const sameLogin = (login: string | undefined, author: string) =>
  !!login && login.toLowerCase() === author.toLowerCase();

async function slackName(deps: Deps, user: string): Promise<string> {
  try {
    const res = (await deps.slack.users.info({ user })) as { user?: { name?: string; real_name?: string } };
    return res.user?.real_name || res.user?.name || user;
  } catch {
    return user;
  }
}

/** How an actor is named in a GitHub comment (no Slack markup; GitHub login when mapped). */
export async function githubName(deps: Deps, user: string): Promise<string> {
  const login = deps.directory.githubLoginFor(user);
  return login ? `@${login}` : `Slack user ${sanitizeForGitHub(await slackName(deps, user))}`;
}

/** Neutralises @-mentions and HTML comments (relbot's markers) in text relbot posts to GitHub. */
export function sanitizeForGitHub(text: string): string {
  return text.replace(/@/g, '@\u200b').replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;');
}
