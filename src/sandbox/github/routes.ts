// The GitHub emulator's router: the REST route table and the repo, pull, status, contents, search and app-auth endpoints.
import { defaultBranch, gitRoutes, repoGitFields } from './git';
import {
  addComment,
  addLabels,
  getIssue,
  issueParam,
  listComments,
  listIssues,
  listLabels,
  listMilestones,
  patchIssue,
  removeLabel,
} from './issues';
import { combinedState, type GhModel, normPath, repoKey, reviewState, sortIssues } from './model';
import { type Ctx, DOCS, notFound, paginate, type RateLimits, type Reply, validationFailed } from './reply';
import { parseSearch } from './search';

type Handler = (ctx: Ctx, p: string[]) => Reply;

/** What the endpoints act on besides the model. */
export interface RouterState {
  rate: RateLimits;
  /** Installation tokens handed out (GitHub App auth). */
  installationTokens: Set<string>;
}

/** The emulator's request handler: a reply for every request (404 for unknown routes). */
export function createRouter(m: GhModel, state: RouterState): (ctx: Ctx) => Reply {
  const routes: [string, RegExp, Handler][] = [
    ['GET', /^\/rate_limit$/, () => ({ status: 200, json: state.rate.report() })],
    [
      'POST',
      /^\/app\/installations\/(\d+)\/access_tokens$/,
      (c, p) => createInstallationToken(state.installationTokens, c, p),
    ],
    ['GET', /^\/search\/issues$/, (c) => searchIssues(m, c)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)$/, (c, p) => getRepo(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, (c, p) => listPulls(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/, (c, p) => getPull(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/, (c, p) => listReviews(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/status$/, (c, p) => getCombinedStatus(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/statuses$/, (c, p) => listStatuses(m, c, p)],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/check-runs$/,
      () => ({ status: 200, json: { total_count: 0, check_runs: [] } }),
    ],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/milestones$/, (c, p) => listMilestones(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues$/, (c, p) => listIssues(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, (c, p) => getIssue(m, c, p)],
    ['PATCH', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, (c, p) => patchIssue(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/, (c, p) => listLabels(m, c, p)],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/, (c, p) => addLabels(m, c, p, false)],
    ['PUT', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/, (c, p) => addLabels(m, c, p, true)],
    ['DELETE', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels\/([^/]+)$/, (c, p) => removeLabel(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, (c, p) => listComments(m, c, p)],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, (c, p) => addComment(m, c, p)],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/, (c, p) => getContents(m, c, p)],
    ...gitRoutes(m),
  ];

  return (ctx) => {
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    if (method === 'GET' && m.extraJson.has(ctx.pathname)) {
      return { status: 200, json: m.extraJson.get(ctx.pathname) };
    }
    for (const [rm, re, handler] of routes) {
      if (rm !== method) continue;
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
  };
}

/** GitHub App auth: a JWT (Bearer, three base64url parts) buys an installation token. */
function createInstallationToken(tokens: Set<string>, ctx: Ctx, p: string[]): Reply {
  const auth = String(ctx.req.headers.authorization ?? '');
  const jwt = auth.startsWith('bearer ') || auth.startsWith('Bearer ') ? auth.slice(7) : '';
  if (jwt.split('.').length !== 3)
    return { status: 401, json: { message: 'A JSON web token could not be decoded' } };
  tokens.add(`ghs_installation_${p[0]}`);
  return {
    status: 201,
    json: {
      token: `ghs_installation_${p[0]}`,
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
      permissions: {},
    },
  };
}

function getRepo(m: GhModel, ctx: Ctx, p: string[]): Reply {
  if (!m.repos.has(repoKey(p[0]!, p[1]!))) return notFound();
  return { status: 200, json: { ...ctx.json.repo(p[0]!, p[1]!), ...repoGitFields(m, p[0]!, p[1]!) } };
}

function listPulls(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const q = ctx.query;
  const state = q.get('state') ?? 'open';
  const base = q.get('base');
  const head = q.get('head');
  let list = m.issuesOf(p[0]!, p[1]!).filter((i) => i.pull);
  if (state !== 'all') list = list.filter((i) => i.state === state);
  if (base) list = list.filter((i) => i.pull!.base === base);
  if (head) {
    const [user, ref] = head.includes(':') ? head.split(':', 2) : [undefined, head];
    list = list.filter(
      (i) =>
        i.pull!.head === ref &&
        (!user || user.toLowerCase() === (i.pull!.head_owner ?? i.user).toLowerCase()),
    );
  }
  const sort = q.get('sort') === 'updated' ? 'updated' : 'created';
  const direction = q.get('direction') ?? (q.get('sort') && sort !== 'created' ? 'asc' : 'desc');
  sortIssues(list, sort, direction === 'asc' ? 'asc' : 'desc');
  const pg = paginate(ctx, list);
  return { status: 200, json: pg.items.map((i) => ctx.json.pull(i, false)), headers: pg.headers };
}

function getPull(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const s = issueParam(m, p);
  if (!s?.issue.pull) return notFound();
  return { status: 200, json: ctx.json.pull(s.issue, true) };
}

function listReviews(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const s = issueParam(m, p);
  if (!s?.issue.pull) return notFound();
  const pg = paginate(ctx, s.issue.reviews);
  return { status: 200, headers: pg.headers, json: pg.items.map((r) => ctx.json.review(s.issue, r)) };
}

function getCombinedStatus(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const { sha, statuses } = m.combined(p[0]!, p[1]!, p[2]!);
  const api = `${ctx.origin}/repos/${p[0]}/${p[1]}`;
  return {
    status: 200,
    json: {
      state: combinedState(statuses),
      statuses: statuses.map((s) => ctx.json.status(s)),
      sha,
      total_count: statuses.length,
      repository: ctx.json.repo(p[0]!, p[1]!),
      commit_url: `${api}/commits/${sha}`,
      url: `${api}/commits/${sha}/status`,
    },
  };
}

function listStatuses(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const { statuses } = m.combined(p[0]!, p[1]!, p[2]!);
  const pg = paginate(ctx, [...statuses].reverse());
  return { status: 200, headers: pg.headers, json: pg.items.map((s) => ctx.json.status(s)) };
}

/** A file (base64 in 60-character lines, or raw with the raw media type) or a directory listing. */
function getContents(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const [owner, repo] = [p[0]!, p[1]!];
  const path = normPath(p[2] ?? '');
  const ref = ctx.query.get('ref') ?? defaultBranch(m, owner, repo);
  const prefix = `${repoKey(owner, repo)}@${ref}:`;
  const entry = (type: 'file' | 'dir', entryPath: string, content?: string) =>
    ctx.json.contentEntry(owner, repo, ref, type, entryPath, content);
  const content = m.files.get(prefix + path);
  if (content !== undefined) {
    if (/application\/vnd\.github(\.v3)?\.raw/.test(ctx.accept)) return { status: 200, text: content };
    const b64 = Buffer.from(content, 'utf8').toString('base64');
    const wrapped = b64.length ? `${(b64.match(/.{1,60}/g) ?? []).join('\n')}\n` : '';
    return { status: 200, json: { ...entry('file', path, content), content: wrapped, encoding: 'base64' } };
  }
  // a directory: list its direct children
  const dirPrefix = path ? `${prefix}${path}/` : prefix;
  const children = new Map<string, Record<string, unknown>>();
  for (const [k, v] of m.files) {
    if (!k.startsWith(dirPrefix)) continue;
    const rest = k.slice(dirPrefix.length);
    const slash = rest.indexOf('/');
    const childPath = path ? `${path}/${rest.slice(0, slash < 0 ? undefined : slash)}` : rest.split('/')[0]!;
    if (!children.has(childPath))
      children.set(childPath, slash < 0 ? entry('file', childPath, v) : entry('dir', childPath));
  }
  if (children.size === 0) return notFound();
  return {
    status: 200,
    json: [...children.values()].sort((a, b) => String(a['name']).localeCompare(String(b['name']))),
  };
}

function searchIssues(m: GhModel, ctx: Ctx): Reply {
  const q = ctx.query.get('q');
  if (!q?.trim()) return validationFailed('Search', 'q', 'missing');
  const parsed = parseSearch(q, {
    reviewState,
    statusState: (i) => {
      const { statuses } = m.combined(i.owner, i.repo, i.pull?.head_sha ?? '');
      return statuses.length ? combinedState(statuses) : undefined;
    },
  });
  if ('error' in parsed) return validationFailed('Search', 'q', 'invalid', parsed.error);
  const list = [...m.issues.values()].map((s) => s.issue).filter(parsed.filter);
  const sortParam = ctx.query.get('sort') ?? parsed.sort?.key;
  const sort = sortParam === 'updated' || sortParam === 'comments' ? sortParam : 'created';
  const order = ctx.query.get('order') ?? parsed.sort?.order ?? (sortParam ? 'desc' : 'asc');
  sortIssues(list, sort, order === 'desc' ? 'desc' : 'asc');
  const pg = paginate(ctx, list);
  return {
    status: 200,
    headers: pg.headers,
    json: {
      total_count: list.length,
      incomplete_results: false,
      items: pg.items.map((i) => ({ ...ctx.json.issue(i), score: 1 })),
    },
  };
}
