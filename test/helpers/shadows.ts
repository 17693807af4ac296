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
