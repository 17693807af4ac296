import type { Clock } from '../clock';
import type { Db } from '../db';
import type { Logger } from '../log';

/**
 * Exactly-once file uploads with Slack's current upload API, keyed in SQLite (migration 009,
 * slack_uploads), the way src/slack/outbox.ts keys posts:
 *
 * 1. files.getUploadURLExternal (filename, length, alt_text) → upload_url + file_id: recorded ('url').
 * 2. POST the bytes to upload_url → 'uploaded'.
 * 3. files.completeUploadExternal (files [{id, title}], channel_id, initial_comment or thread_ts):
 *    'completing' before the call, 'done' after.
 *
 * Retries only what is safe: steps 1–2 may be redone from scratch (an upload that was never
 * completed is never shown to anyone, and upload_url is single-use, so a failed POST gets a new
 * URL); Slack's 429 waits its Retry-After. A completion whose outcome is unknown (a timeout, a 5xx,
 * a crash while 'completing') is never simply sent again: the channel's history (relbot's
 * messages carry their files' ids) says whether the file is already shared, and only if it is not
 * is the completion sent again. So retries
 * and restarts give one file in the channel, never two.
 *
 * It calls the Web API with its own fetch (not Bolt's WebClient, whose built-in retries would
 * resend a completion blindly).
 */

export interface UploadRequest {
  /** Names the upload (e.g. the digest's outbox key + ':chart'). */
  key: string;
  channel: string;
  filename: string;
  title: string;
  altText: string;
  /** The bytes, or a function making them (not called when the key is already done). */
  bytes: Buffer | (() => Promise<Buffer>);
  initialComment?: string;
  threadTs?: string;
}

export interface UploadResult {
  fileId: string;
  channel: string;
  /** false when an earlier attempt (before a retry or restart) had already shared it. */
  uploaded: boolean;
}

/** Slack answered `ok: false`: the call was refused, nothing happened. */
export class SlackFileError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
  ) {
    super(`${method}: ${code}`);
    this.name = 'SlackFileError';
  }
}

/** Slack could not be reached or answered 5xx / 429: whether the call took effect is unknown (429: it did not). */
export class SlackUnavailable extends Error {
  constructor(
    readonly method: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(`${method}: ${message}`);
    this.name = 'SlackUnavailable';
  }
}

export interface SlackFilesOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  token: string;
  /** SLACK_API_URL, ending in /api/. */
  apiUrl: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Attempts per step (default 3). */
  attempts?: number;
  /** The longest Retry-After waited for (default 30 s); longer ones fail the call. */
  maxRetryAfterS?: number;
}

interface Row {
  key: string;
  channel: string;
  state: 'pending' | 'url' | 'uploaded' | 'completing' | 'done';
  file_id: string | null;
  attempts: number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

export class SlackFiles {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly attempts: number;

  constructor(private readonly o: SlackFilesOptions) {
    this.fetch = o.fetch ?? fetch;
    this.sleep = o.sleep ?? realSleep;
    this.attempts = o.attempts ?? 3;
  }

  /** The shared file of `key`, if its upload completed. */
  find(key: string): { fileId: string; channel: string } | undefined {
    const row = this.row(key);
    return row?.state === 'done' && row.file_id ? { fileId: row.file_id, channel: row.channel } : undefined;
  }

  async uploadOnce(req: UploadRequest): Promise<UploadResult> {
    let row = this.row(req.key);
    if (row?.state === 'done' && row.file_id)
      return { fileId: row.file_id, channel: row.channel, uploaded: false };
    if (!row) {
      const now = this.now();
      this.o.db
        .prepare(
          `INSERT INTO slack_uploads (key, channel, filename, state, attempts, created_at, updated_at)
           VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
        )
        .run(req.key, req.channel, req.filename, now, now);
      row = this.row(req.key)!;
    }
    try {
      if (row.state === 'completing' && row.file_id) {
        // A completion was sent and its answer never recorded: look before completing again.
        if ((await this.sharedIn(row.file_id, row.channel, req.threadTs)) === 'shared') {
          this.set(req.key, 'done', row.file_id);
          this.o.log.info(
            { key: req.key, file: row.file_id },
            'files: adopted an upload completed before a restart',
          );
          return { fileId: row.file_id, channel: row.channel, uploaded: false };
        }
        this.set(req.key, 'uploaded', row.file_id);
        row = this.row(req.key)!;
      }
      let fileId = row.state === 'uploaded' ? row.file_id : null;
      if (!fileId) fileId = await this.upload(req);
      return await this.complete(req, row.channel, fileId);
    } catch (err) {
      this.o.db
        .prepare('UPDATE slack_uploads SET error = ?, updated_at = ? WHERE key = ?')
        .run(String((err as Error).message).slice(0, 500), this.now(), req.key);
      throw err;
    }
  }

  // ------------------------------------------------------------------------------ the steps

  /** Steps 1 and 2, redone from scratch on a failure (a new upload_url each time). */
  private async upload(req: UploadRequest): Promise<string> {
    const bytes = typeof req.bytes === 'function' ? await req.bytes() : req.bytes;
    for (let attempt = 1; ; attempt++) {
      try {
        const got = (await this.call('files.getUploadURLExternal', {
          filename: req.filename,
          length: String(bytes.length),
          alt_text: req.altText,
        })) as { upload_url?: string; file_id?: string };
        if (!got.upload_url || !got.file_id)
          throw new SlackFileError('files.getUploadURLExternal', 'no upload_url in the answer');
        this.set(req.key, 'url', got.file_id);
        const res = await this.fetch(got.upload_url, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: new Uint8Array(bytes),
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status !== 200)
          throw new SlackUnavailable('upload', `upload_url answered HTTP ${res.status}`);
        this.set(req.key, 'uploaded', got.file_id);
        return got.file_id;
      } catch (err) {
        if (!(err instanceof SlackUnavailable) && !(err instanceof TypeError) && !isTimeout(err)) throw err;
        if (attempt >= this.attempts) throw asUnavailable('upload', err);
        this.o.log.warn(
          { key: req.key, attempt, err: String(err) },
          'files: upload failed; retrying with a new upload URL',
        );
        await this.backoff(err, attempt);
      }
    }
  }

  /** Step 3: complete, and after an unknown outcome look in the channel before completing again. */
  private async complete(req: UploadRequest, channel: string, fileId: string): Promise<UploadResult> {
    for (let attempt = 1; ; attempt++) {
      this.o.db
        .prepare(
          "UPDATE slack_uploads SET state = 'completing', attempts = attempts + 1, updated_at = ? WHERE key = ?",
        )
        .run(this.now(), req.key);
      try {
        await this.call('files.completeUploadExternal', {
          files: JSON.stringify([{ id: fileId, title: req.title }]),
          channel_id: channel,
          ...(req.initialComment ? { initial_comment: req.initialComment } : {}),
          ...(req.threadTs ? { thread_ts: req.threadTs } : {}),
        });
        this.set(req.key, 'done', fileId);
        return { fileId, channel, uploaded: true };
      } catch (err) {
        if (err instanceof SlackFileError) {
          // Refused: nothing was shared. The uploaded file stays for a later attempt, unless Slack
          // no longer knows it (then the next attempt uploads afresh).
          const gone = ['file_not_found', 'file_deleted', 'invalid_file_id'].includes(err.code);
          this.set(req.key, gone ? 'pending' : 'uploaded', gone ? null : fileId);
          throw err;
        }
        const rateLimited = err instanceof SlackUnavailable && err.retryAfter !== undefined;
        if (!rateLimited) {
          // Unknown outcome: did it share? (Give Slack a moment to show the share in the history.)
          await this.sleep(1000 * attempt);
          if ((await this.sharedIn(fileId, channel, req.threadTs)) === 'shared') {
            this.set(req.key, 'done', fileId);
            return { fileId, channel, uploaded: true };
          }
        }
        this.set(req.key, 'uploaded', fileId);
        if (attempt >= this.attempts) throw asUnavailable('files.completeUploadExternal', err);
        await this.backoff(err, attempt);
      }
    }
  }

  /**
   * Whether the file was shared in the channel: relbot's own recent messages there (or in the
   * thread) carry the file's id. conversations.history needs only the history scopes relbot already
   * has for the outbox (files.info would need files:read).
   */
  private async sharedIn(
    fileId: string,
    channel: string,
    threadTs?: string,
  ): Promise<'shared' | 'not-shared'> {
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const args: Record<string, string> = { channel, limit: '200', ...(cursor ? { cursor } : {}) };
      const res = (await this.retrying(() =>
        threadTs
          ? this.call('conversations.replies', { ...args, ts: threadTs })
          : this.call('conversations.history', args),
      )) as {
        messages?: Array<{ files?: Array<{ id?: string }> }>;
        response_metadata?: { next_cursor?: string };
      };
      if (res.messages?.some((m) => m.files?.some((f) => f.id === fileId))) return 'shared';
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return 'not-shared';
    }
    return 'not-shared';
  }

  /** A read, retried on 5xx, timeouts and 429 (reads are always safe to repeat). */
  private async retrying<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (err) {
        if (err instanceof SlackFileError || attempt >= this.attempts) throw err;
        await this.backoff(err, attempt);
      }
    }
  }

  // ------------------------------------------------------------------------------ plumbing

  private async call(method: string, args: Record<string, string>): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await this.fetch(`${this.o.apiUrl}${method}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.o.token}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(args).toString(),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw asUnavailable(method, err);
    }
    if (res.status === 429) {
      await res.arrayBuffer().catch(() => undefined);
      throw new SlackUnavailable(
        method,
        'rate limited (HTTP 429)',
        Number(res.headers.get('retry-after') ?? 1) || 1,
      );
    }
    if (res.status !== 200) {
      await res.arrayBuffer().catch(() => undefined);
      throw new SlackUnavailable(method, `Slack answered HTTP ${res.status}`);
    }
    const body = (await res.json().catch(() => ({ ok: false, error: 'invalid_json' }))) as {
      ok?: boolean;
      error?: string;
    };
    if (body.ok !== true) throw new SlackFileError(method, String(body.error ?? 'unknown_error'));
    return body as Record<string, unknown>;
  }

  private async backoff(err: unknown, attempt: number): Promise<void> {
    const retryAfter = err instanceof SlackUnavailable ? err.retryAfter : undefined;
    if (retryAfter !== undefined && retryAfter > (this.o.maxRetryAfterS ?? 30)) throw err;
    await this.sleep(retryAfter !== undefined ? retryAfter * 1000 : 250 * attempt);
  }

  private row(key: string): Row | undefined {
    return this.o.db
      .prepare('SELECT key, channel, state, file_id, attempts FROM slack_uploads WHERE key = ?')
      .get(key) as Row | undefined;
  }

  private set(key: string, state: Row['state'], fileId: string | null): void {
    this.o.db
      .prepare('UPDATE slack_uploads SET state = ?, file_id = ?, error = NULL, updated_at = ? WHERE key = ?')
      .run(state, fileId, this.now(), key);
  }

  private now(): string {
    return this.o.clock.now().toISO()!;
  }
}

const isTimeout = (err: unknown) =>
  err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

function asUnavailable(method: string, err: unknown): SlackUnavailable {
  if (err instanceof SlackUnavailable) return err;
  return new SlackUnavailable(method, isTimeout(err) ? 'timed out' : String((err as Error)?.message ?? err));
}
