import { CHANNEL } from '../../src/sandbox/seed';
import { CP_OWNER, CP_REPO, seedCherrypicks } from '../../src/sandbox/seed-cherrypicks';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { type Harness, type HarnessOptions, startHarness, textOf } from './harness';

/** Shared helpers of the cherry-pick e2e suites. */

export const REPO = `${CP_OWNER}/${CP_REPO}`;
export const url = (n: number) => `https://github.com/${REPO}/pull/${n}`;

export async function startCherrypickHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness({
    ...opts,
    config: (raw) => {
      (raw.cherrypicks as Record<string, unknown>).retry = { attempts: 3, backoffMs: 1 };
      opts.config?.(raw);
    },
  });
  seedCherrypicks(h.github);
  return h;
}

/** The channel cards of PR `n` (there must never be more than one). */
export function cards(h: Harness, n: number): SlackMessage[] {
  return h.slack
    .channelMessages(CHANNEL)
    .filter((m) => m.metadata?.event_payload?.key === `cherrypick-card:${REPO}#${n}`);
}

export function card(h: Harness, n: number): SlackMessage {
  const all = cards(h, n);
  if (all.length !== 1) throw new Error(`expected one card for #${n}, found ${all.length}`);
  return all[0]!;
}

/** Every string under `text` keys, at any depth. */
export const allText = textOf;

export const cardText = (m: SlackMessage) => allText({ text: m.text, blocks: m.blocks });

export function actionIds(m: SlackMessage): string[] {
  const out: string[] = [];
  for (const b of (m.blocks ?? []) as Array<{ type: string; elements?: Array<{ action_id?: string }> }>)
    if (b.type === 'actions') for (const e of b.elements ?? []) if (e.action_id) out.push(e.action_id);
  return out;
}

/** Ephemeral answers (response_url or chat.postEphemeral) shown to `user`, newest last. */
export const answers = (h: Harness, user: string) =>
  h.slack.ephemeralsFor(user).map((m) => allText({ text: m.text, blocks: m.blocks }));

/** Waits until `user` got `count` more ephemeral answers than `before`; returns the new ones. */
export async function waitAnswers(h: Harness, user: string, before: number, count = 1): Promise<string[]> {
  await h.slack.waitFor(() => h.slack.ephemeralsFor(user).length >= before + count);
  return answers(h, user).slice(before);
}

/** Tracks a PR through the slash command, as a person would, and returns its card. */
export async function trackByCommand(h: Harness, user: string, n: number): Promise<SlackMessage> {
  const res = await h.driver.command(user, '/cherrypick', url(n));
  if (res.status !== 200) throw new Error(`command failed: ${res.status}`);
  await h.slack.waitFor(() => cards(h, n).length === 1);
  return card(h, n);
}

export const labelPosts = (h: Harness, n: number) =>
  h.github.callsTo('POST', `/repos/${REPO}/issues/${n}/labels`);
export const commentPosts = (h: Harness, n: number) =>
  h.github.callsTo('POST', `/repos/${REPO}/issues/${n}/comments`);
export const auditRows = (h: Harness, n: number) =>
  h.db
    .prepare(
      'SELECT actor, action, detail, dry_run FROM cherrypick_audit WHERE repo = ? AND number = ? ORDER BY id',
    )
    .all(REPO, n) as Array<{ actor: string | null; action: string; detail: string | null; dry_run: number }>;
export const stateOf = (h: Harness, n: number) =>
  (
    h.db.prepare('SELECT state FROM cherrypicks WHERE repo = ? AND number = ?').get(REPO, n) as
      | { state: string }
      | undefined
  )?.state;
