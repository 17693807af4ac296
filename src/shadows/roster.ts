import { stringify } from 'csv-stringify/sync';
import { markdownTable } from 'markdown-table';
import { marked, type Tokens } from 'marked';

/**
 * The Release Team roster in the format of kubernetes/sig-release
 * `releases/release-1.XX/release-team.md`: parse the real files (with their inconsistent cells) and
 * render the same table back, ready for the pull request. Pure functions.
 */

export interface RosterPerson {
  name: string;
  github: string;
  /** The Slack name as written in the file, without backticks and without a leading @. */
  slack?: string;
}

export interface RosterRole {
  role: string;
  leads: RosterPerson[];
  shadows: RosterPerson[];
  /** The lead cell says TBD. */
  leadTbd: boolean;
  /** The shadow cell says TBD. */
  shadowsTbd: boolean;
}

export interface Roster {
  /** e.g. '1.37', from the `# Kubernetes v1.37 Release Team` heading when present. */
  version?: string;
  roles: RosterRole[];
}

export class RosterParseError extends Error {}

export const ROSTER_HEADER = [
  '**Team/Role**',
  '**Lead Name** (**GitHub / Slack ID**)',
  '**Shadow Name(s) (GitHub / Slack ID)**',
] as const;

const GITHUB_LINK = /\[\s*@?([^\]\s]+)\s*\]\(\s*https?:\/\/github\.com\/([^)\s/]+)\/?\s*\)/g;

/**
 * One person: `Name ([@gh](https://github.com/gh) / Slack: `@Slack Name`)`. Variants seen in real
 * files: `, Slack:` instead of `/ Slack:`, no `@` in the link text or in the backticks, spaces inside
 * the parentheses, a Slack name with parentheses inside its backticks, or no backticks at all.
 */
const PERSON =
  /([^,()[\]]*?)\s*\(\s*\[\s*@?([^\]\s]+)\s*\]\(\s*https?:\/\/github\.com\/([^)\s/]+)\/?\s*\)\s*(?:(?:\/|,)\s*Slack:\s*(?:`([^`]*)`|([^)]*?))\s*)?\)/g;

/** The people in one table cell. Any GitHub link the full pattern misses is still counted. */
export function parsePeopleCell(cell: string): { people: RosterPerson[]; tbd: boolean } {
  const text = cell.trim();
  if (/^(TBD|TBA|-|–|—|n\/a)?$/i.test(text)) return { people: [], tbd: /^TB[DA]$/i.test(text) };
  const people: RosterPerson[] = [];
  const covered: Array<[number, number]> = [];
  for (const m of text.matchAll(PERSON)) {
    const github = (m[3] ?? m[2] ?? '').trim();
    const rawSlack = (m[4] ?? m[5] ?? '').trim();
    const name = (m[1] ?? '').replace(/^[\s,]+/, '').trim();
    people.push({
      name: name || github,
      github,
      ...(rawSlack ? { slack: rawSlack.replace(/^@/, '').trim() } : {}),
    });
    covered.push([m.index, m.index + m[0].length]);
  }
  for (const m of text.matchAll(GITHUB_LINK)) {
    if (covered.some(([a, b]) => m.index >= a && m.index < b)) continue;
    const github = (m[2] ?? m[1] ?? '').trim();
    people.push({ name: github, github });
  }
  return { people, tbd: false };
}

function normHeader(s: string): string {
  return s.replace(/[*\s]/g, '').toLowerCase();
}

/** Parses a release-team.md file. Throws RosterParseError when it holds no roster table. */
export function parseRoster(markdown: string): Roster {
  const tokens = marked.lexer(markdown);
  const heading = tokens.find((t): t is Tokens.Heading => t.type === 'heading');
  const version = heading?.text.match(/v?(\d+\.\d+)/)?.[1];
  const table = tokens.find(
    (t): t is Tokens.Table =>
      t.type === 'table' &&
      (t as Tokens.Table).header.length >= 3 &&
      normHeader((t as Tokens.Table).header[0]?.text ?? '').includes('role'),
  );
  if (!table) throw new RosterParseError('no Release Team table (| **Team/Role** | ... |) found');
  const roles: RosterRole[] = [];
  for (const row of table.rows) {
    const role = (row[0]?.text ?? '').replace(/\*\*/g, '').trim();
    if (!role) continue;
    const leads = parsePeopleCell(row[1]?.text ?? '');
    const shadows = parsePeopleCell(row[2]?.text ?? '');
    roles.push({
      role,
      leads: leads.people,
      shadows: shadows.people,
      leadTbd: leads.tbd,
      shadowsTbd: shadows.tbd,
    });
  }
  return { ...(version ? { version } : {}), roles };
}

/** Text safe inside a markdown table cell (no pipes, no line breaks). */
function cellText(s: string): string {
  return (
    s
      // Any line break (U+2028/2029 and control characters too) would end the table row.
      .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
      .replace(/\|/g, '\\|')
      .trim()
  );
}

/** `Name ([@gh](https://github.com/gh) / Slack: `@Slack Name`)` exactly as in release-team.md. */
export function formatPerson(p: RosterPerson): string {
  const slack = cellText((p.slack ?? p.github).replace(/`/g, "'").replace(/^@/, ''));
  const name =
    cellText(
      p.name
        .replace(/[()[\]]/g, ' ')
        .replace(/,/g, ' ')
        .replace(/\s+/g, ' '),
    ) || p.github;
  return `${name} ([@${p.github}](https://github.com/${p.github}) / Slack: \`@${slack}\`)`;
}

function formatCell(people: RosterPerson[]): string {
  return people.length ? people.map(formatPerson).join(', ') : 'TBD';
}

/** The whole release-team.md for `version`, in the layout of releases/release-1.37/release-team.md. */
export function renderRosterMarkdown(roster: Roster): string {
  const rows = roster.roles.map((r) => [cellText(r.role), formatCell(r.leads), formatCell(r.shadows)]);
  // release-team.md's delimiter row is all dashes, `|------|`, while markdown-table pads it like the
  // others (`| ---- |`). So padding is off and each cell carries its own spaces: the dashes then
  // span the cell and its spaces, and the rows come out as before. Widths count code points.
  const table = markdownTable(
    [[...ROSTER_HEADER], ...rows].map((row) => row.map((cell) => ` ${cell} `)),
    { padding: false, stringLength: (cell) => [...cell].length },
  );
  const v = roster.version ?? 'X.Y';
  return [
    `# Kubernetes v${v} Release Team`,
    '',
    table,
    '',
    'Review the [Release Managers page](https://github.com/kubernetes/website/blob/main/content/en/releases/release-managers.md) for up-to-date contact information on Release Engineering personnel.',
    '',
    `The schedule for all patch releases can be found at [Patch Releases page](https://github.com/kubernetes/website/blob/main/content/en/releases/patch-releases.md). It will be updated to include v${v}, once the v${v} release cycle concludes.`,
    '',
  ].join('\n');
}

export interface RosterCsvRow {
  role: string;
  position: 'lead' | 'shadow';
  name: string;
  github: string;
  slack?: string;
  slackId?: string;
  timeZone?: string;
}

export function rosterCsvRows(
  roster: Roster,
  extra: (p: RosterPerson) => Partial<RosterCsvRow> = () => ({}),
) {
  const rows: RosterCsvRow[] = [];
  for (const r of roster.roles) {
    for (const p of r.leads)
      rows.push({
        role: r.role,
        position: 'lead',
        name: p.name,
        github: p.github,
        slack: p.slack,
        ...extra(p),
      });
    for (const p of r.shadows)
      rows.push({
        role: r.role,
        position: 'shadow',
        name: p.name,
        github: p.github,
        slack: p.slack,
        ...extra(p),
      });
  }
  return rows;
}

/** CSV with a header row: version, role, position, name, github, slack_name, slack_id, time_zone. */
export function renderRosterCsv(
  roster: Roster,
  extra: (p: RosterPerson) => Partial<RosterCsvRow> = () => ({}),
): string {
  return stringify(
    rosterCsvRows(roster, extra).map((r) => [
      roster.version ?? '',
      r.role,
      r.position,
      r.name,
      r.github,
      r.slack ?? '',
      r.slackId ?? '',
      r.timeZone ?? '',
    ]),
    {
      header: true,
      columns: ['version', 'role', 'position', 'name', 'github', 'slack_name', 'slack_id', 'time_zone'],
    },
  );
}
