// The GitHub emulator's in-memory model: repos, issues and pulls (with comments and reviews), labels, milestones, statuses, file contents.
import { createHash } from 'node:crypto';

export interface GhLabel {
  name: string;
  color?: string;
}

export interface GhUser {
  login: string;
  id?: number;
}

/** An issue or a pull request (a PR is an issue with `pull` set). */
export interface GhIssue {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body?: string | null;
  state: 'open' | 'closed';
  /** author login */
  user: string;
  labels: string[];
  assignees: string[];
  /** milestone title, e.g. 'v1.37' */
  milestone?: string | null;
  created_at: string;
  updated_at: string;
  closed_at?: string | null;
  pull?: {
    base: string;
    head: string;
    head_sha: string;
    merged?: boolean;
    draft?: boolean;
    mergeable_state?: string;
    /** The head branch's repo when it is a fork (git.ts); absent: the PR's own repo. */
    head_owner?: string;
    head_repo?: string;
  };
  comments: { id: number; user: string; body: string; created_at: string }[];
  reviews: {
    id: number;
    user: string;
    state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
    submitted_at: string;
  }[];
}

export interface GhStatus {
  state: 'success' | 'failure' | 'error' | 'pending';
  context: string;
  description?: string;
  target_url?: string;
}

export type PullFields = NonNullable<GhIssue['pull']>;
type CommentSeed = { id?: number; user: string; body: string; created_at?: string };
type ReviewSeed = {
  id?: number;
  user: string;
  state: GhIssue['reviews'][number]['state'];
  submitted_at?: string;
};
export type IssueSeed = Partial<Omit<GhIssue, 'pull' | 'comments' | 'reviews'>> & {
  owner: string;
  repo: string;
  number: number;
  title: string;
  comments?: CommentSeed[];
  reviews?: ReviewSeed[];
};
export type PullSeed = IssueSeed & { pull?: Partial<PullFields> };
export type IssuePatch = Partial<Omit<GhIssue, 'pull'>> & { pull?: Partial<PullFields> };

export interface StoredIssue {
  id: number;
  issue: GhIssue;
}
export interface StoredStatus extends GhStatus {
  id: number;
  created_at: string;
}
export interface StoredMilestone {
  id: number;
  number: number;
  title: string;
  created_at: string;
}
export interface StoredLabel extends GhLabel {
  id: number;
}
export interface StoredRepo {
  id: number;
  owner: string;
  name: string;
}

/** The login the emulator writes as (comments) and names in rate-limit messages. */
export const BOT_LOGIN = 'relbot[bot]';

export const sha1 = (s: string | Buffer): string => createHash('sha1').update(s).digest('hex');
export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
export const repoKey = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();
export const issueKey = (owner: string, repo: string, n: number): string => `${repoKey(owner, repo)}#${n}`;
export const time = (s: string | null | undefined): number => (s ? Date.parse(s) : Number.NaN);

export function normPath(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}

export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Label names from a request body's list (strings or `{ name }` objects); undefined when one is neither. */
export function labelNames(raw: unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const l of raw) {
    if (typeof l === 'string') out.push(l);
    else if (l && typeof l === 'object' && typeof (l as { name?: unknown }).name === 'string') {
      out.push((l as { name: string }).name);
    } else return undefined;
  }
  return out;
}

export function dedupeLabels(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const k = n.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function sortIssues(
  list: GhIssue[],
  key: 'created' | 'updated' | 'comments',
  order: 'asc' | 'desc',
): void {
  const val = (i: GhIssue): number =>
    key === 'comments' ? i.comments.length : time(key === 'updated' ? i.updated_at : i.created_at);
  const dir = order === 'asc' ? 1 : -1;
  list.sort(
    (a, b) =>
      dir * (val(a) - val(b)) ||
      dir * repoKey(a.owner, a.repo).localeCompare(repoKey(b.owner, b.repo)) ||
      dir * (a.number - b.number),
  );
}

/** 'approved' | 'changes_requested' | 'none' from the latest non-comment review of each reviewer. */
export function reviewState(i: GhIssue): string {
  const latest = new Map<string, string>();
  const ordered = [...i.reviews].sort((a, b) => time(a.submitted_at) - time(b.submitted_at));
  for (const r of ordered) if (r.state !== 'COMMENTED') latest.set(r.user.toLowerCase(), r.state);
  const states = [...latest.values()];
  if (states.includes('CHANGES_REQUESTED')) return 'changes_requested';
  if (states.includes('APPROVED')) return 'approved';
  return 'none';
}

export function combinedState(statuses: StoredStatus[]): 'success' | 'failure' | 'pending' {
  if (statuses.length === 0) return 'pending';
  if (statuses.some((s) => s.state === 'failure' || s.state === 'error')) return 'failure';
  if (statuses.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

/**
 * Everything the emulated GitHub knows. Issues are kept by reference; the seeding methods hand out
 * snapshots (structuredClone) so a test cannot change the model by mutating what it got back.
 */
export class GhModel {
  readonly issues = new Map<string, StoredIssue>();
  readonly repos = new Map<string, StoredRepo>();
  readonly labels = new Map<string, Map<string, StoredLabel>>();
  readonly milestones = new Map<string, Map<string, StoredMilestone>>();
  readonly statuses = new Map<string, StoredStatus[]>();
  readonly files = new Map<string, string>();
  readonly extraJson = new Map<string, unknown>();
  private readonly userIds = new Map<string, number>();
  private nextId = 1_000_001;

  constructor(readonly now: () => Date) {}

  // ---------------------------------------------------------------- seeding (the emulator's public API)

  addIssue(i: IssueSeed): GhIssue {
    return this.store(i, undefined);
  }

  addPull(p: PullSeed): GhIssue {
    const pull = p.pull ?? {};
    const full: PullFields = {
      base: pull.base ?? 'main',
      head: pull.head ?? `pr-${p.number}`,
      head_sha: pull.head_sha ?? sha1(`${repoKey(p.owner, p.repo)}#${p.number}:head`),
      merged: pull.merged ?? false,
      draft: pull.draft ?? false,
      mergeable_state: pull.mergeable_state ?? 'clean',
    };
    const seed: IssueSeed = { ...p };
    if (full.merged && seed.state === undefined) seed.state = 'closed';
    return this.store(seed, full);
  }

  getIssue(owner: string, repo: string, n: number): GhIssue | undefined {
    const s = this.issues.get(issueKey(owner, repo, n));
    return s ? structuredClone(s.issue) : undefined;
  }

  updateIssue(owner: string, repo: string, n: number, patch: IssuePatch): GhIssue {
    const s = this.issues.get(issueKey(owner, repo, n));
    if (!s) throw new Error(`no issue ${owner}/${repo}#${n}`);
    const cur = s.issue;
    const { pull, owner: _o, repo: _r, number: _n, ...rest } = patch;
    const nowIso = isoSeconds(this.now());
    const wasState = cur.state;
    Object.assign(cur, structuredClone(rest));
    if (pull) {
      if (!cur.pull) throw new Error(`${owner}/${repo}#${n} is not a pull request`);
      Object.assign(cur.pull, pull);
      if (pull.merged && patch.state === undefined) cur.state = 'closed';
    }
    if (cur.state !== wasState && patch.closed_at === undefined) {
      cur.closed_at = cur.state === 'closed' ? nowIso : null;
    }
    if (patch.updated_at === undefined) cur.updated_at = nowIso;
    this.registerIssueRefs(cur);
    return structuredClone(cur);
  }

  setStatuses(owner: string, repo: string, sha: string, statuses: GhStatus[]): void {
    this.touchRepo(owner, repo);
    const at = isoSeconds(this.now());
    const byContext = new Map<string, StoredStatus>();
    for (const st of statuses) {
      byContext.delete(st.context);
      byContext.set(st.context, { ...st, id: this.nextId++, created_at: at });
    }
    this.statuses.set(`${repoKey(owner, repo)}@${sha}`, [...byContext.values()]);
  }

  addMilestone(owner: string, repo: string, title: string): void {
    this.touchRepo(owner, repo);
    this.milestone(owner, repo, title);
  }

  setFile(owner: string, repo: string, path: string, content: string, ref = 'main'): void {
    this.touchRepo(owner, repo);
    this.files.set(`${repoKey(owner, repo)}@${ref}:${normPath(path)}`, content);
  }

  serveJson(path: string, body: unknown): void {
    this.extraJson.set(path.startsWith('/') ? path : `/${path}`, structuredClone(body));
  }

  // ---------------------------------------------------------------- used by the endpoints

  /** A fresh id (comments, statuses, labels, ...). */
  newId(): number {
    return this.nextId++;
  }

  /** Creates labels and milestones an issue names that the repo does not have yet. */
  registerIssueRefs(i: GhIssue): void {
    for (const l of i.labels) this.label(i.owner, i.repo, l);
    if (i.milestone) this.milestone(i.owner, i.repo, i.milestone);
  }

  /** The repo's label of this name (case-insensitive), created on first use. */
  label(owner: string, repo: string, name: string): StoredLabel {
    const k = repoKey(owner, repo);
    let m = this.labels.get(k);
    if (!m) {
      m = new Map();
      this.labels.set(k, m);
    }
    let l = m.get(name.toLowerCase());
    if (!l) {
      l = { id: this.nextId++, name, color: sha1(name).slice(0, 6) };
      m.set(name.toLowerCase(), l);
    }
    return l;
  }

  /** The repo's milestone of this title (case-insensitive), created on first use. */
  milestone(owner: string, repo: string, title: string): StoredMilestone {
    const k = repoKey(owner, repo);
    let m = this.milestones.get(k);
    if (!m) {
      m = new Map();
      this.milestones.set(k, m);
    }
    let ms = m.get(title.toLowerCase());
    if (!ms) {
      ms = { id: this.nextId++, number: m.size + 1, title, created_at: isoSeconds(this.now()) };
      m.set(title.toLowerCase(), ms);
    }
    return ms;
  }

  milestonesOf(owner: string, repo: string): StoredMilestone[] {
    return [...(this.milestones.get(repoKey(owner, repo))?.values() ?? [])];
  }

  /** A stable numeric id per login, handed out on first sight. */
  userId(login: string): number {
    let id = this.userIds.get(login.toLowerCase());
    if (id === undefined) {
      id = 10_000 + this.userIds.size;
      this.userIds.set(login.toLowerCase(), id);
    }
    return id;
  }

  /** The statuses of a commit sha, or of the head of the PR whose branch `ref` names. */
  combined(owner: string, repo: string, ref: string): { sha: string; statuses: StoredStatus[] } {
    let sha = ref;
    if (!this.statuses.has(`${repoKey(owner, repo)}@${ref}`)) {
      // a branch name: resolve through the PR whose head it is
      for (const { issue } of this.issues.values()) {
        if (repoKey(issue.owner, issue.repo) === repoKey(owner, repo) && issue.pull?.head === ref) {
          sha = issue.pull.head_sha;
        }
      }
    }
    return { sha, statuses: this.statuses.get(`${repoKey(owner, repo)}@${sha}`) ?? [] };
  }

  issuesOf(owner: string, repo: string): GhIssue[] {
    const k = repoKey(owner, repo);
    const out: GhIssue[] = [];
    for (const { issue } of this.issues.values()) if (repoKey(issue.owner, issue.repo) === k) out.push(issue);
    return out;
  }

  /** Marks an issue as just updated. */
  bump(i: GhIssue): void {
    i.updated_at = isoSeconds(this.now());
  }

  // ---------------------------------------------------------------- internals

  private store(seed: IssueSeed, pull: PullFields | undefined): GhIssue {
    const nowIso = isoSeconds(this.now());
    const created = seed.created_at ?? nowIso;
    const state = seed.state ?? 'open';
    const issue: GhIssue = {
      owner: seed.owner,
      repo: seed.repo,
      number: seed.number,
      title: seed.title,
      body: seed.body ?? null,
      state,
      user: seed.user ?? 'octocat',
      labels: [...(seed.labels ?? [])],
      assignees: [...(seed.assignees ?? [])],
      milestone: seed.milestone ?? null,
      created_at: created,
      updated_at: seed.updated_at ?? created,
      closed_at:
        seed.closed_at !== undefined
          ? seed.closed_at
          : state === 'closed'
            ? (seed.updated_at ?? created)
            : null,
      comments: (seed.comments ?? []).map((c) => ({
        id: this.takeId(c.id),
        user: c.user,
        body: c.body,
        created_at: c.created_at ?? created,
      })),
      reviews: (seed.reviews ?? []).map((r) => ({
        id: this.takeId(r.id),
        user: r.user,
        state: r.state,
        submitted_at: r.submitted_at ?? created,
      })),
    };
    if (pull) issue.pull = { ...pull };
    const key = issueKey(seed.owner, seed.repo, seed.number);
    const prev = this.issues.get(key);
    this.touchRepo(seed.owner, seed.repo);
    this.issues.set(key, { id: prev?.id ?? this.nextId++, issue });
    this.registerIssueRefs(issue);
    return structuredClone(issue);
  }

  private takeId(wanted: number | undefined): number {
    if (wanted === undefined) return this.nextId++;
    if (wanted >= this.nextId) this.nextId = wanted + 1;
    return wanted;
  }

  private touchRepo(owner: string, repo: string): void {
    const k = repoKey(owner, repo);
    if (!this.repos.has(k)) this.repos.set(k, { id: this.nextId++, owner, name: repo });
  }
}
