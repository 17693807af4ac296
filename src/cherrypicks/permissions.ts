import type { Deps } from '../deps';
import { groupRef } from '../slack/blocks';
import { cpConfig } from './shared';

/** Who may approve or reject cherry-picks (approvers, never a PR's own author), and how they are named on GitHub. */

/** May `user` act at all? (approvers only) */
export async function mayAct(deps: Deps, user: string): Promise<boolean> {
  return deps.directory.isIn(cpConfig(deps).approvers, user);
}

/** "a, b or c" */
function orList(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}

/**
 * The configured approvers in words (mrkdwn): "members of @release-managers or GitHub user
 * @justaugustus". Empty when none is configured.
 */
export function approversText(deps: Deps): string {
  const a = cpConfig(deps).approvers;
  return orList([
    ...a.users.map((u) => `<@${u}>`),
    ...a.usergroups.map((g) => `members of ${groupRef(g)}`),
    ...(a.github.length
      ? [`GitHub user${a.github.length > 1 ? 's' : ''} ${a.github.map((g) => `@${g}`).join(', ')}`]
      : []),
  ]);
}

/** Refusal naming who may approve, one sentence (mrkdwn). */
export function whoCanApprove(deps: Deps): string {
  const who = approversText(deps);
  return who
    ? `Only ${who} can approve or reject cherry-picks.`
    : 'Only configured approvers can approve or reject cherry-picks, and none is configured (`cherrypicks.approvers` in relbot.yaml).';
}

/** The refusal for a PR's own author: why, then who can (mrkdwn). */
export function ownPrRefusal(deps: Deps, shownKey: string): string {
  const who = approversText(deps);
  return `:no_entry: You opened ${shownKey}, so you cannot approve it yourself.${
    who ? ` Ask another approver: ${who}.` : ''
  }`;
}

/** The same refusal as plain text (a modal's field error shows no mentions or user groups). */
export const notAnApproverPlain =
  'Only cherry-pick approvers can reject cherry-picks, and relbot does not list you as one.';

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
