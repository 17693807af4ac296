/**
 * An emulated GitHub REST API for tests and the local sandbox.
 *
 * A real HTTP server (node:http) on 127.0.0.1 that keeps an in-memory model of issues, pull
 * requests, commit statuses and file contents, answers in GitHub's wire format (JSON shapes,
 * `Link` pagination, `ETag`/`If-None-Match`, rate-limit headers), records every request and can
 * inject faults (5xx, primary/secondary rate limits, delays). Real Octokit (with the throttling and
 * retry plugins) is pointed at it with `baseUrl`.
 *
 * This file is the server and the public face; the parts live beside it: model.ts (the in-memory
 * model), wire.ts (GitHub JSON shapes), reply.ts (pagination, ETags, rate-limit headers),
 * routes.ts and issues.ts (the endpoints), search.ts (the search query parser), faults.ts.
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
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readBody } from '../../http';
import { FaultQueue, faultReply, type GhFault, methodMatches, pathMatches } from './faults';
import { blobSha, gitOf } from './git';
import {
  BOT_LOGIN,
  type GhIssue,
  GhModel,
  type GhStatus,
  type IssuePatch,
  type IssueSeed,
  type PullSeed,
} from './model';
import { type Ctx, finish, type GhCall, RateLimits, type Reply } from './reply';
import { createRouter } from './routes';
import { GhJson } from './wire';

export type { GhFault } from './faults';
export type { GhIssue, GhLabel, GhStatus, GhUser } from './model';
export type { GhCall } from './reply';

/** The largest request body the emulator reads; a bigger one is dropped unanswered. */
const MAX_BODY = 10 * 1024 * 1024;

export class GitHubEmulator {
  /** every request, in arrival order */
  readonly calls: GhCall[] = [];
  /** Installation tokens handed out (GitHub App auth). */
  readonly installationTokens = new Set<string>();

  private readonly now: () => Date;
  private readonly model: GhModel;
  private readonly faults = new FaultQueue();
  private readonly rate = new RateLimits();
  private readonly route: (ctx: Ctx) => Reply;
  private server: Server | undefined;
  private baseUrl = '';
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private requestSeq = 0;

  constructor(opts: { now?: () => Date } = {}) {
    this.now = opts.now ?? (() => new Date());
    this.model = new GhModel(this.now);
    this.route = createRouter(this.model, { rate: this.rate, installationTokens: this.installationTokens });
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
    return this.model.addIssue(i);
  }

  /** Add (or replace) a pull request; `pull` fields default to base 'main', head 'pr-N', open, mergeable. */
  addPull(p: PullSeed): GhIssue {
    return this.model.addPull(p);
  }

  /** A snapshot of an issue or PR (mutating it does not change the model; use updateIssue). */
  getIssue(owner: string, repo: string, n: number): GhIssue | undefined {
    return this.model.getIssue(owner, repo, n);
  }

  /**
   * Patch an issue/PR (a `pull` patch is merged into the existing pull fields). Bumps updated_at
   * (unless given), sets/clears closed_at on state changes. Throws when the issue does not exist.
   */
  updateIssue(owner: string, repo: string, n: number, patch: IssuePatch): GhIssue {
    return this.model.updateIssue(owner, repo, n, patch);
  }

  /** Replace the statuses of a commit (the last entry per context wins, as in GitHub's combined status). */
  setStatuses(owner: string, repo: string, sha: string, statuses: GhStatus[]): void {
    this.model.setStatuses(owner, repo, sha, statuses);
  }

  /** Create a milestone (issues create theirs on first use); listed by GET /repos/{o}/{r}/milestones. */
  addMilestone(owner: string, repo: string, title: string): void {
    this.model.addMilestone(owner, repo, title);
  }

  /** Put a file in the contents API (ref default 'main'). */
  setFile(owner: string, repo: string, path: string, content: string, ref = 'main'): void {
    this.model.setFile(owner, repo, path, content, ref);
  }

  /** Serve an arbitrary JSON document on GET `path` (exact path, query ignored). */
  serveJson(path: string, body: unknown): void {
    this.model.serveJson(path, body);
  }

  /** Git plumbing (git.ts): default branches, the authenticated login, branch heads and files. */
  get git() {
    const g = gitOf(this.model);
    return {
      /** The branch the contents API reads by default and forks copy (GitHub's `default_branch`). */
      setDefaultBranch: (owner: string, repo: string, branch: string) => {
        g.repo(owner, repo).defaultBranch = branch;
      },
      /** The login GET /user answers with; forks without `organization` and new PRs are its. */
      setViewer: (login: string) => {
        g.viewer = login;
      },
      /** The commit a branch points at, undefined when there is no such branch. */
      head: (owner: string, repo: string, branch: string) => g.head(owner, repo, branch),
      /** A file on a branch, undefined when absent. */
      file: (owner: string, repo: string, branch: string, path: string) =>
        g.filesOf(owner, repo, branch).get(path),
      /** Whether the repo exists (seeded, or created as a fork). */
      exists: (owner: string, repo: string) => g.exists(owner, repo),
      /** How many commits a branch has on top of `base` (first parents). */
      commitsSince: (owner: string, repo: string, branch: string, base: string) => {
        let n = 0;
        let sha = g.head(owner, repo, branch);
        while (sha && sha !== base && n < 10_000) {
          n += 1;
          sha = g.commits.get(sha)?.parents[0];
        }
        return sha ? n : -1;
      },
      blobSha,
    };
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
    this.faults.inject(f);
  }

  clearFaults(): void {
    this.faults.clear();
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
      raw = await readBody(req, MAX_BODY);
    } catch {
      return; // the client went away, or sent too much (the request is destroyed)
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
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    const ctx: Ctx = {
      req,
      res,
      call,
      method: call.method,
      pathname: url.pathname,
      query: url.searchParams,
      body,
      bodyError,
      origin,
      accept: String(req.headers.accept ?? ''),
      json: new GhJson(this.model, origin),
    };
    const fault = this.faults.take(ctx.method, ctx.pathname);
    const answer = (): void => {
      if (res.destroyed || res.writableEnded) return;
      let reply: Reply;
      try {
        reply =
          fault?.status !== undefined
            ? faultReply(fault, () => this.model.userId(BOT_LOGIN))
            : this.route(ctx);
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

  private finish(ctx: Ctx, reply: Reply): void {
    finish(ctx, reply, this.rate, `EMU:${(++this.requestSeq).toString(16).toUpperCase()}`);
  }
}
