import { parse } from 'yaml';
import {
  formatPerson,
  parsePeopleCell,
  parseRoster,
  type Roster,
  type RosterPerson,
  renderRosterMarkdown,
} from './roster';

/**
 * The files of the roster and user-group pull requests, as edits of the files upstream. Pure.
 *
 * - `release-team.md`: a new cycle's file is relbot's rendering (the v1.37 layout). An existing
 *   file is edited cell by cell: a cell whose people are unchanged stays byte for byte (hand-made
 *   padding and `, Slack:` variants included), a changed cell is rendered and padded to the width
 *   it had, so publishing the same team again changes nothing.
 * - `usergroups.yaml` (Tempelis): only the member lines of one group change. Members whose comment
 *   names a cycle (`# v1.37 Docs Lead`) are replaced by the new cycle's; the others (subproject
 *   leads) stay. Members are users.yaml names, in the order the list had (case-insensitive).
 * - `users.yaml`: a missing person is added (`login: SlackID`) at their alphabetical place when
 *   their Slack ID is known; nothing else in the file moves.
 */

// ---------------------------------------------------------------- release-team.md

const len = (s: string) => [...s].length;

/** Splits a table row on unescaped pipes: the cells between the outer pipes (raw, with spaces). */
function cells(row: string): { cells: string[]; closed: boolean } {
  const out: string[] = [];
  let cur = '';
  for (let i = 1; i < row.length; i++) {
    const ch = row[i]!;
    if (ch === '\\' && row[i + 1] === '|') {
      cur += '\\|';
      i++;
    } else if (ch === '|') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  const closed = cur.trim() === '';
  if (!closed) out.push(cur);
  return { cells: out, closed };
}

const samePeople = (a: RosterPerson[], b: RosterPerson[]) =>
  a.length === b.length &&
  a.every(
    (p, i) =>
      p.name === b[i]!.name &&
      p.github.toLowerCase() === b[i]!.github.toLowerCase() &&
      (p.slack ?? p.github) === (b[i]!.slack ?? b[i]!.github),
  );

/** People as they read back from relbot's rendering (names sanitised as formatPerson does). */
const rendered = (people: RosterPerson[]) => parsePeopleCell(people.map(formatPerson).join(', ')).people;

/** ` text ` padded to `width` code points (no padding when it does not fit). */
const pad = (text: string, width: number) => {
  const cell = ` ${text} `;
  return cell + ' '.repeat(Math.max(0, width - len(cell)));
};

/** release-team.md for `roster`: `existing` edited cell by cell, or a new file in the v1.37 layout. */
export function rosterFile(existing: string | undefined, roster: Roster): string {
  if (existing === undefined) return renderRosterMarkdown(roster);
  try {
    parseRoster(existing);
  } catch {
    return renderRosterMarkdown(roster);
  }
  const lines = existing.split('\n');
  const headerAt = lines.findIndex((l) => l.startsWith('|') && /team\s*\/\s*role/i.test(l));
  if (headerAt < 0 || !lines[headerAt + 1]?.startsWith('|')) return renderRosterMarkdown(roster);
  const widths = cells(lines[headerAt + 1]!).cells.map(len);
  let end = headerAt + 2;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  const done = new Set<string>();
  for (let i = headerAt + 2; i < end; i++) {
    const row = cells(lines[i]!);
    const role = (row.cells[0] ?? '').replace(/\*\*/g, '').trim();
    const next = roster.roles.find((r) => r.role.toLowerCase() === role.toLowerCase());
    if (!next || done.has(next.role)) continue;
    done.add(next.role);
    let changed = false;
    const out = [...row.cells];
    for (const [col, people] of [
      [1, next.leads],
      [2, next.shadows],
    ] as const) {
      const old = parsePeopleCell(out[col] ?? '');
      const want = rendered(people);
      if (samePeople(old.people, want)) continue;
      changed = true;
      const text = people.length ? people.map(formatPerson).join(', ') : 'TBD';
      out[col] = pad(text, len(out[col] ?? '') || (widths[col] ?? 0));
    }
    if (changed) lines[i] = `|${out.join('|')}|`;
  }
  const added = roster.roles
    .filter((r) => !done.has(r.role))
    .map((r) =>
      [
        pad(r.role, widths[0] ?? 0),
        pad(r.leads.length ? r.leads.map(formatPerson).join(', ') : 'TBD', widths[1] ?? 0),
        pad(r.shadows.length ? r.shadows.map(formatPerson).join(', ') : 'TBD', widths[2] ?? 0),
      ].join('|'),
    )
    .map((row) => `|${row}|`);
  lines.splice(end, 0, ...added);
  return lines.join('\n');
}

// ---------------------------------------------------------------- users.yaml and usergroups.yaml

export interface GroupMember {
  github: string;
  slackId?: string;
  /** What the member line's comment says, e.g. `v1.38 Docs Lead`. */
  comment: string;
}

export interface UsergroupEdit {
  usergroups: string;
  users: string;
  /** users.yaml entries added: [name, Slack ID]. */
  addedUsers: Array<[string, string]>;
  /** The group's members after the edit (users.yaml names). */
  members: string[];
  /** Members that left the group (cycle members of an earlier cycle). */
  removed: string[];
  /** People left out: no users.yaml entry and no Slack ID to add one with. */
  missing: string[];
  /** users.yaml names whose Slack ID differs from the one relbot knows (not changed). */
  idMismatch: Array<{ name: string; file: string; known: string }>;
}

export class WriteBackFileError extends Error {}

const CYCLE_COMMENT = /^v\d+\.\d+\b/;
const MEMBER = /^(\s*)- ([^\s#]+)(\s*)(?:#\s?(.*))?$/;

/** The users.yaml entries as [name, Slack ID] in file order (YAML-parsed, so quoting is handled). */
function usersOf(users: string): Array<[string, string]> {
  const doc = parse(users) as { users?: Record<string, unknown> } | null;
  if (!doc?.users || typeof doc.users !== 'object')
    throw new WriteBackFileError('users.yaml has no `users:` map');
  return Object.entries(doc.users).map(([k, v]) => [k, String(v)]);
}

/** users.yaml with `name: id` entries added at their alphabetical (case-insensitive) place. */
function addUsers(users: string, add: Array<[string, string]>): string {
  const lines = users.split('\n');
  const start = lines.findIndex((l) => /^users:\s*$/.test(l));
  if (start < 0) throw new WriteBackFileError('users.yaml has no `users:` line');
  for (const [name, id] of add) {
    let at = -1;
    let last = start;
    for (let i = start + 1; i < lines.length && !/^\S/.test(lines[i]!); i++) {
      const key = /^ {2}([^:#\s][^:]*):/.exec(lines[i]!)?.[1];
      if (key === undefined) continue;
      last = i;
      if (at < 0 && key.toLowerCase() > name.toLowerCase()) at = i;
    }
    lines.splice(at < 0 ? last + 1 : at, 0, `  ${name}: ${id}`);
  }
  return lines.join('\n');
}

/**
 * The group's member lines rewritten for the new cycle, and the users.yaml entries its members
 * need. Throws WriteBackFileError when the group or the files' shape is not what Tempelis reads.
 */
export function usergroupEdit(
  usergroupsYaml: string,
  usersYaml: string,
  group: string,
  want: GroupMember[],
  version?: string,
): UsergroupEdit {
  const entries = usersOf(usersYaml);
  const bySlack = new Map(entries.map(([k, v]) => [v, k]));
  const byName = new Map(entries.map(([k]) => [k.toLowerCase(), k]));
  const addedUsers: Array<[string, string]> = [];
  const missing: string[] = [];
  const idMismatch: UsergroupEdit['idMismatch'] = [];
  const wanted = new Map<string, string[]>();
  for (const w of want) {
    let name = (w.slackId && bySlack.get(w.slackId)) || byName.get(w.github.toLowerCase());
    if (name && w.slackId && !bySlack.has(w.slackId)) {
      const file = entries.find(([k]) => k === name)![1];
      idMismatch.push({ name, file, known: w.slackId });
    }
    if (!name && w.slackId) {
      name = w.github;
      if (!addedUsers.some(([k]) => k.toLowerCase() === name!.toLowerCase()))
        addedUsers.push([name, w.slackId]);
      byName.set(name.toLowerCase(), name);
    }
    if (!name) {
      missing.push(w.github);
      continue;
    }
    wanted.set(name, [...(wanted.get(name) ?? []), w.comment]);
  }

  const lines = usergroupsYaml.split('\n');
  const nameAt = lines.findIndex((l) =>
    new RegExp(`^\\s*- name:\\s*['"]?${escapeRe(group)}['"]?\\s*$`).test(l),
  );
  if (nameAt < 0) throw new WriteBackFileError(`usergroups.yaml has no group \`${group}\``);
  const itemIndent = /^(\s*)-/.exec(lines[nameAt]!)![1]!.length;
  let membersAt = -1;
  for (let i = nameAt + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^\s*- name:/.test(l) && /^(\s*)/.exec(l)![1]!.length <= itemIndent) break;
    if (/^\s+members:\s*$/.test(l)) {
      membersAt = i;
      break;
    }
  }
  if (membersAt < 0) throw new WriteBackFileError(`group \`${group}\` has no \`members:\` list`);
  let end = membersAt + 1;
  const old: Array<{ name: string; comment?: string; line: string; indent: string; gap: number }> = [];
  while (end < lines.length && MEMBER.test(lines[end]!)) {
    const m = MEMBER.exec(lines[end]!)!;
    old.push({ name: m[2]!, comment: m[4], line: lines[end]!, indent: m[1]!, gap: m[3]!.length });
    end++;
  }
  const indent = old[0]?.indent ?? `${' '.repeat(itemIndent + 4)}`;
  const commentCol =
    mostCommon(old.filter((o) => o.comment !== undefined).map((o) => len(o.name) + o.gap)) ?? 20;
  const line = (name: string, comment: string) =>
    `${indent}- ${name}${' '.repeat(Math.max(1, commentCol - len(name)))}# ${comment}`;
  const keep = old.filter((o) => !CYCLE_COMMENT.test(o.comment ?? ''));
  const keptNames = new Set(keep.map((o) => o.name.toLowerCase()));
  const removed = old
    .filter(
      (o) => !keep.includes(o) && ![...wanted.keys()].some((n) => n.toLowerCase() === o.name.toLowerCase()),
    )
    .map((o) => o.name);
  const fresh = [...wanted]
    .filter(([n]) => !keptNames.has(n.toLowerCase()))
    .map(([n, comments]) => ({
      name: n,
      // `v1.38 RT Lead Shadow / Branch Manager Lead`: the cycle is said once.
      line: line(n, comments.map((c, i) => (i ? c.replace(/^v\d+\.\d+ /, '') : c)).join(' / ')),
    }));
  const sorted = old.every((o, i) => i === 0 || old[i - 1]!.name.toLowerCase() <= o.name.toLowerCase());
  const all = [...keep.map((o) => ({ name: o.name, line: o.line })), ...fresh];
  if (sorted) all.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  // The comment above the group links the current cycle's roster: it moves to the new cycle.
  if (version)
    for (let i = nameAt - 1; i >= 0 && /^\s*#/.test(lines[i]!); i--)
      lines[i] = lines[i]!.replace(
        /\/release-\d+\.\d+\/release-team\.md/,
        `/release-${version}/release-team.md`,
      );
  const next = [...lines.slice(0, membersAt + 1), ...all.map((a) => a.line), ...lines.slice(end)].join('\n');
  const users = addedUsers.length ? addUsers(usersYaml, addedUsers) : usersYaml;

  // What Tempelis will read: the group's members, each a users.yaml name.
  const groups =
    (parse(next) as { usergroups?: Array<{ name: string; members?: string[] }> }).usergroups ?? [];
  const got = groups.find((g) => g.name === group)?.members ?? [];
  const known = new Set(usersOf(users).map(([k]) => k));
  if (got.length !== all.length || got.some((m) => !known.has(m) && !keep.some((k) => k.name === m)))
    throw new WriteBackFileError(`the edited \`${group}\` group does not read back as its member list`);
  return { usergroups: next, users, addedUsers, members: got, removed, missing, idMismatch };
}

function mostCommon(xs: number[]): number | undefined {
  const count = new Map<number, number>();
  for (const x of xs) count.set(x, (count.get(x) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
