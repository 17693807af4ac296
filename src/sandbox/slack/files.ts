// The Slack emulator's file uploads: files.getUploadURLExternal, the upload_url, files.completeUploadExternal.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { BOT_USER, SlackApiError, type SlackMessage, type SlackWorkspace } from './store';

/**
 * Slack's current three-step upload, checked as Slack checks it:
 *
 * - files.getUploadURLExternal needs the `files:write` scope, a filename and a positive integer
 *   length; it answers a single-use upload_url and a file id.
 * - The upload_url takes one POST whose body must be exactly `length` bytes (else HTTP 400); an
 *   unknown or already used URL answers 404.
 * - files.completeUploadExternal needs `files:write`, a `files` list of known ids whose bytes were
 *   uploaded (`file_not_found` / `file_upload_not_complete` otherwise) and, when given, a
 *   channel_id that exists (`channel_not_found`) and a thread_ts in it (`thread_not_found`). It
 *   shares the files as one message from relbot carrying the files (with initial_comment as text).
 *   A second completion of the same file shares it again, as a second message: so a client that
 *   completes twice is caught by counting the file's messages.
 *
 * The error codes follow Slack's documented ones where they exist (missing_scope, invalid_arguments,
 * file_not_found, channel_not_found); the emulator chose file_upload_not_complete and
 * thread_not_found. Files are kept per workspace (`uploadedFiles`) so tests and the sandbox page can
 * see them; GET /files/<id> serves the bytes.
 */

export interface EmulatedFile {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  title?: string;
  uploadToken: string;
  urlUsed: boolean;
  bytes?: Buffer;
  mimetype?: string;
  /** One entry per completion that shared it. */
  shares: { channel: string; ts: string }[];
}

interface FileState {
  files: Map<string, EmulatedFile>;
  byToken: Map<string, string>;
  scopes: Set<string>;
}

const states = new WeakMap<SlackWorkspace, FileState>();
function state(ws: SlackWorkspace): FileState {
  let s = states.get(ws);
  if (!s) {
    s = { files: new Map(), byToken: new Map(), scopes: new Set(['files:write']) };
    states.set(ws, s);
  }
  return s;
}

/** Every file the workspace knows, in the order they were requested. */
export function uploadedFiles(ws: SlackWorkspace): EmulatedFile[] {
  return [...state(ws).files.values()];
}

/** Files shared in `channel`, one entry per share. */
export function sharedFiles(ws: SlackWorkspace, channel?: string): EmulatedFile[] {
  return uploadedFiles(ws).flatMap((f) =>
    f.shares.filter((s) => !channel || s.channel === channel).map(() => f),
  );
}

/** Takes a scope away from relbot's token (a test of an app installed without files:write). */
export function revokeScope(ws: SlackWorkspace, scope: string): void {
  state(ws).scopes.delete(scope);
}

export function grantScope(ws: SlackWorkspace, scope: string): void {
  state(ws).scopes.add(scope);
}

const MAX_FILE = 1024 * 1024 * 1024;

function needScope(ws: SlackWorkspace, scope: string) {
  const s = state(ws);
  if (!s.scopes.has(scope))
    throw new SlackApiError('missing_scope', { needed: scope, provided: [...s.scopes].join(',') });
}

function shareChannel(ws: SlackWorkspace, channel: unknown): string {
  if (typeof channel !== 'string' || !channel) throw new SlackApiError('channel_not_found');
  if (channel.startsWith('D') || ws.channels.has(channel)) return channel;
  throw new SlackApiError('channel_not_found');
}

/** The files.* Web API methods; undefined for any other method. */
export function callFilesMethod(
  ws: SlackWorkspace,
  method: string,
  a: Record<string, unknown>,
): Record<string, unknown> | undefined {
  switch (method) {
    case 'files.getUploadURLExternal': {
      needScope(ws, 'files:write');
      const filename = typeof a.filename === 'string' ? a.filename.trim() : '';
      const length = Number(a.length);
      const errors: string[] = [];
      if (!filename) errors.push('[ERROR] missing required field: filename');
      if (!Number.isInteger(length) || length <= 0) errors.push('[ERROR] length must be a positive integer');
      if (length > MAX_FILE) errors.push('[ERROR] length is over the 1 GB limit');
      if (a.alt_text !== undefined && String(a.alt_text).length > 1000)
        errors.push('[ERROR] alt_text must be at most 1000 characters');
      if (errors.length)
        throw new SlackApiError('invalid_arguments', { response_metadata: { messages: errors } });
      const s = state(ws);
      const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
      const uploadToken = randomBytes(8).toString('hex');
      s.files.set(id, {
        id,
        filename,
        length,
        ...(a.alt_text !== undefined ? { altText: String(a.alt_text) } : {}),
        uploadToken,
        urlUsed: false,
        shares: [],
      });
      s.byToken.set(uploadToken, id);
      return { ok: true, upload_url: `${ws.url}/upload/${uploadToken}`, file_id: id };
    }
    case 'files.completeUploadExternal': {
      needScope(ws, 'files:write');
      let list: unknown = a.files;
      if (typeof list === 'string') {
        try {
          list = JSON.parse(list);
        } catch {
          throw new SlackApiError('invalid_arguments', {
            response_metadata: { messages: ['[ERROR] files is not JSON'] },
          });
        }
      }
      if (!Array.isArray(list) || list.length === 0)
        throw new SlackApiError('invalid_arguments', {
          response_metadata: { messages: ['[ERROR] files must be a non-empty list of {id, title}'] },
        });
      const s = state(ws);
      const files = list.map((entry) => {
        const f = s.files.get(String((entry as { id?: unknown })?.id));
        if (!f) throw new SlackApiError('file_not_found');
        if (!f.bytes) throw new SlackApiError('file_upload_not_complete');
        return { f, title: (entry as { title?: unknown }).title };
      });
      const channel = a.channel_id === undefined ? undefined : shareChannel(ws, a.channel_id);
      const threadTs = a.thread_ts === undefined ? undefined : String(a.thread_ts);
      if (threadTs && !ws.messages.some((m) => m.channel === channel && m.ts === threadTs))
        throw new SlackApiError('thread_not_found');
      for (const { f, title } of files) if (typeof title === 'string' && title) f.title = title;
      if (channel) {
        const ts = ws.nextTs();
        const msg: SlackMessage & { files: unknown[] } = {
          channel,
          ts,
          text: typeof a.initial_comment === 'string' ? a.initial_comment : '',
          user: BOT_USER,
          edits: 0,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          files: files.map(({ f }) => fileObject(ws, f)),
        };
        ws.messages.push(msg);
        for (const { f } of files) f.shares.push({ channel, ts });
      }
      return { ok: true, files: files.map(({ f }) => ({ id: f.id, title: f.title ?? f.filename })) };
    }
    default:
      return undefined;
  }
}

/** The file as Slack describes it in a message's `files`. */
function fileObject(ws: SlackWorkspace, f: EmulatedFile) {
  return {
    id: f.id,
    name: f.filename,
    title: f.title ?? f.filename,
    mimetype: f.mimetype ?? 'application/octet-stream',
    size: f.length,
    alt_txt: f.altText,
    url_private: `${ws.url}/files/${f.id}`,
  };
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** POST to an upload_url: exactly `length` bytes, once. */
export function receiveUpload(ws: SlackWorkspace, token: string, body: Buffer, res: ServerResponse): void {
  const s = state(ws);
  const f = s.files.get(s.byToken.get(token) ?? '');
  const answer = (status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(text);
  };
  ws.record('upload_url', { file: f?.id, bytes: body.length }, Boolean(f && !f.urlUsed), 200);
  if (!f || f.urlUsed) {
    answer(404, 'upload url not found or already used');
    return;
  }
  f.urlUsed = true;
  if (body.length !== f.length) {
    answer(400, `length mismatch: expected ${f.length} bytes, received ${body.length}`);
    return;
  }
  f.bytes = body;
  f.mimetype = body.subarray(0, 8).equals(PNG) ? 'image/png' : 'application/octet-stream';
  answer(200, `OK - ${body.length}`);
}

/** GET /files/<id>: the uploaded bytes (the sandbox page shows them). */
export function serveFile(ws: SlackWorkspace, id: string, res: ServerResponse): void {
  const f = state(ws).files.get(id);
  if (!f?.bytes) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such file');
    return;
  }
  res.writeHead(200, {
    'content-type': f.mimetype ?? 'application/octet-stream',
    'content-length': String(f.bytes.length),
    'cache-control': 'max-age=3600',
  });
  res.end(f.bytes);
}
