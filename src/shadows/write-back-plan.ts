import type { Deps } from '../deps';
import type { GitHub } from '../github';
import {
  branchSha,
  type FileAt,
  findOpenPull,
  getFile,
  getRepo,
  type PullInfo,
  type RepoInfo,
  type RepoRef,
} from '../github/pulls';
import { cfg } from './common';
import type { WriteBackConfig } from './config';
import { buildRoster } from './roster-export';
import type { Cycle } from './rules';
import { diffStat, unifiedDiff } from './write-back-diff';
import { type GroupMember, rosterFile, type UsergroupEdit, usergroupEdit } from './write-back-files';

/**
 * What the roster and user-group pull requests would change, read from GitHub without writing:
 * the new files against upstream, and where the fork, its branch and the pull request stand.
 */

export type TargetKey = 'sig-release' | 'community';

export interface PlannedFile {
  path: string;
  /** Upstream's file on the base branch (undefined: a new file). */
  before?: FileAt;
  after: string;
  diff: string;
  added: number;
  removed: number;
}

export interface TargetPlan {
  key: TargetKey;
  upstream: RepoRef;
  fork: RepoRef;
  branch: string;
  base: string;
  title: string;
  body: string;
  files: PlannedFile[];
  /** Every file already reads as planned upstream: no pull request is needed. */
  upToDate: boolean;
  /** The fork as GitHub has it (undefined: missing). */
  forkRepo?: RepoInfo;
  branchHead?: string;
  baseSha?: string;
  pull?: PullInfo;
  /** Files on the fork branch as they are now (path → content), where they exist. */
  onBranch: Map<string, FileAt>;
  notes: string[];
  /** Why this target cannot be planned (the rest of the plan still stands). */
  error?: string;
}

export interface Plan {
  cycle: Cycle;
  config: WriteBackConfig;
  targets: TargetPlan[];
  edit?: UsergroupEdit;
  fingerprint: string;
}

export function repoRef(full: string): RepoRef {
  const [owner, repo] = full.split('/') as [string, string];
  return { owner, repo };
}

export const fullName = (r: RepoRef) => `${r.owner}/${r.repo}`;

export function writeBackConfig(deps: Deps): WriteBackConfig | undefined {
  return cfg(deps).writeBack;
}

/** A role as the comments of usergroups.yaml write it (`v1.37 RT Lead`, `v1.37 Comms Lead`). */
function short(role: string): string {
  if (/^release team lead$/i.test(role)) return 'RT Lead';
  if (/^communications$/i.test(role)) return 'Comms';
  return role;
}

/** The group's members for the cycle: every role lead, and the shadows the config asks for. */
function groupMembers(
  deps: Deps,
  wb: WriteBackConfig,
  cycle: Cycle,
  roster: Awaited<ReturnType<typeof buildRoster>>,
) {
  const rtl = cfg(deps).releaseTeamLeadRole.toLowerCase();
  const out: GroupMember[] = [];
  for (const r of roster.roster.roles) {
    for (const p of r.leads)
      out.push({
        github: p.github,
        slackId: roster.slackIds.get(p.github.toLowerCase())?.id,
        comment: `v${cycle.version} ${r.role.toLowerCase() === rtl ? 'RT Lead' : `${short(r.role)} Lead`}`,
      });
    if (wb.usergroupMembers === 'team' || r.role.toLowerCase() === rtl)
      for (const p of r.shadows)
        out.push({
          github: p.github,
          slackId: roster.slackIds.get(p.github.toLowerCase())?.id,
          comment: `v${cycle.version} ${short(r.role)} Shadow`,
        });
  }
  return out;
}

function planned(path: string, before: FileAt | undefined, after: string): PlannedFile {
  const stat = diffStat(before?.content ?? '', after);
  return {
    path,
    ...(before ? { before } : {}),
    after,
    diff: unifiedDiff(before?.content, after, path),
    ...stat,
  };
}

async function readState(gh: GitHub, t: TargetPlan): Promise<void> {
  const base = await branchSha(gh, t.upstream, t.base);
  if (!base) throw new Error(`${fullName(t.upstream)} has no branch ${t.base}`);
  t.baseSha = base;
  t.forkRepo = await getRepo(gh, t.fork);
  if (t.forkRepo) {
    t.branchHead = await branchSha(gh, t.fork, t.branch);
    if (t.branchHead)
      for (const f of t.files) {
        const at = await getFile(gh, t.fork, f.path, t.branch);
        if (at) t.onBranch.set(f.path, at);
      }
  }
  t.pull = await findOpenPull(gh, t.upstream, t.fork.owner, t.branch, t.base);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads upstream, the fork and the pull requests, and computes the new files. Writes nothing. */
export async function planWriteBack(deps: Deps, cycle: Cycle, wb: WriteBackConfig): Promise<Plan> {
  const gh = deps.github;
  const roster = await buildRoster(deps, cycle);
  const v = cycle.version;
  const branch = `${wb.branchPrefix}${v}`;
  const mk = (key: TargetKey, upstream: string, title: string, body: string): TargetPlan => {
    const up = repoRef(upstream);
    return {
      key,
      upstream: up,
      fork: { owner: wb.fork, repo: up.repo },
      branch,
      base: wb.baseBranch,
      title,
      body,
      files: [],
      upToDate: false,
      onBranch: new Map(),
      notes: [],
    };
  };
  const footer = `Opened by relbot from the shadow selection in Slack. Publishing again updates this pull request.\n\n/sig release\n`;
  const sig = mk(
    'sig-release',
    wb.sigReleaseRepo,
    `Release Team v${v}: roster`,
    `The Kubernetes v${v} Release Team as the Release Team Lead published it: \`releases/release-${v}/release-team.md\`.\n\n${footer}`,
  );
  const community = mk(
    'community',
    wb.communityRepo,
    `sig-release: v${v} members of the ${wb.usergroup} Slack user group`,
    `The v${v} members of the \`${wb.usergroup}\` user group (Tempelis updates the Slack user group when this merges), and the \`users.yaml\` entries they need.\n\n${footer}`,
  );
  let edit: UsergroupEdit | undefined;
  try {
    const path = `releases/release-${v}/release-team.md`;
    const before = await getFile(gh, sig.upstream, path, wb.baseBranch);
    sig.files.push(planned(path, before, rosterFile(before?.content, roster.roster)));
  } catch (err) {
    sig.error = describe(err);
  }
  try {
    const groups = await getFile(gh, community.upstream, wb.usergroupsPath, wb.baseBranch);
    const users = await getFile(gh, community.upstream, wb.usersPath, wb.baseBranch);
    if (!groups || !users)
      throw new Error(
        `${fullName(community.upstream)} has no ${!groups ? wb.usergroupsPath : wb.usersPath} on ${wb.baseBranch}`,
      );
    edit = usergroupEdit(
      groups.content,
      users.content,
      wb.usergroup,
      groupMembers(deps, wb, cycle, roster),
      cycle.version,
    );
    community.files.push(planned(wb.usergroupsPath, groups, edit.usergroups));
    if (edit.users !== users.content) community.files.push(planned(wb.usersPath, users, edit.users));
    if (edit.missing.length)
      community.notes.push(
        `Left out of the group (no users.yaml entry and no known Slack ID): ${edit.missing.map((g) => `@${g}`).join(', ')}.`,
      );
    for (const m of edit.idMismatch)
      community.notes.push(`users.yaml maps ${m.name} to ${m.file}, relbot knows ${m.known}: not changed.`);
  } catch (err) {
    community.error = describe(err);
  }
  for (const t of [sig, community]) {
    if (t.error) continue;
    t.upToDate = t.files.every((f) => f.diff === '');
    try {
      await readState(gh, t);
    } catch (err) {
      t.error = describe(err);
    }
  }
  const fingerprint = fnv(
    JSON.stringify(
      [sig, community].map((t) => [t.key, t.error ?? '', t.files.map((f) => [f.path, f.after])]),
    ),
  );
  return { cycle, config: wb, targets: [sig, community], ...(edit ? { edit } : {}), fingerprint };
}

/** A short, stable hash (FNV-1a, 32 bits, hex). */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Whether running the plan writes anything for this target (a commit, a new PR, a new title). */
export function hasWork(t: TargetPlan): boolean {
  if (t.error || t.upToDate) return false;
  if (!t.pull) return true;
  return (
    t.pull.title !== t.title ||
    t.pull.body !== t.body ||
    t.files.some((f) => t.onBranch.get(f.path)?.content !== f.after)
  );
}

/** What running the plan does for one target, step by step (the dry run and the preview say these). */
export function steps(t: TargetPlan): string[] {
  if (t.error) return [];
  if (t.upToDate)
    return [
      t.pull
        ? `nothing to write: ${t.base} already has these files (PR #${t.pull.number} is still open)`
        : `nothing to write: ${t.base} already has these files, so no pull request is needed`,
    ];
  if (!hasWork(t)) return [`nothing to write: PR #${t.pull!.number} already has these files`];
  const out: string[] = [];
  const fork = fullName(t.fork);
  if (!t.forkRepo) out.push(`create the fork ${fork} of ${fullName(t.upstream)}`);
  const wanted = (f: PlannedFile) => t.onBranch.get(f.path)?.content !== f.after;
  const reset = t.branchHead && !t.pull && t.files.some(wanted);
  if (!t.branchHead)
    out.push(`create the branch ${t.branch} in ${fork} from ${t.base} (${t.baseSha?.slice(0, 7)})`);
  else if (reset)
    out.push(
      `reset the branch ${t.branch} in ${fork} to ${t.base} (${t.baseSha?.slice(0, 7)}): no open PR uses it`,
    );
  let commits = 0;
  for (const f of t.files) {
    const onBranch = reset ? undefined : t.onBranch.get(f.path);
    if (onBranch?.content === f.after) continue;
    commits++;
    if (onBranch) {
      const d = diffStat(onBranch.content, f.after);
      out.push(`commit ${f.path} (+${d.added} −${d.removed} lines on the branch)`);
    } else
      out.push(
        `commit ${f.path} (${f.before ? `+${f.added} −${f.removed} lines` : `new file, ${f.added} lines`})`,
      );
  }
  if (!t.pull)
    out.push(`open a pull request from ${t.fork.owner}:${t.branch} into ${fullName(t.upstream)} ${t.base}`);
  else if (t.pull.title !== t.title || t.pull.body !== t.body)
    out.push(`update the title and description of PR #${t.pull.number}`);
  else if (commits) out.push(`PR #${t.pull.number} shows the new commit${commits === 1 ? '' : 's'}`);
  return out;
}
