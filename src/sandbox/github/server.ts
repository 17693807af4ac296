/**
 * An emulated GitHub REST API for tests and the local sandbox.
 *
 * A real HTTP server (node:http) on 127.0.0.1 that keeps an in-memory model of issues, pull
 * requests, commit statuses and file contents, answers in GitHub's wire format (JSON shapes,
 * `Link` pagination, `ETag`/`If-None-Match`, rate-limit headers), records every request and can
 * inject faults (5xx, primary/secondary rate limits, delays). Real Octokit (with the throttling and
 * retry plugins) is pointed at it with `baseUrl`.
 *
 * Deliberate simplifications (documented so nobody relies on them by accident):
 * - owner/repo names are matched case-insensitively, like GitHub, but echoed as first seen;
 * - search free text is a case-insensitive substring match (GitHub stems words), and results are
 *   ordered by creation ascending unless `sort` is given (GitHub's default is "best match");
 * - unsupported search qualifiers and boolean operators answer 422 instead of being silently
 *   treated as text, so a test cannot pass by accident on a query the emulator does not understand;
 * - rate-limit headers are informative only: quota is counted but never exhausted (remaining stays
 *   >= 1 on normal answers, so e.g. a plain 403 fault is never misread as a primary rate limit by
 *   @octokit/plugin-throttling); use faults to exercise rate limiting.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

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

export interface GhCall {
  method: string;
  /** raw (still percent-encoded) path, without the query string */
  path: string;
  query: Record<string, string>;
  /** parsed JSON body, the raw text when it is not JSON, undefined when empty */
  body: unknown;
  /** status answered; 0 while the answer is pending or when the client went away first */
  status: number;
  /** arrival time, from the emulator's clock (ms since epoch) */
  at: number;
  /** request headers, lower-case names */
  headers: Record<string, string | undefined>;
}

export interface GhFault {
  /** answer with this status instead of the real answer; omitted = answer normally (after delayMs) */
  status?: number;
  /** seconds, sent as `retry-after` (and used for `x-ratelimit-reset` on primary rate limits) */
  retryAfter?: number;
  /** wait this long before answering (cancelled by stop()) */
  delayMs?: number;
  /** how many matching requests get this fault; default 1 */
  times?: number;
  /** with status 403: answer as GitHub's secondary rate limit */
  secondary?: boolean;
  /** override the JSON body of the fault answer */
  body?: unknown;
  /**
   * Perform the request normally (a write is applied) but hold the answer this long: the state a
   * client killed while waiting for GitHub's answer leaves behind (crash tests).
   */
  holdResponseMs?: number;
  /** restrict to a method and/or a path (RegExp, or a substring of the raw path) */
  match?: { method?: string; path?: RegExp | string };
}

type PullFields = NonNullable<GhIssue['pull']>;
type CommentSeed = { id?: number; user: string; body: string; created_at?: string };
type ReviewSeed = {
  id?: number;
  user: string;
  state: GhIssue['reviews'][number]['state'];
  submitted_at?: string;
};
type IssueSeed = Partial<Omit<GhIssue, 'pull' | 'comments' | 'reviews'>> & {
  owner: string;
  repo: string;
  number: number;
  title: string;
  comments?: CommentSeed[];
  reviews?: ReviewSeed[];
};
type PullSeed = IssueSeed & { pull?: Partial<PullFields> };

interface StoredIssue {
  id: number;
  issue: GhIssue;
}
interface StoredStatus extends GhStatus {
  id: number;
  created_at: string;
}
interface StoredMilestone {
  id: number;
  number: number;
  title: string;
  created_at: string;
}
interface StoredLabel extends GhLabel {
  id: number;
}
interface StoredFault {
  fault: GhFault;
  left: number;
}
interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  call: GhCall;
  method: string;
  pathname: string;
  query: URLSearchParams;
  body: unknown;
  bodyError: boolean;
  /** http://host:port of this request, used for `url` fields and Link headers */
  origin: string;
  accept: string;
}
interface Reply {
  status: number;
  /** JSON body (serialised) */
  json?: unknown;
  /** raw text body (sent as text/plain) */
  text?: string;
  headers?: Record<string, string>;
}
type Handler = (ctx: Ctx, p: string[]) => Reply;

const DOCS = 'https://docs.github.com/rest';
const BOT_LOGIN = 'relbot[bot]';
const RATE_WINDOWS = {
  core: { limit: 5000, seconds: 3600 },
  search: { limit: 30, seconds: 60 },
} as const;
type RateResource = keyof typeof RATE_WINDOWS;

const sha1 = (s: string | Buffer): string => createHash('sha1').update(s).digest('hex');
const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const repoKey = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();
const issueKey = (owner: string, repo: string, n: number): string => `${repoKey(owner, repo)}#${n}`;
const notFound = (message = 'Not Found'): Reply => ({
  status: 404,
  json: { message, documentation_url: DOCS, status: '404' },
});
const validationFailed = (resource: string, field: string, code: string, message?: string): Reply => ({
  status: 422,
  json: {
    message: 'Validation Failed',
    errors: [{ resource, field, code, ...(message ? { message } : {}) }],
    documentation_url: DOCS,
    status: '422',
  },
});
const time = (s: string | null | undefined): number => (s ? Date.parse(s) : Number.NaN);

const FAULT_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Validation Failed',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export class GitHubEmulator {
  /** every request, in arrival order */
  readonly calls: GhCall[] = [];

  private readonly now: () => Date;
  private server: Server | undefined;
  private baseUrl = '';
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly faults: StoredFault[] = [];

  private readonly issues = new Map<string, StoredIssue>();
  private readonly repos = new Map<string, { id: number; owner: string; name: string }>();
  private readonly labels = new Map<string, Map<string, StoredLabel>>();
  private readonly milestones = new Map<string, Map<string, StoredMilestone>>();
  private readonly statuses = new Map<string, StoredStatus[]>();
  private readonly files = new Map<string, string>();
  private readonly extraJson = new Map<string, unknown>();
  private readonly userIds = new Map<string, number>();
  private readonly rate = {
    core: { used: 0, resetAt: 0 },
    search: { used: 0, resetAt: 0 },
  };
  private nextId = 1_000_001;
  private requestSeq = 0;

  constructor(opts: { now?: () => Date } = {}) {
    this.now = opts.now ?? (() => new Date());
  }

  // ---------------------------------------------------------------- lifecycle

  /** Listen on 127.0.0.1 (port 0 = random); resolves to the base URL, e.g. http://127.0.0.1:PORT */
  start(port = 0): Promise<string> {
    if (this.server) return Promise.reject(new Error('GitHubEmulator already started'));
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch(() => {
        // onRequest answers its own errors; this is only a safety net
        if (!res.destroyed) res.destroy();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const addr = server.address();
        if (addr === null || typeof addr === 'string') {
          reject(new Error('unexpected server address'));
          return;
        }
        this.baseUrl = `http://127.0.0.1:${addr.port}`;
        resolve(this.baseUrl);
      });
    });
  }

  /** Close the server, every socket (keep-alive too) and every pending delayed answer. */
  stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    this.baseUrl = '';
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
    });
  }

  /** Base URL of the running server (throws before start()). */
  get url(): string {
    if (!this.baseUrl) throw new Error('GitHubEmulator is not started');
    return this.baseUrl;
  }

  // ---------------------------------------------------------------- model

  /** Add (or replace) an issue; missing fields get defaults. Returns a snapshot. */
  addIssue(i: IssueSeed): GhIssue {
    return this.store(i, undefined);
  }

  /** Add (or replace) a pull request; `pull` fields default to base 'main', head 'pr-N', open, mergeable. */
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

  /** A snapshot of an issue or PR (mutating it does not change the model; use updateIssue). */
  getIssue(owner: string, repo: string, n: number): GhIssue | undefined {
    const s = this.issues.get(issueKey(owner, repo, n));
    return s ? structuredClone(s.issue) : undefined;
  }

  /**
   * Patch an issue/PR (a `pull` patch is merged into the existing pull fields). Bumps updated_at
   * (unless given), sets/clears closed_at on state changes. Throws when the issue does not exist.
   */
  updateIssue(
    owner: string,
    repo: string,
    n: number,
    patch: Partial<Omit<GhIssue, 'pull'>> & { pull?: Partial<PullFields> },
  ): GhIssue {
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

  /** Replace the statuses of a commit (the last entry per context wins, as in GitHub's combined status). */
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

  /** Create a milestone (issues create theirs on first use); listed by GET /repos/{o}/{r}/milestones. */
  addMilestone(owner: string, repo: string, title: string): void {
    this.touchRepo(owner, repo);
    this.milestone(owner, repo, title);
  }

  /** Put a file in the contents API (ref default 'main'). */
  setFile(owner: string, repo: string, path: string, content: string, ref = 'main'): void {
    this.touchRepo(owner, repo);
    this.files.set(`${repoKey(owner, repo)}@${ref}:${normPath(path)}`, content);
  }

  /** Serve an arbitrary JSON document on GET `path` (exact path, query ignored). */
  serveJson(path: string, body: unknown): void {
    this.extraJson.set(path.startsWith('/') ? path : `/${path}`, structuredClone(body));
  }

  // ---------------------------------------------------------------- observation

  /** Calls with this method ('*' = any; case-insensitive) whose raw path matches (RegExp or substring). */
  callsTo(method: string, pathPattern: RegExp | string): GhCall[] {
    return this.calls.filter((c) => methodMatches(method, c.method) && pathMatches(pathPattern, c.path));
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  // ---------------------------------------------------------------- faults

  /** The next `times` (default 1) matching requests get this answer instead of the real one. */
  injectFault(f: GhFault): void {
    if (f.status === undefined && !f.delayMs && !f.holdResponseMs)
      throw new Error('a fault needs a status, a delayMs or a holdResponseMs');
    this.faults.push({ fault: { ...f }, left: f.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  // ================================================================ internals: model

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

  private registerIssueRefs(i: GhIssue): void {
    for (const l of i.labels) this.label(i.owner, i.repo, l);
    if (i.milestone) this.milestone(i.owner, i.repo, i.milestone);
  }

  private label(owner: string, repo: string, name: string): StoredLabel {
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

  private milestone(owner: string, repo: string, title: string): StoredMilestone {
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

  private userId(login: string): number {
    let id = this.userIds.get(login.toLowerCase());
    if (id === undefined) {
      id = 10_000 + this.userIds.size;
      this.userIds.set(login.toLowerCase(), id);
    }
    return id;
  }

  private combined(owner: string, repo: string, ref: string): { sha: string; statuses: StoredStatus[] } {
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

  private combinedState(statuses: StoredStatus[]): 'success' | 'failure' | 'pending' {
    if (statuses.length === 0) return 'pending';
    if (statuses.some((s) => s.state === 'failure' || s.state === 'error')) return 'failure';
    if (statuses.some((s) => s.state === 'pending')) return 'pending';
    return 'success';
  }

  private issuesOf(owner: string, repo: string): GhIssue[] {
    const k = repoKey(owner, repo);
    const out: GhIssue[] = [];
    for (const { issue } of this.issues.values()) if (repoKey(issue.owner, issue.repo) === k) out.push(issue);
    return out;
  }

  private bump(i: GhIssue): void {
    i.updated_at = isoSeconds(this.now());
  }

  // ================================================================ internals: JSON shapes

  private userJson(login: string, ctx: Ctx): Record<string, unknown> {
    const id = this.userId(login);
    return {
      login,
      id,
      node_id: `U_${Buffer.from(String(id)).toString('base64')}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      url: `${ctx.origin}/users/${encodeURIComponent(login)}`,
      html_url: `https://github.com/${login.replace('[bot]', '')}`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      site_admin: false,
    };
  }

  private labelJson(owner: string, repo: string, name: string, ctx: Ctx): Record<string, unknown> {
    const l = this.label(owner, repo, name);
    return {
      id: l.id,
      node_id: `LA_${l.id}`,
      url: `${ctx.origin}/repos/${owner}/${repo}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color ?? 'ededed',
      default: false,
      description: null,
    };
  }

  private milestoneJson(owner: string, repo: string, title: string, ctx: Ctx): Record<string, unknown> {
    const m = this.milestone(owner, repo, title);
    return {
      url: `${ctx.origin}/repos/${owner}/${repo}/milestones/${m.number}`,
      html_url: `https://github.com/${owner}/${repo}/milestone/${m.number}`,
      id: m.id,
      node_id: `MI_${m.id}`,
      number: m.number,
      title: m.title,
      description: null,
      state: 'open',
      created_at: m.created_at,
      updated_at: m.created_at,
      due_on: null,
      closed_at: null,
    };
  }

  private repoJson(owner: string, repo: string, ctx: Ctx): Record<string, unknown> {
    const r = this.repos.get(repoKey(owner, repo));
    const o = r?.owner ?? owner;
    const n = r?.name ?? repo;
    return {
      id: r?.id ?? 0,
      node_id: `R_${r?.id ?? 0}`,
      name: n,
      full_name: `${o}/${n}`,
      owner: this.userJson(o, ctx),
      private: false,
      html_url: `https://github.com/${o}/${n}`,
      url: `${ctx.origin}/repos/${o}/${n}`,
      fork: false,
      archived: false,
      default_branch: 'main',
    };
  }

  private htmlUrl(i: GhIssue): string {
    return `https://github.com/${i.owner}/${i.repo}/${i.pull ? 'pull' : 'issues'}/${i.number}`;
  }

  private mergedAt(i: GhIssue): string | null {
    return i.pull?.merged ? (i.closed_at ?? i.updated_at) : null;
  }

  private issueJson(i: GhIssue, ctx: Ctx): Record<string, unknown> {
    const s = this.issues.get(issueKey(i.owner, i.repo, i.number));
    const api = `${ctx.origin}/repos/${i.owner}/${i.repo}`;
    const html = this.htmlUrl(i);
    const assignees = i.assignees.map((a) => this.userJson(a, ctx));
    const out: Record<string, unknown> = {
      url: `${api}/issues/${i.number}`,
      repository_url: api,
      labels_url: `${api}/issues/${i.number}/labels{/name}`,
      comments_url: `${api}/issues/${i.number}/comments`,
      events_url: `${api}/issues/${i.number}/events`,
      html_url: html,
      id: s?.id ?? 0,
      node_id: `${i.pull ? 'PR' : 'I'}_${s?.id ?? 0}`,
      number: i.number,
      title: i.title,
      user: this.userJson(i.user, ctx),
      labels: i.labels.map((l) => this.labelJson(i.owner, i.repo, l, ctx)),
      state: i.state,
      state_reason: i.state === 'closed' && !i.pull ? 'completed' : null,
      locked: false,
      assignee: assignees[0] ?? null,
      assignees,
      milestone: i.milestone ? this.milestoneJson(i.owner, i.repo, i.milestone, ctx) : null,
      comments: i.comments.length,
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at ?? null,
      author_association: 'CONTRIBUTOR',
      body: i.body ?? null,
    };
    if (i.pull) {
      out['draft'] = i.pull.draft ?? false;
      out['pull_request'] = {
        url: `${api}/pulls/${i.number}`,
        html_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        merged_at: this.mergedAt(i),
      };
    }
    return out;
  }

  private pullJson(i: GhIssue, ctx: Ctx, full: boolean): Record<string, unknown> {
    const pull = i.pull!;
    const s = this.issues.get(issueKey(i.owner, i.repo, i.number));
    const api = `${ctx.origin}/repos/${i.owner}/${i.repo}`;
    const html = this.htmlUrl(i);
    const assignees = i.assignees.map((a) => this.userJson(a, ctx));
    const repo = this.repoJson(i.owner, i.repo, ctx);
    const out: Record<string, unknown> = {
      url: `${api}/pulls/${i.number}`,
      id: s?.id ?? 0,
      node_id: `PR_${s?.id ?? 0}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${i.number}`,
      commits_url: `${api}/pulls/${i.number}/commits`,
      review_comments_url: `${api}/pulls/${i.number}/comments`,
      comments_url: `${api}/issues/${i.number}/comments`,
      statuses_url: `${api}/statuses/${pull.head_sha}`,
      number: i.number,
      state: i.state,
      locked: false,
      title: i.title,
      user: this.userJson(i.user, ctx),
      body: i.body ?? null,
      labels: i.labels.map((l) => this.labelJson(i.owner, i.repo, l, ctx)),
      milestone: i.milestone ? this.milestoneJson(i.owner, i.repo, i.milestone, ctx) : null,
      assignee: assignees[0] ?? null,
      assignees,
      requested_reviewers: [],
      requested_teams: [],
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at ?? null,
      merged_at: this.mergedAt(i),
      merge_commit_sha: pull.merged ? sha1(`${pull.head_sha}:merge`) : null,
      draft: pull.draft ?? false,
      head: {
        label: `${i.user}:${pull.head}`,
        ref: pull.head,
        sha: pull.head_sha,
        user: this.userJson(i.user, ctx),
        repo,
      },
      base: {
        label: `${i.owner}:${pull.base}`,
        ref: pull.base,
        sha: sha1(`${repoKey(i.owner, i.repo)}@${pull.base}`),
        user: this.userJson(i.owner, ctx),
        repo,
      },
      author_association: 'CONTRIBUTOR',
      auto_merge: null,
    };
    if (full) {
      // fields GitHub only returns on the single-PR endpoint
      const open = i.state === 'open';
      Object.assign(out, {
        merged: pull.merged ?? false,
        mergeable: open ? pull.mergeable_state !== 'dirty' : null,
        rebaseable: open ? pull.mergeable_state !== 'dirty' : null,
        mergeable_state: pull.mergeable_state ?? 'clean',
        merged_by: pull.merged ? this.userJson('k8s-ci-robot', ctx) : null,
        comments: i.comments.length,
        review_comments: 0,
        maintainer_can_modify: false,
        commits: 1,
        additions: 0,
        deletions: 0,
        changed_files: 0,
      });
    }
    return out;
  }

  private commentJson(i: GhIssue, c: GhIssue['comments'][number], ctx: Ctx): Record<string, unknown> {
    const api = `${ctx.origin}/repos/${i.owner}/${i.repo}`;
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${api}/issues/comments/${c.id}`,
      html_url: `${this.htmlUrl(i)}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${i.number}`,
      body: c.body,
      user: this.userJson(c.user, ctx),
      created_at: c.created_at,
      updated_at: c.created_at,
      author_association: c.user.endsWith('[bot]') ? 'NONE' : 'CONTRIBUTOR',
    };
  }

  // ================================================================ internals: HTTP

  private record(req: IncomingMessage, url: URL): GhCall {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const call: GhCall = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      at: this.now().getTime(),
      headers,
    };
    this.calls.push(call);
    return call;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const call = this.record(req, url);
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      return; // the client went away
    }
    let body: unknown;
    let bodyError = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        bodyError = true;
      }
    }
    call.body = body;
    const ctx: Ctx = {
      req,
      res,
      call,
      method: call.method,
      pathname: url.pathname,
      query: url.searchParams,
      body,
      bodyError,
      origin: `http://${req.headers.host ?? '127.0.0.1'}`,
      accept: String(req.headers.accept ?? ''),
    };
    const fault = this.takeFault(ctx.method, ctx.pathname);
    const answer = (): void => {
      if (res.destroyed || res.writableEnded) return;
      let reply: Reply;
      try {
        reply = fault?.status !== undefined ? this.faultReply(fault) : this.route(ctx);
      } catch (err) {
        reply = {
          status: 500,
          json: { message: `emulator error: ${err instanceof Error ? err.message : String(err)}` },
        };
      }
      const hold = fault?.holdResponseMs ?? 0;
      if (hold <= 0) {
        this.finish(ctx, reply);
        return;
      }
      const held = setTimeout(() => {
        this.timers.delete(held);
        if (!res.destroyed && !res.writableEnded) this.finish(ctx, reply);
      }, hold);
      this.timers.add(held);
      res.on('close', () => {
        clearTimeout(held);
        this.timers.delete(held);
      });
    };
    const delay = fault?.delayMs ?? 0;
    if (delay <= 0) {
      answer();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      answer();
    }, delay);
    this.timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  private takeFault(method: string, path: string): GhFault | undefined {
    for (let idx = 0; idx < this.faults.length; idx++) {
      const f = this.faults[idx]!;
      const m = f.fault.match;
      if (m?.method && !methodMatches(m.method, method)) continue;
      if (m?.path !== undefined && !pathMatches(m.path, path)) continue;
      f.left--;
      if (f.left <= 0) this.faults.splice(idx, 1);
      return f.fault;
    }
    return undefined;
  }

  private faultReply(f: GhFault): Reply {
    const status = f.status ?? 500;
    const headers: Record<string, string> = {};
    if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
    const primary = status === 429 || (status === 403 && !f.secondary && f.retryAfter !== undefined);
    let json: unknown;
    if (status === 403 && f.secondary) {
      json = {
        message:
          'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.',
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: '403',
      };
    } else if (primary) {
      headers['x-ratelimit-remaining'] = '0';
      headers['x-ratelimit-reset'] = String(Math.ceil(Date.now() / 1000) + (f.retryAfter ?? 60));
      json = {
        message: `API rate limit exceeded for user ID ${this.userId(BOT_LOGIN)}.`,
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
        status: String(status),
      };
    } else {
      json = {
        message: FAULT_MESSAGES[status] ?? `HTTP ${status}`,
        documentation_url: DOCS,
        status: String(status),
      };
    }
    return { status, json: f.body !== undefined ? f.body : json, headers };
  }

  private rateResource(path: string): RateResource {
    return path.startsWith('/search/') ? 'search' : 'core';
  }

  private rateState(r: RateResource): { used: number; resetAt: number } {
    const st = this.rate[r];
    const nowS = Math.floor(Date.now() / 1000);
    if (nowS >= st.resetAt) {
      st.used = 0;
      st.resetAt = nowS + RATE_WINDOWS[r].seconds;
    }
    return st;
  }

  private finish(ctx: Ctx, reply: Reply): void {
    const { res, call } = ctx;
    const isGet = ctx.method === 'GET' || ctx.method === 'HEAD';
    let payload: string | undefined;
    let contentType: string | undefined;
    if (reply.text !== undefined) {
      payload = reply.text;
      contentType = 'text/plain; charset=utf-8';
    } else if (reply.json !== undefined) {
      payload = JSON.stringify(reply.json);
      contentType = 'application/json; charset=utf-8';
    }
    let status = reply.status;
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `EMU:${(++this.requestSeq).toString(16).toUpperCase()}`,
      'x-github-api-version-selected': '2022-11-28',
    };
    if (isGet && status === 200 && payload !== undefined) {
      const etag = `"${sha1(payload)}"`;
      headers['etag'] = etag;
      headers['cache-control'] = 'private, max-age=60, s-maxage=60';
      headers['vary'] = 'Accept, Authorization, Cookie, X-GitHub-OTP';
      if (etagMatches(ctx.req.headers['if-none-match'], etag)) {
        status = 304;
        payload = undefined;
        contentType = undefined;
      }
    }
    if (ctx.pathname !== '/rate_limit') {
      const resource = this.rateResource(ctx.pathname);
      const st = this.rateState(resource);
      if (status !== 304) st.used++;
      const limit = RATE_WINDOWS[resource].limit;
      headers['x-ratelimit-limit'] = String(limit);
      headers['x-ratelimit-remaining'] = String(Math.max(1, limit - st.used));
      headers['x-ratelimit-reset'] = String(st.resetAt);
      headers['x-ratelimit-used'] = String(st.used);
      headers['x-ratelimit-resource'] = resource;
    }
    Object.assign(headers, reply.headers);
    if (contentType) headers['content-type'] = contentType;
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    call.status = status;
    res.writeHead(status, headers);
    res.end(ctx.method === 'HEAD' || payload === undefined ? undefined : payload);
  }

  // ================================================================ internals: routing

  private readonly routes: [string, RegExp, Handler][] = [
    ['GET', /^\/rate_limit$/, (c) => this.getRateLimit(c)],
    ['POST', /^\/app\/installations\/(\d+)\/access_tokens$/, (c, p) => this.createInstallationToken(c, p)],
    ['GET', /^\/search\/issues$/, (c) => this.searchIssues(c)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)$/, (c, p) => this.getRepo(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, (c, p) => this.listPulls(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/, (c, p) => this.getPull(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/, (c, p) => this.listReviews(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/status$/, (c, p) => this.getCombinedStatus(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/statuses$/, (c, p) => this.listStatuses(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/check-runs$/, () => this.listCheckRuns()],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/milestones$/, (c, p) => this.listMilestones(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues$/, (c, p) => this.listIssues(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, (c, p) => this.getIssueRoute(c, p)],
    ['PATCH', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, (c, p) => this.patchIssue(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/, (c, p) => this.listLabels(c, p)],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/, (c, p) => this.addLabels(c, p, false)],
    ['PUT', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/, (c, p) => this.addLabels(c, p, true)],
    [
      'DELETE',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels\/([^/]+)$/,
      (c, p) => this.removeLabel(c, p),
    ],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, (c, p) => this.listComments(c, p)],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, (c, p) => this.addComment(c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/, (c, p) => this.getContents(c, p)],
  ];

  private route(ctx: Ctx): Reply {
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    if (method === 'GET' && this.extraJson.has(ctx.pathname)) {
      return { status: 200, json: this.extraJson.get(ctx.pathname) };
    }
    for (const [m, re, handler] of this.routes) {
      if (m !== method) continue;
      const match = re.exec(ctx.pathname);
      if (!match) continue;
      if (ctx.bodyError) {
        return {
          status: 400,
          json: { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' },
        };
      }
      let params: string[];
      try {
        params = match.slice(1).map((s) => decodeURIComponent(s ?? ''));
      } catch {
        return notFound();
      }
      return handler(ctx, params);
    }
    return notFound();
  }

  private issueParam(p: string[]): StoredIssue | undefined {
    return this.issues.get(issueKey(p[0]!, p[1]!, Number(p[2])));
  }

  /** Slice a list by per_page/page and build the Link header from the request's own origin. */
  private paginate<T>(ctx: Ctx, all: T[]): { items: T[]; headers: Record<string, string> } {
    const perRaw = Number.parseInt(ctx.query.get('per_page') ?? '', 10);
    const per = Number.isFinite(perRaw) && perRaw > 0 ? Math.min(perRaw, 100) : 30;
    const pageRaw = Number.parseInt(ctx.query.get('page') ?? '', 10);
    const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1;
    const last = Math.max(1, Math.ceil(all.length / per));
    const items = all.slice((page - 1) * per, page * per);
    const link = (n: number, rel: string): string => {
      const q = new URLSearchParams(ctx.query);
      q.set('page', String(n));
      return `<${ctx.origin}${ctx.pathname}?${q.toString()}>; rel="${rel}"`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(link(Math.min(page - 1, last), 'prev'));
    if (page < last) parts.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) parts.push(link(1, 'first'));
    return { items, headers: parts.length ? { link: parts.join(', ') } : {} };
  }

  /** GitHub App auth: a JWT (Bearer, three base64url parts) buys an installation token. */
  private createInstallationToken(ctx: Ctx, p: string[]): Reply {
    const auth = String(ctx.req.headers.authorization ?? '');
    const jwt = auth.startsWith('bearer ') || auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (jwt.split('.').length !== 3)
      return { status: 401, json: { message: 'A JSON web token could not be decoded' } };
    this.installationTokens.add(`ghs_installation_${p[0]}`);
    return {
      status: 201,
      json: {
        token: `ghs_installation_${p[0]}`,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: {},
      },
    };
  }

  /** Installation tokens handed out (GitHub App auth). */
  readonly installationTokens = new Set<string>();

  private getRateLimit(_ctx: Ctx): Reply {
    const res = (r: RateResource) => {
      const st = this.rateState(r);
      const limit = RATE_WINDOWS[r].limit;
      return { limit, used: st.used, remaining: Math.max(1, limit - st.used), reset: st.resetAt };
    };
    const core = res('core');
    return {
      status: 200,
      json: {
        resources: {
          core,
          search: res('search'),
          graphql: { limit: 5000, used: 0, remaining: 5000, reset: core.reset },
        },
        rate: core,
      },
    };
  }

  private getRepo(ctx: Ctx, p: string[]): Reply {
    if (!this.repos.has(repoKey(p[0]!, p[1]!))) return notFound();
    return { status: 200, json: this.repoJson(p[0]!, p[1]!, ctx) };
  }

  private listPulls(ctx: Ctx, p: string[]): Reply {
    const q = ctx.query;
    const state = q.get('state') ?? 'open';
    const base = q.get('base');
    const head = q.get('head');
    let list = this.issuesOf(p[0]!, p[1]!).filter((i) => i.pull);
    if (state !== 'all') list = list.filter((i) => i.state === state);
    if (base) list = list.filter((i) => i.pull!.base === base);
    if (head) {
      const [user, ref] = head.includes(':') ? head.split(':', 2) : [undefined, head];
      list = list.filter(
        (i) => i.pull!.head === ref && (!user || user.toLowerCase() === i.user.toLowerCase()),
      );
    }
    const sort = q.get('sort') === 'updated' ? 'updated' : 'created';
    const direction = q.get('direction') ?? (q.get('sort') && sort !== 'created' ? 'asc' : 'desc');
    sortIssues(list, sort, direction === 'asc' ? 'asc' : 'desc');
    const pg = this.paginate(ctx, list);
    return { status: 200, json: pg.items.map((i) => this.pullJson(i, ctx, false)), headers: pg.headers };
  }

  private getPull(ctx: Ctx, p: string[]): Reply {
    const s = this.issueParam(p);
    if (!s?.issue.pull) return notFound();
    return { status: 200, json: this.pullJson(s.issue, ctx, true) };
  }

  private listReviews(ctx: Ctx, p: string[]): Reply {
    const s = this.issueParam(p);
    if (!s?.issue.pull) return notFound();
    const i = s.issue;
    const pg = this.paginate(ctx, i.reviews);
    return {
      status: 200,
      headers: pg.headers,
      json: pg.items.map((r) => ({
        id: r.id,
        node_id: `PRR_${r.id}`,
        user: this.userJson(r.user, ctx),
        body: '',
        state: r.state,
        html_url: `${this.htmlUrl(i)}#pullrequestreview-${r.id}`,
        pull_request_url: `${ctx.origin}/repos/${i.owner}/${i.repo}/pulls/${i.number}`,
        submitted_at: r.submitted_at,
        commit_id: i.pull!.head_sha,
        author_association: 'MEMBER',
      })),
    };
  }

  private statusJson(s: StoredStatus, ctx: Ctx): Record<string, unknown> {
    return {
      id: s.id,
      node_id: `SC_${s.id}`,
      url: `${ctx.origin}/statuses/${s.id}`,
      state: s.state,
      description: s.description ?? null,
      target_url: s.target_url ?? null,
      context: s.context,
      avatar_url: null,
      created_at: s.created_at,
      updated_at: s.created_at,
    };
  }

  private getCombinedStatus(ctx: Ctx, p: string[]): Reply {
    const { sha, statuses } = this.combined(p[0]!, p[1]!, p[2]!);
    const api = `${ctx.origin}/repos/${p[0]}/${p[1]}`;
    return {
      status: 200,
      json: {
        state: this.combinedState(statuses),
        statuses: statuses.map((s) => this.statusJson(s, ctx)),
        sha,
        total_count: statuses.length,
        repository: this.repoJson(p[0]!, p[1]!, ctx),
        commit_url: `${api}/commits/${sha}`,
        url: `${api}/commits/${sha}/status`,
      },
    };
  }

  private listStatuses(ctx: Ctx, p: string[]): Reply {
    const { statuses } = this.combined(p[0]!, p[1]!, p[2]!);
    const pg = this.paginate(ctx, [...statuses].reverse());
    return { status: 200, headers: pg.headers, json: pg.items.map((s) => this.statusJson(s, ctx)) };
  }

  private listCheckRuns(): Reply {
    return { status: 200, json: { total_count: 0, check_runs: [] } };
  }

  private listIssues(ctx: Ctx, p: string[]): Reply {
    const q = ctx.query;
    const state = q.get('state') ?? 'open';
    let list = this.issuesOf(p[0]!, p[1]!);
    if (state !== 'all') list = list.filter((i) => i.state === state);
    const labels = q.get('labels');
    if (labels) {
      const want = labels
        .split(',')
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean);
      list = list.filter((i) => want.every((w) => i.labels.some((l) => l.toLowerCase() === w)));
    }
    const milestone = q.get('milestone');
    if (milestone === '*') list = list.filter((i) => i.milestone);
    else if (milestone === 'none') list = list.filter((i) => !i.milestone);
    else if (milestone) {
      const byNumber = /^\d+$/.test(milestone)
        ? [...(this.milestones.get(repoKey(p[0]!, p[1]!))?.values() ?? [])].find(
            (m) => m.number === Number(milestone),
          )
        : undefined;
      const title = (byNumber?.title ?? milestone).toLowerCase();
      list = list.filter((i) => i.milestone?.toLowerCase() === title);
    }
    const assignee = q.get('assignee');
    if (assignee === '*') list = list.filter((i) => i.assignees.length > 0);
    else if (assignee === 'none') list = list.filter((i) => i.assignees.length === 0);
    else if (assignee) list = list.filter((i) => i.assignees.some((a) => sameLogin(a, assignee)));
    const creator = q.get('creator');
    if (creator) list = list.filter((i) => sameLogin(i.user, creator));
    const since = q.get('since');
    if (since) list = list.filter((i) => time(i.updated_at) >= time(since));
    const sortParam = q.get('sort');
    const sort = sortParam === 'updated' || sortParam === 'comments' ? sortParam : 'created';
    sortIssues(list, sort, q.get('direction') === 'asc' ? 'asc' : 'desc');
    const pg = this.paginate(ctx, list);
    return { status: 200, headers: pg.headers, json: pg.items.map((i) => this.issueJson(i, ctx)) };
  }

  /** Milestones are always open in the model; `state=closed` lists none. */
  private listMilestones(ctx: Ctx, p: string[]): Reply {
    if (!this.repos.has(repoKey(p[0]!, p[1]!))) return notFound();
    const state = ctx.query.get('state') ?? 'open';
    const all = [...(this.milestones.get(repoKey(p[0]!, p[1]!))?.values() ?? [])].sort(
      (a, b) => a.number - b.number,
    );
    const list = state === 'closed' ? [] : all;
    const pg = this.paginate(ctx, list);
    return {
      status: 200,
      headers: pg.headers,
      json: pg.items.map((m) => this.milestoneJson(p[0]!, p[1]!, m.title, ctx)),
    };
  }

  private getIssueRoute(ctx: Ctx, p: string[]): Reply {
    const s = this.issueParam(p);
    if (!s) return notFound();
    return { status: 200, json: this.issueJson(s.issue, ctx) };
  }

  private patchIssue(ctx: Ctx, p: string[]): Reply {
    const s = this.issueParam(p);
    if (!s) return notFound();
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    if (typeof b !== 'object' || Array.isArray(b)) return validationFailed('Issue', 'body', 'invalid');
    const i = s.issue;
    const nowIso = isoSeconds(this.now());
    if (typeof b['title'] === 'string') i.title = b['title'];
    if (typeof b['body'] === 'string' || b['body'] === null) i.body = b['body'] as string | null;
    if (b['state'] === 'open' || b['state'] === 'closed') {
      if (b['state'] !== i.state) i.closed_at = b['state'] === 'closed' ? nowIso : null;
      i.state = b['state'];
    } else if (b['state'] !== undefined) {
      return validationFailed('Issue', 'state', 'invalid');
    }
    if (Array.isArray(b['labels'])) i.labels = dedupeLabels(labelNames(b['labels']) ?? []);
    if (Array.isArray(b['assignees'])) i.assignees = b['assignees'].filter((a) => typeof a === 'string');
    if (b['milestone'] === null) i.milestone = null;
    else if (typeof b['milestone'] === 'number') {
      const m = [...(this.milestones.get(repoKey(i.owner, i.repo))?.values() ?? [])].find(
        (x) => x.number === b['milestone'],
      );
      if (!m) return validationFailed('Issue', 'milestone', 'invalid');
      i.milestone = m.title;
    } else if (typeof b['milestone'] === 'string') i.milestone = b['milestone'];
    i.updated_at = nowIso;
    this.registerIssueRefs(i);
    return { status: 200, json: this.issueJson(i, ctx) };
  }

  private labelList(i: GhIssue, ctx: Ctx): Record<string, unknown>[] {
    return i.labels.map((l) => this.labelJson(i.owner, i.repo, l, ctx));
  }

  private listLabels(ctx: Ctx, p: string[]): Reply {
    const s = this.issueParam(p);
    if (!s) return notFound();
    const pg = this.paginate(ctx, this.labelList(s.issue, ctx));
    return { status: 200, headers: pg.headers, json: pg.items };
  }

  private addLabels(ctx: Ctx, p: string[], replace: boolean): Reply {
    const s = this.issueParam(p);
    if (!s) return notFound();
    const b = ctx.body;
    const raw = Array.isArray(b) ? b : (b as { labels?: unknown } | undefined)?.labels;
    const names = Array.isArray(raw) ? labelNames(raw) : undefined;
    if (!names || (!replace && names.length === 0))
      return validationFailed('Label', 'labels', 'missing_field');
    const i = s.issue;
    i.labels = dedupeLabels(replace ? names : [...i.labels, ...names]);
    this.registerIssueRefs(i);
    this.bump(i);
    return { status: 200, json: this.labelList(i, ctx) };
  }

  private removeLabel(ctx: Ctx, p: string[]): Reply {
    const s = this.issueParam(p);
    if (!s) return notFound();
    const i = s.issue;
    const name = p[3]!.toLowerCase();
    const idx = i.labels.findIndex((l) => l.toLowerCase() === name);
    if (idx < 0) return notFound('Label does not exist');
    i.labels.splice(idx, 1);
    this.bump(i);
    return { status: 200, json: this.labelList(i, ctx) };
  }

  private listComments(ctx: Ctx, p: string[]): Reply {
    const s = this.issueParam(p);
    if (!s) return notFound();
    const since = ctx.query.get('since');
    const list = since ? s.issue.comments.filter((c) => time(c.created_at) >= time(since)) : s.issue.comments;
    const pg = this.paginate(ctx, list);
    return { status: 200, headers: pg.headers, json: pg.items.map((c) => this.commentJson(s.issue, c, ctx)) };
  }

  private addComment(ctx: Ctx, p: string[]): Reply {
    const s = this.issueParam(p);
    if (!s) return notFound();
    const text = (ctx.body as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string' || text.length === 0)
      return validationFailed('IssueComment', 'body', 'missing_field');
    const i = s.issue;
    const c = { id: this.nextId++, user: BOT_LOGIN, body: text, created_at: isoSeconds(this.now()) };
    i.comments.push(c);
    this.bump(i);
    return {
      status: 201,
      json: this.commentJson(i, c, ctx),
      headers: { location: `${ctx.origin}/repos/${i.owner}/${i.repo}/issues/comments/${c.id}` },
    };
  }

  private getContents(ctx: Ctx, p: string[]): Reply {
    const [owner, repo] = [p[0]!, p[1]!];
    const path = normPath(p[2] ?? '');
    const ref = ctx.query.get('ref') ?? 'main';
    const prefix = `${repoKey(owner, repo)}@${ref}:`;
    const api = `${ctx.origin}/repos/${owner}/${repo}`;
    const entry = (type: 'file' | 'dir', entryPath: string, content?: string): Record<string, unknown> => {
      const buf = content === undefined ? undefined : Buffer.from(content, 'utf8');
      const sha = buf
        ? sha1(Buffer.concat([Buffer.from(`blob ${buf.length}\0`), buf]))
        : sha1(`tree:${entryPath}`);
      const html = `https://github.com/${owner}/${repo}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${entryPath}`;
      const self = `${api}/contents/${entryPath}?ref=${encodeURIComponent(ref)}`;
      return {
        name: entryPath.split('/').pop() ?? entryPath,
        path: entryPath,
        sha,
        size: buf?.length ?? 0,
        url: self,
        html_url: html,
        git_url: `${api}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`,
        download_url:
          type === 'file' ? `https://raw.githubusercontent.com/${owner}/${repo}/${ref}/${entryPath}` : null,
        type,
        _links: { self, git: `${api}/git/blobs/${sha}`, html },
      };
    };
    const content = this.files.get(prefix + path);
    if (content !== undefined) {
      if (/application\/vnd\.github(\.v3)?\.raw/.test(ctx.accept)) return { status: 200, text: content };
      const b64 = Buffer.from(content, 'utf8').toString('base64');
      const wrapped = b64.length ? `${(b64.match(/.{1,60}/g) ?? []).join('\n')}\n` : '';
      return { status: 200, json: { ...entry('file', path, content), content: wrapped, encoding: 'base64' } };
    }
    // a directory: list its direct children
    const dirPrefix = path ? `${prefix}${path}/` : prefix;
    const children = new Map<string, Record<string, unknown>>();
    for (const [k, v] of this.files) {
      if (!k.startsWith(dirPrefix)) continue;
      const rest = k.slice(dirPrefix.length);
      const slash = rest.indexOf('/');
      const childPath = path
        ? `${path}/${rest.slice(0, slash < 0 ? undefined : slash)}`
        : rest.split('/')[0]!;
      if (!children.has(childPath))
        children.set(childPath, slash < 0 ? entry('file', childPath, v) : entry('dir', childPath));
    }
    if (children.size === 0) return notFound();
    return {
      status: 200,
      json: [...children.values()].sort((a, b) => String(a['name']).localeCompare(String(b['name']))),
    };
  }

  // ---------------------------------------------------------------- search

  private searchIssues(ctx: Ctx): Reply {
    const q = ctx.query.get('q');
    if (!q?.trim()) return validationFailed('Search', 'q', 'missing');
    const parsed = parseSearch(q, {
      reviewState: reviewState,
      statusState: (i) => {
        const { statuses } = this.combined(i.owner, i.repo, i.pull?.head_sha ?? '');
        return statuses.length ? this.combinedState(statuses) : undefined;
      },
    });
    if ('error' in parsed) return validationFailed('Search', 'q', 'invalid', parsed.error);
    const list = [...this.issues.values()].map((s) => s.issue).filter(parsed.filter);
    const sortParam = ctx.query.get('sort') ?? parsed.sort?.key;
    const sort = sortParam === 'updated' || sortParam === 'comments' ? sortParam : 'created';
    const order = ctx.query.get('order') ?? parsed.sort?.order ?? (sortParam ? 'desc' : 'asc');
    sortIssues(list, sort, order === 'desc' ? 'desc' : 'asc');
    const pg = this.paginate(ctx, list);
    return {
      status: 200,
      headers: pg.headers,
      json: {
        total_count: list.length,
        incomplete_results: false,
        items: pg.items.map((i) => ({ ...this.issueJson(i, ctx), score: 1 })),
      },
    };
  }
}

// ==================================================================== helpers

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 10 * 1024 * 1024) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function normPath(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}

function methodMatches(want: string, got: string): boolean {
  return want === '*' || want === '' || want.toUpperCase() === got.toUpperCase();
}

function pathMatches(pattern: RegExp | string, path: string): boolean {
  if (typeof pattern === 'string') return path.includes(pattern);
  pattern.lastIndex = 0;
  return pattern.test(path);
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function labelNames(raw: unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const l of raw) {
    if (typeof l === 'string') out.push(l);
    else if (l && typeof l === 'object' && typeof (l as { name?: unknown }).name === 'string') {
      out.push((l as { name: string }).name);
    } else return undefined;
  }
  return out;
}

function dedupeLabels(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const k = n.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function sortIssues(list: GhIssue[], key: 'created' | 'updated' | 'comments', order: 'asc' | 'desc'): void {
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
function reviewState(i: GhIssue): string {
  const latest = new Map<string, string>();
  const ordered = [...i.reviews].sort((a, b) => time(a.submitted_at) - time(b.submitted_at));
  for (const r of ordered) if (r.state !== 'COMMENTED') latest.set(r.user.toLowerCase(), r.state);
  const states = [...latest.values()];
  if (states.includes('CHANGES_REQUESTED')) return 'changes_requested';
  if (states.includes('APPROVED')) return 'approved';
  return 'none';
}

// -------------------------------------------------------------------- search query parsing

interface SearchTerm {
  negated: boolean;
  key: string | undefined;
  value: string;
  quoted: boolean;
}

/** Split a search query into terms: `-key:"quoted value"`, `key:value`, `"phrase"`, `word`. */
function tokenize(q: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  let i = 0;
  const ws = (c: string | undefined) => c === undefined || /\s/.test(c);
  while (i < q.length) {
    while (i < q.length && ws(q[i])) i++;
    if (i >= q.length) break;
    let negated = false;
    if (q[i] === '-' && !ws(q[i + 1])) {
      negated = true;
      i++;
    }
    let key: string | undefined;
    const m = /^([A-Za-z][A-Za-z_-]*):(?=\S)/.exec(q.slice(i));
    if (m) {
      key = m[1]!.toLowerCase();
      i += m[0].length;
    }
    let value: string;
    let quoted = false;
    if (q[i] === '"') {
      const end = q.indexOf('"', i + 1);
      value = end < 0 ? q.slice(i + 1) : q.slice(i + 1, end);
      i = end < 0 ? q.length : end + 1;
      quoted = true;
    } else {
      let j = i;
      while (j < q.length && !ws(q[j])) j++;
      value = q.slice(i, j);
      i = j;
    }
    terms.push({ negated, key, value, quoted });
  }
  return terms;
}

/** A date qualifier value (`>=2024-01-01`, `<2024-01-01T10:00:00Z`, `a..b`, `2024-01-01`) as a predicate. */
function dateRange(v: string): ((t: number) => boolean) | undefined {
  const bounds = (s: string): [number, number] | undefined => {
    const start = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
    if (Number.isNaN(start)) return undefined;
    return [start, /^\d{4}-\d{2}-\d{2}$/.test(s) ? start + 86_400_000 : start + 1000];
  };
  const range = /^(.+)\.\.(.+)$/.exec(v);
  if (range) {
    const a = range[1] === '*' ? [Number.NEGATIVE_INFINITY, 0] : bounds(range[1]!);
    const b = range[2] === '*' ? [0, Number.POSITIVE_INFINITY] : bounds(range[2]!);
    if (!a || !b) return undefined;
    return (t) => t >= a[0]! && t < b[1]!;
  }
  const cmp = /^(>=|<=|>|<)?(.+)$/.exec(v);
  const b = cmp ? bounds(cmp[2]!) : undefined;
  if (!cmp || !b) return undefined;
  switch (cmp[1]) {
    case '>':
      return (t) => t >= b[1];
    case '>=':
      return (t) => t >= b[0];
    case '<':
      return (t) => t < b[0];
    case '<=':
      return (t) => t < b[1];
    default:
      return (t) => t >= b[0] && t < b[1];
  }
}

type Pred = (i: GhIssue) => boolean;
interface SearchHooks {
  reviewState: (i: GhIssue) => string;
  statusState: (i: GhIssue) => string | undefined;
}

/** Keys whose repeated positive terms are ORed (everything else is ANDed). */
const OR_KEYS = new Set(['repo', 'org', 'user', 'author', 'assignee', 'base', 'head', 'milestone']);

function parseSearch(
  q: string,
  hooks: SearchHooks,
): { filter: Pred; sort?: { key: string; order?: string } } | { error: string } {
  const terms = tokenize(q);
  const and: Pred[] = [];
  const orGroups = new Map<string, Pred[]>();
  const text: { negated: boolean; value: string }[] = [];
  let fields = new Set<string>();
  let sort: { key: string; order?: string } | undefined;
  const lc = (s: string) => s.toLowerCase();

  for (const t of terms) {
    if (t.key === undefined) {
      if (!t.quoted && ['AND', 'OR', 'NOT'].includes(t.value)) {
        return { error: `boolean operator ${t.value} is not supported by the emulator` };
      }
      text.push({ negated: t.negated, value: lc(t.value) });
      continue;
    }
    const v = t.value;
    const lv = lc(v);
    let pred: Pred | undefined;
    switch (t.key) {
      case 'repo':
        pred = (i) => repoKey(i.owner, i.repo) === lv;
        break;
      case 'org':
      case 'user':
        pred = (i) => lc(i.owner) === lv;
        break;
      case 'author':
        // bots are searched as author:app/NAME
        pred = (i) => lc(i.user) === (lv.startsWith('app/') ? `${lv.slice(4)}[bot]` : lv);
        break;
      case 'assignee':
        pred = (i) => i.assignees.some((a) => lc(a) === lv);
        break;
      case 'is':
      case 'type':
      case 'state':
        switch (lv) {
          case 'open':
          case 'closed':
            pred = (i) => i.state === lv;
            break;
          case 'pr':
          case 'pull-request':
            pred = (i) => i.pull !== undefined;
            break;
          case 'issue':
            pred = (i) => i.pull === undefined;
            break;
          case 'merged':
            pred = (i) => i.pull?.merged === true;
            break;
          case 'unmerged':
            pred = (i) => i.pull !== undefined && !i.pull.merged && i.state === 'closed';
            break;
          case 'draft':
            pred = (i) => i.pull?.draft === true;
            break;
          default:
            return { error: `unsupported ${t.key}:${v}` };
        }
        if (t.key !== 'is' && !['open', 'closed', 'pr', 'issue'].includes(lv)) {
          return { error: `unsupported ${t.key}:${v}` };
        }
        break;
      case 'draft':
        pred = (i) => i.pull !== undefined && (i.pull.draft === true) === (lv === 'true');
        break;
      case 'label': {
        const any = v
          .split(',')
          .map((s) => lc(s.trim()))
          .filter(Boolean);
        pred = (i) => i.labels.some((l) => any.includes(lc(l)));
        break;
      }
      case 'milestone':
        pred = (i) => !!i.milestone && lc(i.milestone) === lv;
        break;
      case 'base':
        pred = (i) => i.pull !== undefined && i.pull.base === v;
        break;
      case 'head':
        pred = (i) => i.pull !== undefined && i.pull.head === v;
        break;
      case 'no':
        if (lv === 'label') pred = (i) => i.labels.length === 0;
        else if (lv === 'milestone') pred = (i) => !i.milestone;
        else if (lv === 'assignee') pred = (i) => i.assignees.length === 0;
        else return { error: `unsupported no:${v}` };
        break;
      case 'in':
        if (!t.negated) fields = new Set([...fields, ...lv.split(',')]);
        continue;
      case 'review':
        pred = (i) => i.pull !== undefined && hooks.reviewState(i) === lv;
        break;
      case 'status':
        pred = (i) => i.pull !== undefined && hooks.statusState(i) === lv;
        break;
      case 'archived':
        continue; // the model has no archived repos
      case 'created':
      case 'updated':
      case 'closed':
      case 'merged': {
        const inRange = dateRange(v);
        if (!inRange) return { error: `invalid date in ${t.key}:${v}` };
        const key = t.key;
        pred = (i) => {
          const s =
            key === 'created'
              ? i.created_at
              : key === 'updated'
                ? i.updated_at
                : key === 'closed'
                  ? i.closed_at
                  : i.pull?.merged
                    ? (i.closed_at ?? i.updated_at)
                    : null;
          return !!s && inRange(time(s));
        };
        break;
      }
      case 'sort': {
        const m = /^(created|updated|comments)(?:-(asc|desc))?$/.exec(lv);
        if (!m) return { error: `unsupported sort:${v}` };
        sort = { key: m[1]!, order: m[2] ?? 'desc' };
        continue;
      }
      default:
        return { error: `search qualifier "${t.key}:" is not supported by the emulator` };
    }
    const p = pred;
    if (t.negated) and.push((i) => !p(i));
    else if (OR_KEYS.has(t.key)) orGroups.set(t.key, [...(orGroups.get(t.key) ?? []), p]);
    else and.push(p);
  }

  if (fields.size === 0) fields = new Set(['title', 'body']);
  const haystack = (i: GhIssue): string =>
    [
      fields.has('title') ? i.title : '',
      fields.has('body') ? (i.body ?? '') : '',
      fields.has('comments') ? i.comments.map((c) => c.body).join('\n') : '',
    ]
      .join('\n')
      .toLowerCase();
  const groups = [...orGroups.values()];
  return {
    sort,
    filter: (i) =>
      and.every((p) => p(i)) &&
      groups.every((g) => g.some((p) => p(i))) &&
      (text.length === 0 || ((h) => text.every((w) => h.includes(w.value) !== w.negated))(haystack(i))),
  };
}
