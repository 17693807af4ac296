// The Slack emulator's response_urls: what relbot posts to one becomes, replaces or deletes a message, at most five times.
import type { ServerResponse } from 'node:http';
import { validateMessage } from './blockkit';
import { BOT_USER, type SlackWorkspace } from './store';

/** Answers a POST to /response/{id} with Slack's plain-text answers (ok, expired_url, used_url, invalid_blocks). */
export function postToResponseUrl(ws: SlackWorkspace, id: string, raw: string, res: ServerResponse): void {
  const r = ws.responseUrls.get(id);
  const fail = (status: number, text: string): void => {
    res.writeHead(status);
    res.end(text);
  };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    fail(400, 'invalid_payload');
    return;
  }
  const record = (ok: boolean, error?: string) => ws.record('response_url', body, ok, ok ? 200 : 404, error);
  if (!r) {
    record(false, 'expired_url');
    fail(404, 'expired_url');
    return;
  }
  if (r.uses >= 5) {
    record(false, 'used_url');
    fail(404, 'used_url');
    return;
  }
  const errors = body.delete_original ? [] : validateMessage(body as { text?: unknown; blocks?: unknown });
  if (errors.length) {
    ws.violations.push({ method: 'response_url', errors });
    record(false, 'invalid_blocks');
    fail(400, 'invalid_blocks');
    return;
  }
  r.uses += 1;
  r.bodies.push(body);
  const original = r.messageTs
    ? ws.messages.find((m) => m.channel === r.channel && m.ts === r.messageTs)
    : undefined;
  if (body.delete_original && original) {
    ws.messages.splice(ws.messages.indexOf(original), 1);
  } else if (body.replace_original && original) {
    original.text = body.text as string | undefined;
    original.blocks = body.blocks as unknown[] | undefined;
    original.edits += 1;
  } else {
    const inChannel = body.response_type === 'in_channel';
    ws.messages.push({
      channel: r.channel,
      ts: ws.nextTs(),
      text: body.text as string | undefined,
      blocks: body.blocks as unknown[] | undefined,
      user: BOT_USER,
      edits: 0,
      ephemeralTo: inChannel ? undefined : r.user,
      viaResponseUrl: true,
    });
  }
  record(true);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
}
