import {
  actions,
  button,
  confirmDialog,
  context,
  cut,
  type KnownBlock,
  lineSections,
  type Message,
  message,
  section,
} from '../slack/blocks';
import { escapeEntities, escapeMrkdwn, link } from '../slack/escape';
import { when } from './blocks';

/**
 * Pure renderers of the patch-cut freeze: the preview with Confirm and Cancel, the unfreeze
 * preview, the channel summaries, and the line a frozen pick's card shows. Text from GitHub is
 * escaped here.
 */

export const FREEZE_ACTIONS = {
  confirm: 'cherrypick_freeze_confirm',
  unfreezeConfirm: 'cherrypick_unfreeze_confirm',
  cancel: 'cherrypick_freeze_cancel',
} as const;

/** One PR as a freeze shows it. */
export interface FreezeItem {
  key: string;
  title: string;
  htmlUrl: string;
  /** Why it is not ready (empty when it is). */
  reasons: string[];
  /** Statuses still running (they do not make it "not ready"). */
  running: string[];
}

/** "the v1.36.3 cut", or "the next patch cut" when the schedule does not name it. */
export const cutName = (release: string | null | undefined) =>
  release ? `the v${escapeEntities(release)} cut` : 'the next patch cut';

const item = (i: FreezeItem, withReasons: boolean) => {
  const why = withReasons && i.reasons.length ? `\n    :x: ${escapeEntities(i.reasons.join('; '))}` : '';
  const running = i.running.length
    ? ` _(still running: ${escapeMrkdwn(cut(i.running.join(', '), 200))})_`
    : '';
  return `• ${link(i.htmlUrl, i.key)} ${escapeMrkdwn(cut(i.title, 80))}${running}${why}`;
};

const picks = (n: number) => `${n} pick${n === 1 ? '' : 's'}`;

export function freezePreview(input: {
  branch: string;
  release: string | null;
  label: string;
  notReady: FreezeItem[];
  ready: FreezeItem[];
  previewId: string;
  /** An earlier confirm left PRs unfinished: this preview finishes them. */
  resume?: { left: number };
}): Message {
  const b = `\`${escapeEntities(input.branch)}\``;
  const label = `\`${escapeEntities(input.label)}\``;
  const total = input.notReady.length + input.ready.length;
  const head = input.resume
    ? `*The freeze of ${b} for ${cutName(input.release)} did not finish*: ${picks(input.resume.left)} ${input.resume.left === 1 ? 'is' : 'are'} not done yet (the label is still on, or the PR comment is missing). Confirm finishes ${input.resume.left === 1 ? 'it' : 'them'} and repeats nothing that is done.`
    : `*Freeze ${b} for ${cutName(input.release)}?* Of the ${picks(total)} approved (${label}) and still open on ${b}, ${input.notReady.length} ${input.notReady.length === 1 ? 'is' : 'are'} not ready to merge. Confirm removes ${label} from ${input.notReady.length === 1 ? 'it' : 'them'}, so Tide merges only what is ready, and comments on each PR why and how it comes back.`;
  const blocks: KnownBlock[] = [section(head)];
  if (input.notReady.length) {
    blocks.push(section(`*Not ready: ${label} comes off*`));
    blocks.push(...lineSections(input.notReady.map((i) => item(i, true))));
  }
  if (input.ready.length) {
    blocks.push(section(`*Ready: ${label} stays*`));
    blocks.push(...lineSections(input.ready.map((i) => item(i, false))));
  }
  blocks.push(
    context(
      `relbot reads each PR again when you confirm, and tells you if the list changed. \`/cherrypick unfreeze ${escapeEntities(input.branch)}\` puts the label back on exactly these PRs after the cut.`,
    ),
  );
  const n = input.resume?.left ?? input.notReady.length;
  blocks.push(
    actions(`cherrypick_freeze:${input.previewId}`, [
      button(input.resume ? 'Finish the freeze' : 'Confirm freeze', FREEZE_ACTIONS.confirm, input.previewId, {
        style: 'danger',
        confirm: confirmDialog({
          title: `Remove the label from ${picks(n)}?`,
          text: `relbot removes ${label} from the not-ready picks on ${b} and comments on each PR why. Tide will not merge them before the cut.`,
          confirm: 'Remove the label',
        }),
      }),
      button('Cancel', FREEZE_ACTIONS.cancel, input.previewId),
    ]),
  );
  const text = input.resume
    ? `The freeze of ${input.branch} did not finish: ${picks(input.resume.left)} left.`
    : `Freeze ${input.branch}: ${input.notReady.length} of ${picks(total)} not ready.`;
  return message(text, blocks);
}

/** Every approved pick is ready: nothing to freeze (no buttons). */
export function nothingToFreeze(
  branch: string,
  release: string | null,
  label: string,
  ready: FreezeItem[],
): Message {
  const b = `\`${escapeEntities(branch)}\``;
  const l = `\`${escapeEntities(label)}\``;
  const which =
    ready.length === 1
      ? `The one pick approved (${l}) and open on ${b} is ready to merge`
      : `All ${picks(ready.length)} approved (${l}) and open on ${b} are ready to merge`;
  const text = `${which}, so there is nothing to freeze for ${cutName(release)}. Nothing was changed.`;
  return message(text, [section(text), ...lineSections(ready.map((i) => item(i, false)))]);
}

export function unfreezePreview(input: {
  branch: string;
  release: string | null;
  label: string;
  frozenBy: string;
  frozenAt: string;
  timezone: string;
  items: FreezeItem[];
  previewId: string;
}): Message {
  const b = `\`${escapeEntities(input.branch)}\``;
  const label = `\`${escapeEntities(input.label)}\``;
  const head = input.items.length
    ? `*Unfreeze ${b} after ${cutName(input.release)}?* <@${input.frozenBy}> froze it on ${when(input.frozenAt, input.timezone)}. Confirm puts ${label} back on the ${picks(input.items.length)} this freeze removed it from, and on no other PR.`
    : `*Unfreeze ${b}?* <@${input.frozenBy}> froze it on ${when(input.frozenAt, input.timezone)}, and the freeze removed ${label} from no PR. Confirm lifts it.`;
  const blocks: KnownBlock[] = [section(head), ...lineSections(input.items.map((i) => item(i, false)))];
  if (input.items.length)
    blocks.push(
      context(
        'relbot reads each PR again when you confirm: a closed or merged one does not get the label back.',
      ),
    );
  blocks.push(
    actions(`cherrypick_unfreeze:${input.previewId}`, [
      button('Confirm unfreeze', FREEZE_ACTIONS.unfreezeConfirm, input.previewId, {
        style: 'primary',
        confirm: confirmDialog({
          title: `Put the label back on ${picks(input.items.length)}?`,
          text: `relbot adds ${label} back to the PRs this freeze of ${b} removed it from and comments on each.`,
          confirm: 'Put it back',
        }),
      }),
      button('Cancel', FREEZE_ACTIONS.cancel, input.previewId),
    ]),
  );
  return message(`Unfreeze ${input.branch}: ${picks(input.items.length)} get the label back.`, blocks);
}

/** The one channel post of a freeze (updated in place if a later confirm finishes it). */
export function freezeSummary(input: {
  branch: string;
  release: string | null;
  label: string;
  actor: string;
  removed: FreezeItem[];
  stayed: number;
  dryRun: boolean;
}): Message {
  const b = `\`${escapeEntities(input.branch)}\``;
  const label = `\`${escapeEntities(input.label)}\``;
  const dry = input.dryRun ? ' _(dry run: no label or comment was changed on GitHub)_' : '';
  const head = `:snowflake: *${b} is frozen for ${cutName(input.release)}* by <@${input.actor}>: relbot removed ${label} from ${picks(input.removed.length)} that ${input.removed.length === 1 ? 'was' : 'were'} not ready to merge, so Tide merges only what is ready.${dry}`;
  const stay = `${picks(input.stayed)} approved and ready ${input.stayed === 1 ? 'keeps' : 'keep'} ${label}.`;
  const blocks: KnownBlock[] = [
    section(head),
    ...lineSections(input.removed.map((i) => item(i, true))),
    context(
      `${stay} Each PR got a comment saying why. After the cut, a release manager runs \`/cherrypick unfreeze ${escapeEntities(input.branch)}\` to put the label back on exactly these.`,
    ),
  ];
  return message(
    `${input.branch} is frozen for ${cutName(input.release)}: ${picks(input.removed.length)} lost ${input.label}.`,
    blocks,
  );
}

export function unfreezeSummary(input: {
  branch: string;
  release: string | null;
  label: string;
  actor: string;
  restored: FreezeItem[];
  kept: FreezeItem[];
  dryRun: boolean;
}): Message {
  const b = `\`${escapeEntities(input.branch)}\``;
  const label = `\`${escapeEntities(input.label)}\``;
  const dry = input.dryRun ? ' _(dry run: no label or comment was changed on GitHub)_' : '';
  const blocks: KnownBlock[] = [
    section(
      `:sunny: *${b} is unfrozen* after ${cutName(input.release)} by <@${input.actor}>: relbot put ${label} back on the ${picks(input.restored.length)} the freeze had removed it from.${dry}`,
    ),
    ...lineSections(input.restored.map((i) => item(i, false))),
  ];
  if (input.kept.length)
    blocks.push(
      section(`*Not put back* (closed or merged since the freeze):`),
      ...lineSections(input.kept.map((i) => item(i, false))),
    );
  return message(
    `${input.branch} is unfrozen: ${picks(input.restored.length)} got ${input.label} back.`,
    blocks,
  );
}

/** The card's line for a pick whose label a freeze removed. */
export function frozenCardLine(f: {
  branch: string;
  release: string | null;
  reasons: string[];
  label: string;
}): string {
  const why = f.reasons.length ? ` because ${escapeEntities(f.reasons.join('; '))}` : '';
  return `:snowflake: *Frozen for ${cutName(f.release)}*: relbot removed \`${escapeEntities(f.label)}\`${why}. It comes back after the cut (\`/cherrypick unfreeze ${escapeEntities(f.branch)}\`).`;
}
