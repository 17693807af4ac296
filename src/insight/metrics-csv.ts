import { stringify } from 'csv-stringify/sync';
import { LIMITS, type Message, message, section } from '../slack/blocks';
import { escapeEntities } from '../slack/escape';
import type { CycleMetrics, Stats } from './metrics';
import type { CycleReport } from './metrics-read';

/**
 * `/release metrics csv [1.XX]`: the same figures as the message, one figure per line in long form
 * (cycle, topic, figure, scope, value, unit), so a spreadsheet pivots it any way. Durations are in
 * hours with two decimals; a figure with nothing to measure has an empty value.
 */

export const CSV_COLUMNS = ['cycle', 'topic', 'figure', 'scope', 'value', 'unit'] as const;

type Row = [string, string, string, string, string, string];

const hours = (ms: number | undefined) => (ms === undefined ? '' : (ms / 3_600_000).toFixed(2));

function rowsOf(m: CycleMetrics): Row[] {
  const v = m.version;
  const rows: Row[] = [];
  const add = (
    topic: string,
    figure: string,
    scope: string,
    value: string | number | undefined,
    unit: string,
  ) =>
    rows.push([v, topic, figure, scope.replace(/`/g, "'"), value === undefined ? '' : String(value), unit]);
  const quantiles = (topic: string, figure: string, s: Stats) => {
    add(topic, `${figure}_p50`, '', hours(s.p50), 'hours');
    add(topic, `${figure}_p90`, '', hours(s.p90), 'hours');
  };
  const cp = m.cherrypicks;
  add('window', 'start', '', m.start.slice(0, 10), 'date');
  add('window', 'last_day', '', new Date(Date.parse(m.end) - 1).toISOString().slice(0, 10), 'date');
  add('window', 'in_progress', '', m.inProgress ? 1 : 0, 'flag');
  for (const [figure, value] of [
    ['requests', cp.requests],
    ['approved', cp.approved],
    ['rejected', cp.rejected],
    ['waiting', cp.waiting],
    ['closed_undecided', cp.closedUndecided],
    ['approved_on_github', cp.approvedOnGitHub],
    ['failed_attempts', cp.failedAttempts],
  ] as const)
    add('cherrypicks', figure, 'all', value, 'count');
  quantiles('cherrypicks', 'request_to_decision', cp.toDecision);
  quantiles('cherrypicks', 'request_to_merge', cp.toMerge);
  for (const b of cp.branches)
    for (const f of ['requests', 'approved', 'rejected', 'waiting'] as const)
      add('cherrypicks', f, b.branch, b[f], 'count');
  const bl = m.blockers;
  add('blockers', 'digests_kept', '', bl.snapshots, 'count');
  add('blockers', 'first_digest', '', bl.firstAt?.slice(0, 10), 'date');
  for (const w of bl.weeks) add('blockers', 'open', `week ${w.week}`, w.open, 'count');
  for (const f of bl.atFreeze) add('blockers', 'open_at', f.name, f.open, 'count');
  quantiles('blockers', 'open_to_closed', bl.toClose);
  add('blockers', 'closed_timed', '', bl.toClose.n, 'count');
  add('blockers', 'untimed', '', bl.untimed, 'count');
  add('blockers', 'still_open', '', bl.stillOpen, 'count');
  const r = m.reminders;
  for (const [figure, value] of [
    ['sent', r.sent],
    ['on_time', r.onTime],
    ['late', r.late],
    ['missed', r.missed],
    ['superseded', r.superseded],
    ['before_relbot', r.beforeRelbot],
    ['runs_ok', r.runs.ok],
    ['runs_failed', r.runs.error],
  ] as const)
    add('reminders', figure, '', value, 'count');
  add('reminders', 'late_by_p50', '', hours(r.lateBy.p50), 'hours');
  add('reminders', 'late_by_max', '', hours(r.lateBy.max), 'hours');
  const s = m.shadows;
  if (s) {
    add('shadows', 'applications', 'all', s.applications, 'count');
    add('shadows', 'withdrawn', 'all', s.withdrawn, 'count');
    add('shadows', 'returning', 'all', s.returning, 'count');
    add('shadows', 'returning_share', 'all', s.returningShare?.toFixed(3), 'ratio');
    add('shadows', 'close_to_publish', 'all', hours(s.closeToPublish), 'hours');
    for (const role of s.roles) {
      add('shadows', 'applications', role.role, role.applications, 'count');
      add('shadows', 'first_choice', role.role, role.firstChoice, 'count');
      add('shadows', 'seats', role.role, role.seats, 'count');
      add('shadows', 'accepted', role.role, role.accepted, 'count');
    }
  }
  return rows;
}

/** The CSV text: a header line, then the asked cycle's rows, then each compared cycle's. */
export function metricsCsv(report: CycleReport): string {
  const rows = [report.selected, ...report.compared].flatMap(rowsOf);
  return stringify([[...CSV_COLUMNS], ...rows]);
}

/** Room for the code fences and the title within one section. */
const ONE_SECTION = LIMITS.sectionText - 200;
/** Room within the message text, with the title and a note. */
const IN_TEXT = LIMITS.messageText - 1000;

/**
 * The CSV as one code block someone can copy whole: in a section when it fits one, else as the
 * message text alone (up to Slack's 40,000 characters), cut at a line with a note past that.
 */
export function csvMessage(report: CycleReport): Message {
  const csv = escapeEntities(metricsCsv(report).trimEnd());
  const cycles = [report.selected, ...report.compared].map((c) => `v${c.version}`).join(', ');
  const title = `*Cycle metrics as CSV* (${cycles}; docs/metrics.md defines each figure)`;
  if (csv.length <= ONE_SECTION)
    return message(`${title}\n\`\`\`\n${csv}\n\`\`\``, [section(title), section(`\`\`\`\n${csv}\n\`\`\``)]);
  if (csv.length <= IN_TEXT) return { text: `${title}\n\`\`\`\n${csv}\n\`\`\`` };
  const lines = csv.split('\n');
  let kept = 0;
  let size = 0;
  while (kept < lines.length && size + lines[kept]!.length + 1 < IN_TEXT) size += lines[kept++]!.length + 1;
  return {
    text: `${title}\n\`\`\`\n${lines.slice(0, kept).join('\n')}\n\`\`\`\n:scissors: Cut after line ${kept} of ${lines.length}: too long for one Slack message. Ask for an older cycle to see its figures first.`,
  };
}
