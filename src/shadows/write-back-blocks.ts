import {
  actions,
  button,
  confirmDialog,
  context,
  header,
  type KnownBlock,
  LIMITS,
  lineSections,
  type Message,
  message,
  section,
} from '../slack/blocks';
import { escapeEntities, escapeMrkdwn } from '../slack/escape';
import { fullName, hasWork, type Plan, steps, type TargetPlan } from './write-back-plan';
import type { TargetResult } from './write-back-run';

/** Renderers of the roster and user-group pull requests: preview, dry run, result. Pure. */

export const ACTION_PRS = {
  preview: 'shadow_prs_preview',
  dryRun: 'shadow_prs_dry_run',
  confirm: 'shadow_prs_confirm',
} as const;

/** Room for a diff chunk inside a section, with its code fence. */
const DIFF_CHUNK = 2700;
/** Diff sections shown per file; the rest is cut with a note saying where the whole diff is. */
const DIFF_SECTIONS = 3;

const LABEL: Record<TargetPlan['key'], string> = {
  'sig-release': 'roster',
  community: 'user group',
};

function diffBlocks(t: TargetPlan): KnownBlock[] {
  const out: KnownBlock[] = [];
  for (const f of t.files) {
    if (!f.diff) continue;
    const chunks: string[] = [];
    let cur = '';
    const lines = escapeEntities(f.diff).split('\n');
    let shown = 0;
    for (const l of lines) {
      const line = l.length > DIFF_CHUNK ? `${l.slice(0, DIFF_CHUNK - 1)}…` : l;
      if (cur.length + line.length + 1 > DIFF_CHUNK) {
        chunks.push(cur);
        cur = '';
        if (chunks.length === DIFF_SECTIONS) break;
      }
      cur += `${line}\n`;
      shown++;
    }
    if (cur && chunks.length < DIFF_SECTIONS) chunks.push(cur);
    out.push(...chunks.map((c) => section(`\`\`\`\n${c}\`\`\``)));
    const left = lines.filter((l) => l !== '').length - shown;
    if (left > 0)
      out.push(
        context(
          `:scissors: ${left} more diff lines of \`${escapeMrkdwn(f.path)}\` are not shown (Slack's limit). ` +
            (t.pull
              ? `The whole diff: <${t.pull.url}/files|PR #${t.pull.number}>.`
              : 'The whole diff is on the pull request once it is open.') +
            (t.key === 'sig-release' ? ' The whole table: `/shadow roster`.' : ''),
        ),
      );
  }
  return out;
}

function targetBlocks(t: TargetPlan, verb: 'will' | 'would'): KnownBlock[] {
  const head = `*${escapeMrkdwn(fullName(t.upstream))}* (${LABEL[t.key]}) · from \`${escapeMrkdwn(`${t.fork.owner}:${t.branch}`)}\` into \`${escapeMrkdwn(t.base)}\``;
  if (t.error) return [section(`${head}\n:x: Cannot prepare this pull request: ${escapeMrkdwn(t.error)}`)];
  const files = t.files.map(
    (f) =>
      `\`${escapeMrkdwn(f.path)}\`: ${f.diff ? (f.before ? `+${f.added} −${f.removed} lines` : `new file, ${f.added} lines`) : 'unchanged'}`,
  );
  const lines = [
    head,
    ...files.map((f) => `• ${f}`),
    `relbot ${verb}: ${steps(t).map(escapeMrkdwn).join('; ')}.`,
    ...t.notes.map((n) => `:warning: ${escapeMrkdwn(n)}`),
  ];
  return [...lineSections(lines), ...diffBlocks(t)];
}

const TEMPELIS = (p: Plan) =>
  `The Slack user group \`${escapeMrkdwn(p.config.usergroup)}\` is left to Tempelis: it follows usergroups.yaml once the kubernetes/community pull request merges. relbot does not set it directly.`;

/** The preview: each pull request's files and diff, what relbot will do, and Confirm / Dry run. */
export function previewMessage(p: Plan, notice?: string): Message {
  const v = p.cycle.version;
  const value = JSON.stringify({ c: p.cycle.id, f: p.fingerprint });
  const work = p.targets.filter(hasWork);
  const update = work.some((t) => t.pull);
  const blocks: KnownBlock[] = [header(`v${v} roster and user-group pull requests: preview`)];
  if (notice) blocks.push(section(notice));
  for (const t of p.targets) blocks.push(...targetBlocks(t, 'will'));
  blocks.push(context(TEMPELIS(p)));
  if (work.length)
    blocks.push(
      actions('shadow_prs', [
        button(update ? 'Update the pull requests' : 'Open the pull requests', ACTION_PRS.confirm, value, {
          style: 'primary',
          confirm: confirmDialog({
            title: `${update ? 'Update' : 'Open'} ${work.length === 1 ? 'the pull request' : `${work.length} pull requests`}?`,
            text: `relbot pushes to ${p.config.fork}'s fork${work.length === 1 ? '' : 's'} and ${update ? 'updates' : 'opens'} ${work.map((t) => fullName(t.upstream)).join(' and ')}. Your name and the time are recorded.`,
            confirm: update ? 'Update' : 'Open',
            deny: 'Cancel',
          }),
        }),
        button('Dry run', ACTION_PRS.dryRun, JSON.stringify({ c: p.cycle.id })),
      ]),
    );
  else
    blocks.push(
      context('Nothing to write: every file upstream already reads as planned, or could not be prepared.'),
    );
  const text = `Preview of the v${v} roster and user-group pull requests.`;
  return message(text, blocks.slice(0, LIMITS.blocks));
}

/** The dry run: exactly what would be done, and that nothing was written. */
export function dryRunMessage(p: Plan, why: 'asked' | 'config'): Message {
  const v = p.cycle.version;
  const blocks: KnownBlock[] = [
    header(`v${v} roster and user-group pull requests: dry run`),
    section(
      why === 'config'
        ? ':test_tube: *Dry run* (`shadows.writeBack.dryRun` is on): nothing was written to GitHub. Turn it off to write.'
        : ':test_tube: *Dry run:* nothing was written to GitHub.',
    ),
  ];
  for (const t of p.targets) blocks.push(...targetBlocks(t, 'would'));
  blocks.push(context(TEMPELIS(p)));
  return message(`Dry run of the v${v} roster and user-group pull requests: nothing was written.`, blocks);
}

function resultLine(r: TargetResult): string {
  const repo = escapeMrkdwn(r.repo);
  const pr = r.pull ? `<${r.pull.url}|${repo}#${r.pull.number}>` : repo;
  const sha = r.headSha ? ` (head \`${r.headSha.slice(0, 7)}\`)` : '';
  switch (r.outcome) {
    case 'opened':
      return `:white_check_mark: Opened ${pr}${sha}.`;
    case 'updated':
      return `:white_check_mark: Updated ${pr}: ${r.commits ? `${r.commits} new commit${r.commits === 1 ? '' : 's'}` : 'title and description'}${sha}.`;
    case 'unchanged':
      return `:white_check_mark: ${pr} already had these files; nothing new to push${sha}.`;
    case 'up_to_date':
      return `:white_check_mark: ${repo} already has these files on its base branch: no pull request needed.`;
    default:
      return (
        `:x: ${pr}: ${escapeMrkdwn(r.error ?? 'failed')}.` +
        (r.done.length
          ? ` Done before it failed: ${r.done.map(escapeMrkdwn).join(', ')}.`
          : ' Nothing was written.')
      );
  }
}

/** What a confirmed run did, per pull request, with Retry when one failed. */
export function resultMessage(p: Plan, results: TargetResult[], retryValue: string): Message {
  const v = p.cycle.version;
  const failed = results.filter((r) => r.outcome === 'failed');
  const lines = results.map(resultLine);
  const blocks: KnownBlock[] = [header(`v${v} roster and user-group pull requests`), ...lineSections(lines)];
  if (failed.length)
    blocks.push(
      section(
        'Running it again finishes what is missing and repeats nothing done: the same branch, the same pull requests.',
      ),
      actions('shadow_prs_retry', [button('Retry', ACTION_PRS.confirm, retryValue, { style: 'primary' })]),
    );
  blocks.push(context(TEMPELIS(p)));
  const text = failed.length
    ? `${failed.length} of the v${v} pull requests failed: ${failed.map((r) => r.repo).join(', ')}.`
    : `The v${v} roster and user-group pull requests are ready.`;
  return message(text, blocks);
}

/** The buttons under the publish answer. */
export function offerBlocks(cycleId: number): KnownBlock[] {
  const value = JSON.stringify({ c: cycleId });
  return [
    section(
      'relbot can open (or update) the pull requests for the new team: `release-team.md` in kubernetes/sig-release and the user group in kubernetes/community. You see the diff first.',
    ),
    actions('shadow_prs_offer', [
      button('Preview the pull requests', ACTION_PRS.preview, value, { style: 'primary' }),
      button('Dry run', ACTION_PRS.dryRun, value),
    ]),
  ];
}
