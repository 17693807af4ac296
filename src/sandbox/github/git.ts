// The GitHub emulator's git plumbing: branches (refs) over commits, contents create/update, forks and pull request create/update.
import { type GhModel, isoSeconds, normPath, repoKey, sameLogin, sha1 } from './model';
import { type Ctx, customValidation, DOCS, notFound, type Reply, validationFailed } from './reply';

/**
 * Branch contents live in the model's `files` (`owner/repo@branch:path`, what `setFile` seeds and
 * the contents API reads). This file adds what git gives them: each branch points at a commit, a
 * commit is a snapshot of its branch's files with its parents, and a fork shares its parent's
 * commits (one network, as on GitHub). A branch seeded with `setFile` gets a commit on first use;
 * seeding it again later makes a new commit on top, as a push upstream would.
 *
 * Validated as GitHub does: a ref that exists is 422, a sha that does not is 422, an update that
 * is not a fast forward without `force` is 422; updating a file needs its current blob `sha` (422
 * when missing, 409 when stale); a pull request needs an existing base and head with commits
 * between them, and a second open one for the same head and base is 422.
 */

interface Commit {
  sha: string;
  parents: string[];
  message: string;
  files: Map<string, string>;
}

interface RepoGit {
  defaultBranch: string;
  branches: Map<string, string>;
  /** owner/name of the repo this one was forked from. */
  parent?: { owner: string; name: string };
}

/** The git side of one emulated GitHub. */
export class GitState {
  readonly commits = new Map<string, Commit>();
  readonly repos = new Map<string, RepoGit>();
  /** The login GET /user answers with, and who forks and opens pull requests. */
  viewer = 'relbot-bot';
  private seq = 0;

  constructor(private readonly m: GhModel) {}

  repo(owner: string, name: string): RepoGit {
    const k = repoKey(owner, name);
    let r = this.repos.get(k);
    if (!r) {
      r = { defaultBranch: 'main', branches: new Map() };
      this.repos.set(k, r);
    }
    return r;
  }

  exists(owner: string, name: string): boolean {
    return this.m.repos.has(repoKey(owner, name));
  }

  /** The files of a branch as the model holds them. */
  filesOf(owner: string, name: string, branch: string): Map<string, string> {
    const prefix = `${repoKey(owner, name)}@${branch}:`;
    const out = new Map<string, string>();
    for (const [k, v] of this.m.files) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v);
    return out;
  }

  /** The commit a branch points at (seeded files get one on first sight); undefined: no branch. */
  head(owner: string, name: string, branch: string): string | undefined {
    const r = this.repo(owner, name);
    const files = this.filesOf(owner, name, branch);
    const sha = r.branches.get(branch);
    if (!sha && files.size === 0) return undefined;
    const cur = sha ? this.commits.get(sha) : undefined;
    if (cur && sameFiles(cur.files, files)) return cur.sha;
    const next = this.commit(sha ? [sha] : [], sha ? 'Seeded change' : 'Initial commit', files);
    r.branches.set(branch, next);
    return next;
  }

  commit(parents: string[], message: string, files: Map<string, string>): string {
    const sha = sha1(
      `commit ${++this.seq}\n${parents.join(' ')}\n${message}\n${[...files.keys()].join('\n')}`,
    );
    this.commits.set(sha, { sha, parents, message, files: new Map(files) });
    return sha;
  }

  /** Points a branch at a commit: its files become the commit's, and open PRs from it follow. */
  setBranch(owner: string, name: string, branch: string, sha: string): void {
    const c = this.commits.get(sha)!;
    const prefix = `${repoKey(owner, name)}@${branch}:`;
    for (const k of [...this.m.files.keys()]) if (k.startsWith(prefix)) this.m.files.delete(k);
    for (const [p, v] of c.files) this.m.files.set(prefix + p, v);
    this.repo(owner, name).branches.set(branch, sha);
    for (const { issue } of this.m.issues.values()) {
      const pull = issue.pull;
      if (issue.state !== 'open' || !pull || pull.head !== branch) continue;
      if (repoKey(pull.head_owner ?? issue.owner, pull.head_repo ?? issue.repo) !== repoKey(owner, name))
        continue;
      pull.head_sha = sha;
      issue.updated_at = isoSeconds(this.m.now());
    }
  }

  /** Whether `ancestor` is `sha` or one of its ancestors. */
  reaches(sha: string, ancestor: string): boolean {
    const seen = new Set<string>();
    const todo = [sha];
    while (todo.length) {
      const s = todo.pop()!;
      if (s === ancestor) return true;
      if (seen.has(s)) continue;
      seen.add(s);
      todo.push(...(this.commits.get(s)?.parents ?? []));
    }
    return false;
  }
}

function sameFiles(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

const states = new WeakMap<GhModel, GitState>();

/** The git state of a model (one per emulator). */
export function gitOf(m: GhModel): GitState {
  let g = states.get(m);
  if (!g) {
    g = new GitState(m);
    states.set(m, g);
  }
  return g;
}

/** The branch the contents API reads when no `ref` is given. */
export function defaultBranch(m: GhModel, owner: string, repo: string): string {
  return gitOf(m).repos.get(repoKey(owner, repo))?.defaultBranch ?? 'main';
}

/** Fork fields of a repo's JSON: `fork`, `parent`/`source`, and its default branch. */
export function repoGitFields(m: GhModel, owner: string, repo: string): Record<string, unknown> {
  const r = gitOf(m).repos.get(repoKey(owner, repo));
  if (!r) return {};
  return {
    default_branch: r.defaultBranch,
    ...(r.parent ? { fork: true, parent: { full_name: `${r.parent.owner}/${r.parent.name}` } } : {}),
  };
}

type Handler = (ctx: Ctx, p: string[]) => Reply;

/** The route table entries of git refs, contents writes, forks, pull request writes and GET /user. */
export function gitRoutes(m: GhModel): [string, RegExp, Handler][] {
  const g = gitOf(m);
  return [
    ['GET', /^\/user$/, (c) => ({ status: 200, json: c.json.user(g.viewer) })],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/git\/refs?\/(.+)$/, (c, p) => getRef(g, c, p)],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/git\/refs$/, (c, p) => createRef(g, c, p)],
    ['PATCH', /^\/repos\/([^/]+)\/([^/]+)\/git\/refs\/(.+)$/, (c, p) => updateRef(g, c, p)],
    ['PUT', /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/, (c, p) => putContents(g, m, c, p)],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/forks$/, (c, p) => createFork(g, m, c, p)],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, (c, p) => createPull(g, m, c, p)],
    ['PATCH', /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/, (c, p) => updatePull(m, c, p)],
  ];
}

const unprocessable = (message: string): Reply => ({
  status: 422,
  json: { message, documentation_url: DOCS, status: '422' },
});

function refJson(ctx: Ctx, owner: string, repo: string, branch: string, sha: string): unknown {
  const api = `${ctx.origin}/repos/${owner}/${repo}`;
  return {
    ref: `refs/heads/${branch}`,
    node_id: `REF_${sha.slice(0, 12)}`,
    url: `${api}/git/refs/heads/${branch}`,
    object: { sha, type: 'commit', url: `${api}/git/commits/${sha}` },
  };
}

/** The branch of a `heads/<branch>` ref parameter (Octokit sends it with `/` encoded). */
function headsBranch(ref: string): string | undefined {
  return /^heads\/(.+)$/.exec(ref)?.[1];
}

function getRef(g: GitState, ctx: Ctx, p: string[]): Reply {
  const [owner, repo, branch] = [p[0]!, p[1]!, headsBranch(p[2]!)];
  if (!g.exists(owner, repo) || !branch) return notFound();
  const sha = g.head(owner, repo, branch);
  if (!sha) return notFound();
  return { status: 200, json: refJson(ctx, owner, repo, branch, sha) };
}

function body(ctx: Ctx): Record<string, unknown> {
  return ctx.body && typeof ctx.body === 'object' ? (ctx.body as Record<string, unknown>) : {};
}

function createRef(g: GitState, ctx: Ctx, p: string[]): Reply {
  const [owner, repo] = [p[0]!, p[1]!];
  if (!g.exists(owner, repo)) return notFound();
  const b = body(ctx);
  if (typeof b.ref !== 'string' || typeof b.sha !== 'string')
    return validationFailed('Reference', typeof b.ref !== 'string' ? 'ref' : 'sha', 'missing_field');
  const m = /^refs\/heads\/(.+)$/.exec(b.ref);
  if (!m) return unprocessable('Reference name must start with refs/ and have at least two slashes.');
  if (!g.commits.has(b.sha)) return unprocessable('Object does not exist');
  if (g.head(owner, repo, m[1]!)) return unprocessable('Reference already exists');
  g.setBranch(owner, repo, m[1]!, b.sha);
  return { status: 201, json: refJson(ctx, owner, repo, m[1]!, b.sha) };
}

function updateRef(g: GitState, ctx: Ctx, p: string[]): Reply {
  const [owner, repo, branch] = [p[0]!, p[1]!, headsBranch(p[2]!)];
  if (!g.exists(owner, repo) || !branch) return notFound();
  const b = body(ctx);
  if (typeof b.sha !== 'string') return validationFailed('Reference', 'sha', 'missing_field');
  const cur = g.head(owner, repo, branch);
  if (!cur) return unprocessable('Reference does not exist');
  if (!g.commits.has(b.sha)) return unprocessable('Object does not exist');
  if (b.force !== true && !g.reaches(b.sha, cur)) return unprocessable('Update is not a fast forward');
  g.setBranch(owner, repo, branch, b.sha);
  return { status: 200, json: refJson(ctx, owner, repo, branch, b.sha) };
}

/** The blob sha GitHub gives a file's content. */
export function blobSha(content: string): string {
  const buf = Buffer.from(content, 'utf8');
  return sha1(Buffer.concat([Buffer.from(`blob ${buf.length}\0`), buf]));
}

function putContents(g: GitState, m: GhModel, ctx: Ctx, p: string[]): Reply {
  const [owner, repo, path] = [p[0]!, p[1]!, normPath(p[2]!)];
  if (!g.exists(owner, repo)) return notFound();
  const b = body(ctx);
  if (typeof b.message !== 'string' || !b.message)
    return validationFailed('Commit', 'message', 'missing_field');
  if (typeof b.content !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(b.content))
    return unprocessable('content is not valid Base64');
  const branch = typeof b.branch === 'string' ? b.branch : defaultBranch(m, owner, repo);
  const head = g.head(owner, repo, branch);
  if (!head) return notFound(`Branch ${branch} not found`);
  const files = g.filesOf(owner, repo, branch);
  const current = files.get(path);
  if (current !== undefined) {
    if (typeof b.sha !== 'string' || !b.sha)
      return unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.');
    if (b.sha !== blobSha(current))
      return {
        status: 409,
        json: { message: `${path} does not match ${b.sha}`, documentation_url: DOCS, status: '409' },
      };
  }
  const content = Buffer.from(b.content, 'base64').toString('utf8');
  files.set(path, content);
  const sha = g.commit([head], b.message, files);
  g.setBranch(owner, repo, branch, sha);
  const api = `${ctx.origin}/repos/${owner}/${repo}`;
  return {
    status: current === undefined ? 201 : 200,
    json: {
      content: ctx.json.contentEntry(owner, repo, branch, 'file', path, content),
      commit: {
        sha,
        url: `${api}/git/commits/${sha}`,
        html_url: `https://github.com/${owner}/${repo}/commit/${sha}`,
        message: b.message,
        parents: [{ sha: head, url: `${api}/git/commits/${head}` }],
      },
    },
  };
}

function createFork(g: GitState, m: GhModel, ctx: Ctx, p: string[]): Reply {
  const [owner, repo] = [p[0]!, p[1]!];
  if (!g.exists(owner, repo)) return notFound();
  const b = body(ctx);
  const forkOwner = typeof b.organization === 'string' ? b.organization : g.viewer;
  const name = typeof b.name === 'string' ? b.name : (m.repos.get(repoKey(owner, repo))?.name ?? repo);
  const src = g.repo(owner, repo);
  if (!g.exists(forkOwner, name)) {
    const branches = b.default_branch_only === true ? [src.defaultBranch] : branchesOf(g, m, owner, repo);
    m.repos.set(repoKey(forkOwner, name), { id: m.newId(), owner: forkOwner, name });
    const fork = g.repo(forkOwner, name);
    fork.defaultBranch = src.defaultBranch;
    fork.parent = { owner, name: m.repos.get(repoKey(owner, repo))?.name ?? repo };
    for (const br of branches) {
      const sha = g.head(owner, repo, br);
      if (sha) g.setBranch(forkOwner, name, br, sha);
    }
  } else if (!sameRepo(g.repos.get(repoKey(forkOwner, name))?.parent, owner, repo)) {
    return unprocessable(`${forkOwner}/${name} already exists and is not a fork of ${owner}/${repo}`);
  }
  return { status: 202, json: { ...ctx.json.repo(forkOwner, name), ...repoGitFields(m, forkOwner, name) } };
}

function sameRepo(r: { owner: string; name: string } | undefined, owner: string, name: string): boolean {
  return !!r && repoKey(r.owner, r.name) === repoKey(owner, name);
}

function branchesOf(g: GitState, m: GhModel, owner: string, repo: string): string[] {
  const prefix = `${repoKey(owner, repo)}@`;
  const out = new Set(g.repo(owner, repo).branches.keys());
  for (const k of m.files.keys())
    if (k.startsWith(prefix)) out.add(k.slice(prefix.length, k.indexOf(':', prefix.length)));
  return [...out];
}

/** `owner:branch` or `branch` (same repo) as GitHub's `head` parameter. */
function parseHead(head: string, owner: string): { owner: string; branch: string } {
  const i = head.indexOf(':');
  return i < 0 ? { owner, branch: head } : { owner: head.slice(0, i), branch: head.slice(i + 1) };
}

function createPull(g: GitState, m: GhModel, ctx: Ctx, p: string[]): Reply {
  const [owner, repo] = [p[0]!, p[1]!];
  if (!g.exists(owner, repo)) return notFound();
  const b = body(ctx);
  if (typeof b.title !== 'string' || !b.title.trim())
    return validationFailed('PullRequest', 'title', 'missing_field');
  if (typeof b.head !== 'string' || !b.head) return validationFailed('PullRequest', 'head', 'missing_field');
  if (typeof b.base !== 'string' || !b.base) return validationFailed('PullRequest', 'base', 'missing_field');
  const baseSha = g.head(owner, repo, b.base);
  if (!baseSha) return validationFailed('PullRequest', 'base', 'invalid');
  const head = parseHead(b.head, owner);
  const headRepoName = sameLogin(head.owner, owner) ? repo : findForkName(g, head.owner, owner, repo);
  const headSha = headRepoName ? g.head(head.owner, headRepoName, head.branch) : undefined;
  if (!headRepoName || !headSha) return validationFailed('PullRequest', 'head', 'invalid');
  const existing = m.issuesOf(owner, repo).find((i) => {
    const pull = i.pull;
    return (
      i.state === 'open' &&
      pull?.head === head.branch &&
      pull.base === b.base &&
      sameLogin(pull.head_owner ?? i.user, head.owner)
    );
  });
  if (existing)
    return customValidation('PullRequest', `A pull request already exists for ${head.owner}:${head.branch}.`);
  const headFiles = g.commits.get(headSha)!.files;
  if (sameFiles(headFiles, g.commits.get(baseSha)!.files))
    return customValidation('PullRequest', `No commits between ${b.base} and ${head.owner}:${head.branch}`);
  const number = Math.max(0, ...m.issuesOf(owner, repo).map((i) => i.number)) + 1;
  m.addPull({
    owner,
    repo,
    number,
    title: b.title,
    body: typeof b.body === 'string' ? b.body : null,
    user: g.viewer,
    pull: {
      base: b.base,
      head: head.branch,
      head_sha: headSha,
      draft: b.draft === true,
      mergeable_state: 'clean',
    },
  });
  const stored = m.issues.get(`${repoKey(owner, repo)}#${number}`)!.issue;
  Object.assign(stored.pull!, { head_owner: head.owner, head_repo: headRepoName });
  return { status: 201, json: ctx.json.pull(stored, true) };
}

function findForkName(g: GitState, forkOwner: string, owner: string, repo: string): string | undefined {
  for (const [k, r] of g.repos) {
    if (!sameRepo(r.parent, owner, repo)) continue;
    if (k.startsWith(`${forkOwner.toLowerCase()}/`)) return k.slice(forkOwner.length + 1);
  }
  return undefined;
}

function updatePull(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const s = m.issues.get(`${repoKey(p[0]!, p[1]!)}#${Number(p[2])}`);
  if (!s?.issue.pull) return notFound();
  const b = body(ctx);
  const patch: Record<string, unknown> = {};
  if (b.title !== undefined) {
    if (typeof b.title !== 'string' || !b.title.trim())
      return validationFailed('PullRequest', 'title', 'invalid');
    patch.title = b.title;
  }
  if (b.body !== undefined) patch.body = b.body === null ? null : String(b.body);
  if (b.state !== undefined) {
    if (b.state !== 'open' && b.state !== 'closed')
      return validationFailed('PullRequest', 'state', 'invalid');
    patch.state = b.state;
  }
  m.updateIssue(p[0]!, p[1]!, Number(p[2]), patch);
  return { status: 200, json: ctx.json.pull(s.issue, true) };
}
