import { createHash } from 'node:crypto';
import { context, divider, type HomeView, header, homeView, type KnownBlock, section } from '../slack/blocks';

/**
 * The Home tab, pure: the parts each feature rendered (src/<feature>/api/home.ts) put together in
 * one view, in the person's zone, with the outcome of their last click on top for a while. No
 * clock time is shown, so the view (and its hash) changes only when what it says changes.
 */

export interface HomeParts {
  tz: string;
  schedule: KnownBlock[];
  /** Undefined for someone who is not a cherry-pick approver. */
  picks?: KnownBlock[];
  shadows: KnownBlock[];
  blockers: KnownBlock[];
  /** The answer to the person's last click on this tab (mrkdwn). */
  notice?: string;
}

export function renderHome(p: HomeParts): HomeView {
  const blocks: KnownBlock[] = [header('SIG Release, for you')];
  if (p.notice) blocks.push(section(p.notice, { blockId: 'home-notice' }), divider());
  blocks.push(...p.blockers, divider(), ...p.schedule);
  if (p.picks) blocks.push(divider(), ...p.picks);
  blocks.push(divider(), ...p.shadows);
  blocks.push(
    context(
      `Times in ${p.tz} (your Slack time zone). \`/schedule\` · \`/schedule remind list\` · \`/cherrypick list\` · \`/shadow status\` · \`/blockers\``,
    ),
  );
  return homeView(blocks);
}

/** What the view says, as a hash: publish again only when it changed. */
export function homeHash(view: HomeView): string {
  return createHash('sha256').update(JSON.stringify(view)).digest('hex').slice(0, 32);
}
