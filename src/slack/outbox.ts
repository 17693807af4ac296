import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock';
import type { Db } from '../db';
import type { Logger } from '../log';
import type { Message } from './blocks';
import type { OutboundQueue } from './outbound';

/**
 * The one idempotent path for posts that must happen exactly once (reminders, digests, cards, DMs).
 *
 * 1. An intent row keyed by `key` is written before the post ('pending').
 * 2. The message carries the key in Slack message metadata (`relbot_post`).
 * 3. After Slack answers, the row becomes 'done' with the message ts.
 *
 * If the process dies between 2 and 3, the row is still 'pending' on restart; before posting again
 * relbot looks for its own message with that key in the channel history, and adopts it if found.
 * So a crash at any point yields one message, never two, and never none.
 */

export interface PostMessage extends Message {
  thread_ts?: string;
  unfurl_links?: boolean;
}

export interface OutboxResult {
  ts: string;
  channel: string;
  /** false when an earlier attempt had already posted it. */
  posted: boolean;
}

export const METADATA_EVENT = 'relbot_post';

export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly queue: OutboundQueue,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The posted message for `key`, if it was posted. */
  find(key: string): { channel: string; ts: string } | undefined {
    const row = this.db.prepare("SELECT channel, ts FROM outbox WHERE key = ? AND state = 'done'").get(key) as
      | { channel: string; ts: string }
      | undefined;
    return row;
  }

  async postOnce(key: string, channel: string, message: PostMessage): Promise<OutboxResult> {
    const now = this.clock.now().toISO()!;
    const existing = this.db
      .prepare('SELECT channel, state, ts, attempts, created_at FROM outbox WHERE key = ?')
      .get(key) as
      | { channel: string; state: string; ts: string | null; attempts: number; created_at: string }
      | undefined;
    if (existing?.state === 'done' && existing.ts)
      return { ts: existing.ts, channel: existing.channel, posted: false };
    if (existing && existing.attempts > 0) {
      // An earlier attempt may have reached Slack before the process died: look before posting again.
      const found = await this.findPosted(existing.channel, key);
      if (found) {
        this.markDone(key, found.channel, found.ts);
        this.log.info({ key, ts: found.ts }, 'outbox: adopted a message posted before a restart');
        return { ...found, posted: false };
      }
    }
    if (!existing) {
      this.db
        .prepare(
          "INSERT INTO outbox (key, channel, state, attempts, created_at, updated_at) VALUES (?, ?, 'pending', 0, ?, ?)",
        )
        .run(key, channel, now, now);
    }
    this.db
      .prepare("UPDATE outbox SET attempts = attempts + 1, state = 'pending', updated_at = ? WHERE key = ?")
      .run(now, key);
    try {
      const res = (await this.queue.send('chat.postMessage', {
        channel,
        ...message,
        metadata: { event_type: METADATA_EVENT, event_payload: { key } },
      })) as { ts?: string; channel?: string };
      const ts = String(res.ts);
      this.markDone(key, res.channel ?? channel, ts);
      return { ts, channel: res.channel ?? channel, posted: true };
    } catch (err) {
      this.db
        .prepare('UPDATE outbox SET error = ?, updated_at = ? WHERE key = ?')
        .run(String((err as Error).message).slice(0, 500), this.clock.now().toISO(), key);
      throw err;
    }
  }

  private markDone(key: string, channel: string, ts: string) {
    this.db
      .prepare(
        "UPDATE outbox SET state = 'done', channel = ?, ts = ?, error = NULL, updated_at = ? WHERE key = ?",
      )
      .run(channel, ts, this.clock.now().toISO(), key);
  }

  /** Searches the channel's recent history for relbot's message carrying `key`. */
  private async findPosted(
    channel: string,
    key: string,
  ): Promise<{ channel: string; ts: string } | undefined> {
    let cursor: string | undefined;
    let conversation = channel;
    if (/^[UW]/.test(channel)) {
      // A DM was addressed to a user; its history lives in the IM channel.
      const opened = (await this.client.conversations.open({ users: channel })) as {
        channel?: { id?: string };
      };
      conversation = opened.channel?.id ?? channel;
    }
    for (let page = 0; page < 5; page++) {
      const res = (await this.client.conversations.history({
        channel: conversation,
        include_all_metadata: true,
        limit: 200,
        cursor,
      })) as {
        messages?: Array<{
          ts?: string;
          metadata?: { event_type?: string; event_payload?: { key?: string } };
        }>;
        response_metadata?: { next_cursor?: string };
      };
      const hit = res.messages?.find(
        (m) => m.metadata?.event_type === METADATA_EVENT && m.metadata.event_payload?.key === key,
      );
      if (hit?.ts) return { channel: conversation, ts: hit.ts };
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }
}
