import {
  actions,
  button,
  confirmDialog,
  context,
  header,
  type KnownBlock,
  lineSections,
  type Message,
  message,
  section,
} from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { applicants } from './blocks';
import type { PublishCheck } from './publish-rules';
import { type Cycle, REVIEW_USAGE } from './rules';

/** Renderers of publishing: the pre-publish check with its audited button, and the channel summary. */

/** The button under the pre-publish check. */
export const ACTION_DECLINE_UNDECIDED = 'shadow_publish_decline_undecided';

/** Undecided people named per role before publish; the rest are counted, with where to see them. */
const UNDECIDED_SHOWN = 15;

/**
 * What `/shadow publish` shows while applicants have no decision: per role who is undecided and the
 * free seats, answers that contradict the imported rosters, and the audited way out: a button that
 * declines the undecided and publishes, behind a confirm dialog.
 */
export function publishCheckMessage(
  cycle: Cycle,
  check: PublishCheck,
  contradictions: string[],
  notice?: string,
): Message {
  const who = (p: PublishCheck['roles'][number]['listed'][number]) =>
    `<@${p.app.user}>${p.alsoUndecided.length ? ` (also ${p.alsoUndecided.map(escapeMrkdwn).join(', ')})` : ''}`;
  const roleLines = check.roles
    .filter((r) => r.capacity > 0 || r.applicants > 0)
    .map((r) => {
      const free = Math.max(0, r.capacity - r.accepted);
      const seats = `${r.accepted}/${r.capacity} accepted, ${free} free`;
      const undecided = r.listed.length + r.listedElsewhere;
      const head = `• *${escapeMrkdwn(r.role)}* (${seats})`;
      if (r.applicants === 0) return `${head}: no applicants.`;
      if (undecided === 0) return `${head}: every applicant has a decision.`;
      const named = r.listed.slice(0, UNDECIDED_SHOWN).map(who);
      const rest = r.listed.length - named.length;
      const parts = [`${head}: ${undecided} undecided`];
      if (named.length) parts.push(`: ${named.join(', ')}`);
      if (rest) parts.push(`, and ${rest} more (\`/shadow review ${escapeMrkdwn(r.role)}\`)`);
      if (r.listedElsewhere)
        parts.push(
          `${named.length ? '. Also ' : ', '}${r.listedElsewhere} listed under the role they prefer`,
        );
      return `${parts.join('')}.`;
    });
  const n = check.people;
  const text = `${applicants(n)} of v${cycle.version} ${n === 1 ? 'has' : 'have'} no decision yet, so nothing was published.`;
  const blocks: KnownBlock[] = [header(`Publish v${cycle.version}: decisions missing`)];
  if (notice) blocks.push(section(notice));
  blocks.push(
    section(
      `:warning: *${text}* Each applicant gets one outcome DM when the decisions are published, ` +
        'so every applicant needs a decision first.',
    ),
  );
  blocks.push(...lineSections(roleLines));
  if (contradictions.length) {
    const shownC = contradictions.slice(0, UNDECIDED_SHOWN);
    const restC = contradictions.length - shownC.length;
    blocks.push(
      ...lineSections([
        `*Answers that contradict the imported rosters (${contradictions.length}):*`,
        ...shownC.map((c) => `• ${c}`),
        ...(restC ? [`…and ${restC} more: each role's \`/shadow review\` marks them.`] : []),
      ]),
    );
  }
  const value = JSON.stringify({ c: cycle.id, f: check.fingerprint });
  blocks.push(
    actions('shadow_publish', [
      button('Decline the undecided and publish', ACTION_DECLINE_UNDECIDED, value, {
        style: 'danger',
        confirm: confirmDialog({
          title: `Decline ${n} and publish?`,
          text:
            `${n === 1 ? 'The applicant' : `The ${n} applicants`} without a decision will be declined and told they were not selected. ` +
            'Then every decision is published and final. Your name and the time are recorded.',
          confirm: 'Decline and publish',
          deny: 'Cancel',
        }),
      }),
    ]),
  );
  blocks.push(context(`Or decide them first with ${REVIEW_USAGE}, then run \`/shadow publish\` again.`));
  return message(text, blocks);
}

/** The channel post on publish: what was really filled and who really got a DM. */
export function publishSummaryText(
  cycle: Cycle,
  filled: Array<{ role: string; shadows: number }>,
  dms: { delivered: number; failed: number; withdrawn: number },
): string {
  const withShadows = filled.filter((f) => f.shadows > 0);
  const without = filled.filter((f) => f.shadows === 0).map((f) => escapeMrkdwn(f.role));
  const total = withShadows.reduce((n, f) => n + f.shadows, 0);
  const lines: string[] = [];
  if (total === 0)
    lines.push(
      `:information_source: The Kubernetes v${cycle.version} Release Team decisions are published. No shadows were selected.`,
    );
  else {
    lines.push(
      `:tada: The Kubernetes v${cycle.version} Release Team shadows are selected: ` +
        `${listText(withShadows.map((f) => `${f.shadows} for ${escapeMrkdwn(f.role)}`))}.`,
    );
    if (without.length) lines.push(`No shadows were selected for ${listText(without)}.`);
  }
  const applied = dms.delivered + dms.failed;
  if (applied === 0) lines.push('Nobody was waiting for an outcome DM.');
  else if (dms.failed === 0)
    lines.push(
      applied === 1
        ? 'The applicant got a DM with their outcome.'
        : `Each of the ${applied} applicants got a DM with their outcome.`,
    );
  else
    lines.push(
      `${dms.delivered} of the ${applied} applicants got a DM with their outcome. ` +
        `The DM to ${dms.failed} could not be delivered yet, and relbot will retry it.`,
    );
  if (dms.withdrawn)
    lines.push(
      `${dms.withdrawn === 1 ? '1 applicant' : `${dms.withdrawn} applicants`} withdrew and got no DM.`,
    );
  lines.push('Thank you all for applying!');
  return lines.join(' ');
}

/** `a`, `a and b`, `a, b and c`. */
export function listText(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
