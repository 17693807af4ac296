import type { WebAPICallResult, WebClient } from '@slack/web-api';
import PQueue from 'p-queue';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';

/**
 * Every message relbot sends on its own (reminders, digests, cards, DMs) goes through this queue:
 * at most about one message per second per channel (Slack's chat.postMessage tier), Slack's 429
 * Retry-After honoured by holding that channel's lane, and a hard bound on what may wait. When the
 * bound is reached new work is refused with `OutboundQueueFull` (and a logged error) instead of
 * growing memory: a flood of commands cannot take the process down.
 */

export class OutboundQueueFull extends Error {
  constructor(readonly limit: number) {
    super(`outbound Slack queue is full (${limit} messages waiting); message refused`);
  }
}

export interface OutboundOptions {
  /** Minimum spacing of calls to one channel, in ms. */
  intervalMs?: number;
  /** Messages that may wait across all channels. */
  maxPending?: number;
  /** How many times a 429 is retried before the call fails. */
  maxRateLimitRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

type Method =
  | 'chat.postMessage'
  | 'chat.update'
  | 'chat.postEphemeral'
  | 'chat.delete'
  | 'conversations.open'
  | 'views.publish';

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

export class OutboundQueue {
  private readonly lanes = new Map<string, PQueue>();
  private waiting = 0;
  private readonly intervalMs: number;
  private readonly maxPending: number;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
    opts: OutboundOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.maxPending = opts.maxPending ?? 500;
    this.maxRetries = opts.maxRateLimitRetries ?? 3;
    this.sleep = opts.sleep ?? realSleep;
  }

  get pending(): number {
    return this.waiting;
  }

  /** Queues a Web API call for `channel`. Rejects with OutboundQueueFull at once when the queue is full. */
  send<T extends WebAPICallResult = WebAPICallResult>(
    method: Method,
    args: Record<string, unknown>,
  ): Promise<T> {
    const channel = String(args.channel ?? args.users ?? args.user_id ?? 'global');
    if (this.waiting >= this.maxPending) {
      this.metrics?.outboundQueued.inc();
      this.log.error(
        { channel, method, pending: this.waiting },
        'outbound Slack queue full; message refused',
      );
      return Promise.reject(new OutboundQueueFull(this.maxPending));
    }
    let lane = this.lanes.get(channel);
    if (!lane) {
      lane = new PQueue({ concurrency: 1, intervalCap: 1, interval: this.intervalMs });
      this.lanes.set(channel, lane);
      lane.on('idle', () => {
        if (lane!.size === 0 && lane!.pending === 0) this.lanes.delete(channel);
      });
    }
    this.waiting += 1;
    return lane
      .add(async () => this.callWithRetry<T>(method, args))
      .finally(() => {
        this.waiting -= 1;
      }) as Promise<T>;
  }

  private async callWithRetry<T>(method: Method, args: Record<string, unknown>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.client.apiCall(method, args)) as T;
      } catch (err) {
        const retryAfter = (err as { retryAfter?: number }).retryAfter;
        if (typeof retryAfter === 'number' && attempt < this.maxRetries) {
          this.log.warn(
            { method, channel: args.channel, retryAfter, attempt },
            'Slack rate limited; holding this channel',
          );
          await this.sleep(Math.max(retryAfter, 1) * 1000);
          continue;
        }
        throw err;
      }
    }
  }

  /** Resolves when everything queued so far has been sent (or failed). Used on shutdown. */
  async drain(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.onIdle()));
  }
}
