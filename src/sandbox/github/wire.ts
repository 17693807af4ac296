// The GitHub emulator's wire shapes: model objects as the JSON GitHub's REST API answers with.
import { type GhIssue, type GhModel, issueKey, repoKey, type StoredStatus, sha1 } from './model';

type Json = Record<string, unknown>;

const htmlUrl = (i: GhIssue): string =>
  `https://github.com/${i.owner}/${i.repo}/${i.pull ? 'pull' : 'issues'}/${i.number}`;

const mergedAt = (i: GhIssue): string | null => (i.pull?.merged ? (i.closed_at ?? i.updated_at) : null);

/**
 * Builds GitHub JSON for one request: `origin` (http://host:port of the request) goes into every
 * `url` field. Looking up a label or milestone creates it in the model, as seeding does.
 */
export class GhJson {
  constructor(
    private readonly model: GhModel,
    readonly origin: string,
  ) {}

  user(login: string): Json {
    const id = this.model.userId(login);
    return {
      login,
      id,
      node_id: `U_${Buffer.from(String(id)).toString('base64')}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      url: `${this.origin}/users/${encodeURIComponent(login)}`,
      html_url: `https://github.com/${login.replace('[bot]', '')}`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      site_admin: false,
    };
  }

  label(owner: string, repo: string, name: string): Json {
    const l = this.model.label(owner, repo, name);
    return {
      id: l.id,
      node_id: `LA_${l.id}`,
      url: `${this.origin}/repos/${owner}/${repo}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color ?? 'ededed',
      default: false,
      description: null,
    };
  }

  /** The labels of an issue, in its order. */
  labels(i: GhIssue): Json[] {
    return i.labels.map((l) => this.label(i.owner, i.repo, l));
  }

  milestone(owner: string, repo: string, title: string): Json {
    const m = this.model.milestone(owner, repo, title);
    return {
      url: `${this.origin}/repos/${owner}/${repo}/milestones/${m.number}`,
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

  repo(owner: string, repo: string): Json {
    const r = this.model.repos.get(repoKey(owner, repo));
    const o = r?.owner ?? owner;
    const n = r?.name ?? repo;
    return {
      id: r?.id ?? 0,
      node_id: `R_${r?.id ?? 0}`,
      name: n,
      full_name: `${o}/${n}`,
      owner: this.user(o),
      private: false,
      html_url: `https://github.com/${o}/${n}`,
      url: `${this.origin}/repos/${o}/${n}`,
      fork: false,
      archived: false,
      default_branch: 'main',
    };
  }

  issue(i: GhIssue): Json {
    const s = this.model.issues.get(issueKey(i.owner, i.repo, i.number));
    const api = `${this.origin}/repos/${i.owner}/${i.repo}`;
    const html = htmlUrl(i);
    const assignees = i.assignees.map((a) => this.user(a));
    const out: Json = {
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
      user: this.user(i.user),
      labels: this.labels(i),
      state: i.state,
      state_reason: i.state === 'closed' && !i.pull ? 'completed' : null,
      locked: false,
      assignee: assignees[0] ?? null,
      assignees,
      milestone: i.milestone ? this.milestone(i.owner, i.repo, i.milestone) : null,
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
        merged_at: mergedAt(i),
      };
    }
    return out;
  }

  /** A pull request; `full` adds the fields GitHub only returns on the single-PR endpoint. */
  pull(i: GhIssue, full: boolean): Json {
    const pull = i.pull!;
    const s = this.model.issues.get(issueKey(i.owner, i.repo, i.number));
    const api = `${this.origin}/repos/${i.owner}/${i.repo}`;
    const html = htmlUrl(i);
    const assignees = i.assignees.map((a) => this.user(a));
    const repo = this.repo(i.owner, i.repo);
    const out: Json = {
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
      user: this.user(i.user),
      body: i.body ?? null,
      labels: this.labels(i),
      milestone: i.milestone ? this.milestone(i.owner, i.repo, i.milestone) : null,
      assignee: assignees[0] ?? null,
      assignees,
      requested_reviewers: [],
      requested_teams: [],
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at ?? null,
      merged_at: mergedAt(i),
      merge_commit_sha: pull.merged ? sha1(`${pull.head_sha}:merge`) : null,
      draft: pull.draft ?? false,
      head: {
        label: `${pull.head_owner ?? i.user}:${pull.head}`,
        ref: pull.head,
        sha: pull.head_sha,
        user: this.user(pull.head_owner ?? i.user),
        repo: pull.head_owner ? this.repo(pull.head_owner, pull.head_repo ?? i.repo) : repo,
      },
      base: {
        label: `${i.owner}:${pull.base}`,
        ref: pull.base,
        sha: sha1(`${repoKey(i.owner, i.repo)}@${pull.base}`),
        user: this.user(i.owner),
        repo,
      },
      author_association: 'CONTRIBUTOR',
      auto_merge: null,
    };
    if (full) {
      const open = i.state === 'open';
      Object.assign(out, {
        merged: pull.merged ?? false,
        mergeable: open ? pull.mergeable_state !== 'dirty' : null,
        rebaseable: open ? pull.mergeable_state !== 'dirty' : null,
        mergeable_state: pull.mergeable_state ?? 'clean',
        merged_by: pull.merged ? this.user('k8s-ci-robot') : null,
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

  comment(i: GhIssue, c: GhIssue['comments'][number]): Json {
    const api = `${this.origin}/repos/${i.owner}/${i.repo}`;
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${api}/issues/comments/${c.id}`,
      html_url: `${htmlUrl(i)}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${i.number}`,
      body: c.body,
      user: this.user(c.user),
      created_at: c.created_at,
      updated_at: c.created_at,
      author_association: c.user.endsWith('[bot]') ? 'NONE' : 'CONTRIBUTOR',
    };
  }

  review(i: GhIssue, r: GhIssue['reviews'][number]): Json {
    return {
      id: r.id,
      node_id: `PRR_${r.id}`,
      user: this.user(r.user),
      body: '',
      state: r.state,
      html_url: `${htmlUrl(i)}#pullrequestreview-${r.id}`,
      pull_request_url: `${this.origin}/repos/${i.owner}/${i.repo}/pulls/${i.number}`,
      submitted_at: r.submitted_at,
      commit_id: i.pull!.head_sha,
      author_association: 'MEMBER',
    };
  }

  status(s: StoredStatus): Json {
    return {
      id: s.id,
      node_id: `SC_${s.id}`,
      url: `${this.origin}/statuses/${s.id}`,
      state: s.state,
      description: s.description ?? null,
      target_url: s.target_url ?? null,
      context: s.context,
      avatar_url: null,
      created_at: s.created_at,
      updated_at: s.created_at,
    };
  }

  /** One entry of the contents API (a file with its content, or a directory). */
  contentEntry(
    owner: string,
    repo: string,
    ref: string,
    type: 'file' | 'dir',
    entryPath: string,
    content?: string,
  ): Json {
    const api = `${this.origin}/repos/${owner}/${repo}`;
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
  }
}
