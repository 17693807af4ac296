import { CHANNEL } from '../../src/sandbox/seed';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import type { Harness } from './harness';

/** The emulated Slack's DM channel with `user`. */
export const dm = (user: string) => `D${user.slice(1)}`;

/** The value of the `actionId` button on `appUser`'s row of a /shadow review message. */
export function shadowButtonValue(
  h: Harness,
  message: SlackMessage,
  appUser: string,
  actionId: string,
): string {
  const appId = (
    h.db.prepare('SELECT id FROM shadow_applications WHERE user = ?').get(appUser) as { id: number }
  ).id;
  const block = (message.blocks as Array<Record<string, unknown>>).find((b) => b.block_id === `act_${appId}`);
  const el = (block?.elements as Array<{ action_id: string; value: string }> | undefined)?.find(
    (e) => e.action_id === actionId,
  );
  if (!el) throw new Error(`no ${actionId} button for ${appUser}`);
  return el.value;
}

/**
 * `/shadow publish` while applicants are undecided: the check it shows, then its "Decline the
 * undecided and publish" button pressed (as after Slack's confirm dialog), and the answer to that.
 */
export async function declineUndecidedAndPublish(
  h: Harness,
  user: string,
  beforeClick: () => void = () => {},
): Promise<{ check: { text: string; blocks: unknown[] }; answer: SlackMessage }> {
  const res = await h.driver.command(user, '/shadow', 'publish');
  const check = res.body as { text: string; blocks: unknown[] };
  if (!JSON.stringify(check.blocks ?? []).includes('shadow_publish_decline_undecided'))
    throw new Error(`publish showed no check: ${JSON.stringify(check).slice(0, 300)}`);
  const msg: SlackMessage = {
    channel: CHANNEL,
    ts: '0.000003',
    user: h.slack.botUserId,
    edits: 0,
    ephemeralTo: user,
    blocks: check.blocks,
    text: check.text,
  };
  beforeClick();
  const before = h.slack.ephemeralsFor(user).length;
  const click = await h.driver.click(user, msg, 'shadow_publish_decline_undecided');
  if (click.status !== 200) throw new Error(`click: HTTP ${click.status}`);
  await h.slack.waitFor(() => h.slack.ephemeralsFor(user).length > before);
  return { check, answer: h.slack.ephemeralsFor(user).at(-1)! };
}
