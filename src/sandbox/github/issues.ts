// The GitHub emulator's issue endpoints: list/get/patch issues, their labels and comments, and milestones.
import {
  BOT_LOGIN,
  dedupeLabels,
  type GhModel,
  isoSeconds,
  issueKey,
  labelNames,
  repoKey,
  type StoredIssue,
  sameLogin,
  sortIssues,
  time,
} from './model';
import { type Ctx, notFound, paginate, type Reply, validationFailed } from './reply';

/** The issue or PR named by route params owner, repo, number. */
export function issueParam(m: GhModel, p: string[]): StoredIssue | undefined {
  return m.issues.get(issueKey(p[0]!, p[1]!, Number(p[2])));
}

export function listIssues(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const q = ctx.query;
  const state = q.get('state') ?? 'open';
  let list = m.issuesOf(p[0]!, p[1]!);
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
      ? m.milestonesOf(p[0]!, p[1]!).find((ms) => ms.number === Number(milestone))
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
  const pg = paginate(ctx, list);
  return { status: 200, headers: pg.headers, json: pg.items.map((i) => ctx.json.issue(i)) };
}

/** Milestones are always open in the model; `state=closed` lists none. */
export function listMilestones(m: GhModel, ctx: Ctx, p: string[]): Reply {
  if (!m.repos.has(repoKey(p[0]!, p[1]!))) return notFound();
  const state = ctx.query.get('state') ?? 'open';
  const all = m.milestonesOf(p[0]!, p[1]!).sort((a, b) => a.number - b.number);
  const list = state === 'closed' ? [] : all;
  const pg = paginate(ctx, list);
  return {
    status: 200,
    headers: pg.headers,
    json: pg.items.map((ms) => ctx.json.milestone(p[0]!, p[1]!, ms.title)),
  };
}

export function getIssue(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const s = issueParam(m, p);
  if (!s) return notFound();
  return { status: 200, json: ctx.json.issue(s.issue) };
}

export function patchIssue(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const s = issueParam(m, p);
  if (!s) return notFound();
  const b = (ctx.body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) return validationFailed('Issue', 'body', 'invalid');
  const i = s.issue;
  const nowIso = isoSeconds(m.now());
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
    const ms = m.milestonesOf(i.owner, i.repo).find((x) => x.number === b['milestone']);
    if (!ms) return validationFailed('Issue', 'milestone', 'invalid');
    i.milestone = ms.title;
  } else if (typeof b['milestone'] === 'string') i.milestone = b['milestone'];
  i.updated_at = nowIso;
  m.registerIssueRefs(i);
  return { status: 200, json: ctx.json.issue(i) };
}

export function listLabels(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const s = issueParam(m, p);
  if (!s) return notFound();
  const pg = paginate(ctx, ctx.json.labels(s.issue));
  return { status: 200, headers: pg.headers, json: pg.items };
}

/** POST adds labels (at least one); PUT (`replace`) sets the list, possibly to none. */
export function addLabels(m: GhModel, ctx: Ctx, p: string[], replace: boolean): Reply {
  const s = issueParam(m, p);
  if (!s) return notFound();
  const b = ctx.body;
  const raw = Array.isArray(b) ? b : (b as { labels?: unknown } | undefined)?.labels;
  const names = Array.isArray(raw) ? labelNames(raw) : undefined;
  if (!names || (!replace && names.length === 0)) return validationFailed('Label', 'labels', 'missing_field');
  const i = s.issue;
  i.labels = dedupeLabels(replace ? names : [...i.labels, ...names]);
  m.registerIssueRefs(i);
  m.bump(i);
  return { status: 200, json: ctx.json.labels(i) };
}

export function removeLabel(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const s = issueParam(m, p);
  if (!s) return notFound();
  const i = s.issue;
  const name = p[3]!.toLowerCase();
  const idx = i.labels.findIndex((l) => l.toLowerCase() === name);
  if (idx < 0) return notFound('Label does not exist');
  i.labels.splice(idx, 1);
  m.bump(i);
  return { status: 200, json: ctx.json.labels(i) };
}

export function listComments(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const s = issueParam(m, p);
  if (!s) return notFound();
  const since = ctx.query.get('since');
  const list = since ? s.issue.comments.filter((c) => time(c.created_at) >= time(since)) : s.issue.comments;
  const pg = paginate(ctx, list);
  return { status: 200, headers: pg.headers, json: pg.items.map((c) => ctx.json.comment(s.issue, c)) };
}

/** A new comment, written as the bot. */
export function addComment(m: GhModel, ctx: Ctx, p: string[]): Reply {
  const s = issueParam(m, p);
  if (!s) return notFound();
  const text = (ctx.body as { body?: unknown } | undefined)?.body;
  if (typeof text !== 'string' || text.length === 0)
    return validationFailed('IssueComment', 'body', 'missing_field');
  const i = s.issue;
  const c = { id: m.newId(), user: BOT_LOGIN, body: text, created_at: isoSeconds(m.now()) };
  i.comments.push(c);
  m.bump(i);
  return {
    status: 201,
    json: ctx.json.comment(i, c),
    headers: { location: `${ctx.origin}/repos/${i.owner}/${i.repo}/issues/comments/${c.id}` },
  };
}
